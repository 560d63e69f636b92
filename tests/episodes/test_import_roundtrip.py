"""The exact round trip, as a property of every feed: import → serve our feed → import into an
empty install gives the same rows for every field we model, and serving that install's feed gives
the same bytes (apart from lastBuildDate and the addresses that name rows by their id)."""

import re

import pytest

from episodes.imports.importer import EPISODE_ROWS, ROW_FIELDS, import_feed
from episodes.models import (
    Episode,
    FundingLink,
    LiveItem,
    Location,
    PlatformBlock,
    PodcastImage,
    Show,
    Trailer,
    TxtRecord,
)
from people.models import Person
from tests.episodes.feed_samples import WRITTEN
from tests.factories import SHARED_FEEDS, shared_feed

SHARED = [
    "1865.xml",
    "changing-the-tide.xml",
    "dk-podcast.xml",
    "homegrown-hits.xml",
    "no-agenda.xml",
    "pc20rss.xml",
    "podcast-namespace-example.xml",
    "sentimental-garbage.xml",
]
# Not feed data: ids, times and files of this install, renditions made from its uploads, and the
# secret that signs its preview links.
SHOW_SKIPPED = {
    "id",
    "slug",
    "is_public",
    "created_at",
    "updated_at",
    "content_changed_at",
    "artwork",
    "artwork_renditions",
}
EPISODE_SKIPPED = {
    "id",
    "show",
    "created_at",
    "updated_at",
    "published_by",
    "audio",
    "artwork",
    "audio_revision",
    "artwork_renditions",
    "preview_key",
}
SHOW_ROWS = {
    "funding": FundingLink,
    "locations": Location,
    "txt": TxtRecord,
    "images": PodcastImage,
    "trailers": Trailer,
    "blocks": PlatformBlock,
    "live_items": LiveItem,
}


def source_bytes(name):
    if name in WRITTEN:
        return WRITTEN[name]
    return shared_feed(name).read_bytes()


def fields_of(obj, skipped):
    """Every concrete field's value, editable or not (model_to_dict would leave out guids)."""
    return {f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skipped}


def snapshot(show):
    """Every field we model of a show and its episodes, without ids and timestamps."""
    show = Show.objects.get(pk=show.pk)
    data = fields_of(show, SHOW_SKIPPED)
    for name, model in SHOW_ROWS.items():
        order = (
            ("order", "pk") if any(f.name == "order" for f in model._meta.fields) else model._meta.ordering
        )
        data[name] = list(model.objects.filter(show=show).order_by(*order).values(*ROW_FIELDS[model]))
    data["hosts"] = [
        (host.person.name, host.person.website, host.role, host.group)
        for host in show.hosts.order_by("order", "pk")
    ]
    episodes = {}
    for episode in Episode.objects.filter(show=show).order_by("guid"):
        row = fields_of(episode, EPISODE_SKIPPED)
        row["credits"] = [
            (c.person.name, c.person.website, c.role, c.group)
            for c in episode.credits.order_by("order", "pk")
        ]
        row["transcripts"] = list(
            episode.transcripts.order_by("pk").values("url", "mime_type", "language", "is_captions")
        )
        for name, model in EPISODE_ROWS.items():
            order = (
                ("order", "pk")
                if any(f.name == "order" for f in model._meta.fields)
                else model._meta.ordering
            )
            row[name] = list(
                model.objects.filter(episode=episode).order_by(*order).values(*ROW_FIELDS[model])
            )
        episodes[episode.guid] = row
    data["episodes"] = episodes
    return data


def serve(client, show):
    Show.objects.filter(pk=show.pk).update(is_public=True)
    response = client.get(f"/shows/{show.slug}/feed.xml")
    assert response.status_code == 200
    return b"".join(response) if response.streaming else response.content


ADDRESSES = re.compile(rb"(/chapters/|/transcripts/)\d+")


def comparable(feed):
    feed = re.sub(rb"<lastBuildDate>[^<]*</lastBuildDate>", b"", feed)
    return ADDRESSES.sub(rb"\1ID", feed)


def empty_install():
    """What a second, empty install has: no shows, episodes or people."""
    for show in Show.objects.all():
        Episode.objects.filter(show=show).delete()
        show.hosts.all().delete()
        show.delete()
    Person.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("name", SHARED + sorted(WRITTEN))
def test_import_serve_import_gives_the_same_rows_and_the_same_feed(client, name):
    if name not in WRITTEN and not SHARED_FEEDS.is_dir():
        pytest.skip(f"{SHARED_FEEDS} is absent: the real feeds live beside the project, not in it")
    first = import_feed(source_bytes(name), show_slug="moved", allow_locked=True)
    assert first.skipped == []
    before = snapshot(first.show)
    ours = serve(client, first.show)

    empty_install()
    second = import_feed(ours, show_slug="moved", allow_locked=True)
    assert second.skipped == []
    assert second.counts["created"] == len(before["episodes"])
    after = snapshot(second.show)
    for key in before:
        if key != "episodes":
            assert after[key] == before[key], key
    assert after["episodes"].keys() == before["episodes"].keys()
    for guid, row in before["episodes"].items():
        assert after["episodes"][guid] == row, guid

    again = serve(client, second.show)
    assert comparable(again) == comparable(ours)


@pytest.mark.django_db
def test_reimporting_our_own_feed_adds_no_copy_of_the_description(client):
    first = import_feed(WRITTEN["description-only"], show_slug="moved")
    ours = serve(client, first.show)
    for _ in range(3):
        import_feed(ours, show_slug="moved")
        ours = serve(client, first.show)
    notes = dict(Episode.objects.values_list("guid", "show_notes"))
    summaries = dict(Episode.objects.values_list("guid", "summary"))
    assert notes == {"sample-1": "<p>A Paradox.</p><p>With one<br>two and <b>bold</b>.</p>", "sample-2": ""}
    assert summaries == {
        "sample-1": "A Paradox. With one two and bold.",
        "sample-2": "Plain text only, said once.",
    }
    assert ours.count(b"A Paradox.") == 2  # once in description, once in content:encoded
