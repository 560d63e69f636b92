"""Importing feeds that change, repeat themselves, lack guids or carry bad items."""

import datetime

import pytest
from django.db import DataError

from episodes.imports import importer
from episodes.imports.feedreader import parse_duration, truncate_utf8
from episodes.imports.importer import FeedImportError, import_feed
from episodes.models import Episode, Show, Transcript
from people.models import Credit, Person
from tests.factories import make_episode, make_show, rss_document, rss_item, shared_feed

UTC = datetime.UTC


@pytest.mark.django_db
def test_modified_feed_updates_only_the_changed_episode_and_adds_the_new_one():
    original = shared_feed("sentimental-garbage.xml").read_text(encoding="utf-8")
    import_feed(original.encode("utf-8"))
    stamps = dict(Episode.objects.values_list("guid", "updated_at"))
    slug = Episode.objects.get(guid="64ce024b17496000117178ca").slug
    new_item = rss_item(
        "A brand new episode",
        guid="new-episode-guid-1",
        audio_url="https://cdn.example.com/new.mp3",
        pubDate="Sat, 12 Aug 2023 08:00:00 GMT",
        itunes__duration="45:30",
    )
    changed = original.replace(
        "<title>Barbie with Jen Cownie </title>",
        "<title>Barbie with Jen Cownie (remastered)</title>",
        1,
    ).replace("<item>", new_item + "<item>", 1)
    assert changed.count("remastered") == 1

    result = import_feed(changed.encode("utf-8"))

    assert result.counts == {"created": 1, "updated": 1, "unchanged": 137, "skipped": 0}
    assert result.updated == ["Barbie with Jen Cownie (remastered)"]
    assert result.created == ["A brand new episode"]
    barbie = Episode.objects.get(guid="64ce024b17496000117178ca")
    assert barbie.title == "Barbie with Jen Cownie (remastered)"
    assert barbie.slug == slug  # URLs live forever: a new title keeps the old slug
    assert barbie.updated_at > stamps["64ce024b17496000117178ca"]
    new = Episode.objects.get(guid="new-episode-guid-1")
    assert (new.duration, new.published_at) == (2730, datetime.datetime(2023, 8, 12, 8, tzinfo=UTC))
    unchanged = {guid: stamp for guid, stamp in stamps.items() if guid != "64ce024b17496000117178ca"}
    assert dict(Episode.objects.filter(guid__in=unchanged).values_list("guid", "updated_at")) == unchanged
    assert Episode.objects.count() == 139


@pytest.mark.django_db
def test_items_without_guid_are_matched_by_enclosure_url_on_reimport():
    first = rss_document(
        rss_item("No guid here", audio_url="https://cdn.example.com/a.mp3"),
        rss_item("Nor here", audio_url="https://cdn.example.com/b.mp3"),
    )
    import_feed(first)
    renamed = rss_document(
        rss_item("No guid here, renamed", audio_url="https://cdn.example.com/a.mp3"),
        rss_item("Nor here", audio_url="https://cdn.example.com/b.mp3"),
    )

    result = import_feed(renamed)

    assert result.counts == {"created": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert list(Episode.objects.order_by("guid").values_list("guid", "title")) == [
        ("https://cdn.example.com/a.mp3", "No guid here, renamed"),
        ("https://cdn.example.com/b.mp3", "Nor here"),
    ]


@pytest.mark.django_db
def test_bad_items_are_skipped_with_reasons_and_the_rest_imported():
    other_show = make_show(title="Another Show")
    make_episode(other_show, guid="taken-guid")
    feed = rss_document(
        rss_item("Good one", guid="g-1", audio_url="https://cdn.example.com/1.mp3"),
        rss_item("No audio", guid="g-2"),
        rss_item("Bad audio URL", guid="g-3", audio_url="not a url"),
        rss_item("Taken guid", guid="taken-guid", audio_url="https://cdn.example.com/4.mp3"),
        rss_item("Repeated guid", guid="g-1", audio_url="https://cdn.example.com/5.mp3"),
        rss_item("Good two", guid="g-6", audio_url="https://cdn.example.com/6.mp3"),
    )
    seen = []

    result = import_feed(feed, progress=lambda *args: seen.append(args))

    assert result.created == ["Good one", "Good two"]
    assert result.skipped == [
        ("No audio", "no enclosure (audio URL)"),
        ("Bad audio URL", "the enclosure URL “not a url” is not a valid http(s) URL"),
        ("Taken guid", "its guid taken-guid already belongs to an episode of “Another Show”"),
        ("Repeated guid", "an earlier item of this feed has the same guid g-1"),
    ]
    assert seen == [
        (1, 6, "created", "Good one"),
        (2, 6, "skipped", "No audio"),
        (3, 6, "skipped", "Bad audio URL"),
        (4, 6, "skipped", "Taken guid"),
        (5, 6, "skipped", "Repeated guid"),
        (6, 6, "created", "Good two"),
    ]
    assert list(Episode.objects.filter(show=result.show).values_list("guid", flat=True).order_by("guid")) == [
        "g-1",
        "g-6",
    ]
    assert Episode.objects.get(guid="taken-guid").show == other_show


@pytest.mark.django_db
def test_same_titles_get_slugs_unique_within_the_show():
    feed = rss_document(
        rss_item("Q&A", guid="q-1", audio_url="https://cdn.example.com/1.mp3"),
        rss_item("Q&A", guid="q-2", audio_url="https://cdn.example.com/2.mp3"),
        rss_item("Привет", guid="q-3", audio_url="https://cdn.example.com/3.mp3"),
    )

    import_feed(feed)

    assert list(Episode.objects.order_by("guid").values_list("guid", "slug")) == [
        ("q-1", "qa"),
        ("q-2", "qa-2"),
        ("q-3", "episode"),
    ]


@pytest.mark.django_db
def test_future_pubdate_stays_scheduled_and_missing_pubdate_is_a_draft():
    future = (datetime.datetime.now(UTC) + datetime.timedelta(days=3)).replace(microsecond=0)
    feed = rss_document(
        rss_item(
            "Coming soon",
            guid="f-1",
            audio_url="https://cdn.example.com/1.mp3",
            pubDate=future.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        ),
        rss_item("Undated", guid="f-2", audio_url="https://cdn.example.com/2.mp3", pubDate=""),
    )

    result = import_feed(feed)

    soon = Episode.objects.get(guid="f-1")
    assert (soon.status, soon.published_at, soon.is_scheduled) == (Episode.PUBLISHED, future, True)
    assert list(Episode.objects.published()) == []
    undated = Episode.objects.get(guid="f-2")
    assert (undated.status, undated.published_at) == (Episode.DRAFT, None)
    assert "“Undated” has no publication date; it was imported as a draft." in result.warnings


@pytest.mark.django_db
def test_show_notes_are_sanitised_and_summary_is_plain_text_within_4000_bytes():
    notes = "<p onclick='steal()'>Notes <script>alert(1)</script><a href='javascript:x()'>link</a></p>"
    long_description = "é" * 2500  # 5000 bytes in UTF-8
    feed = rss_document(
        rss_item(
            "Rich",
            guid="r-1",
            audio_url="https://cdn.example.com/1.mp3",
            description=f"<![CDATA[<b>{long_description}</b>]]>",
            content__encoded=f"<![CDATA[{notes}]]>",
        )
    )

    result = import_feed(feed)

    episode = Episode.objects.get(guid="r-1")
    # Our sanitiser (nh3) drops the javascript: link's href, the script and the handler.
    assert episode.show_notes == '<p>Notes <a rel="noopener noreferrer">link</a></p>'
    assert episode.summary == "é" * 2000
    assert "“Rich”: the summary was longer than 4000 bytes and was shortened." in result.warnings


@pytest.mark.django_db
def test_unknown_person_role_is_credited_as_guest_and_reported():
    feed = rss_document(
        rss_item(
            "People",
            guid="p-1",
            audio_url="https://cdn.example.com/1.mp3",
            podcast__person="Ada Lovelace",
        ).replace(
            "<podcast:person>Ada Lovelace</podcast:person>",
            '<podcast:person role="Wizard">Ada Lovelace</podcast:person>'
            '<podcast:person role="Host" href="https://grace.example.com">Grace Hopper</podcast:person>'
            '<podcast:person role="host">Grace  Hopper</podcast:person>',
        )
    )

    result = import_feed(feed)

    assert list(Credit.objects.values_list("person__name", "role", "group")) == [
        ("Ada Lovelace", "guest", "cast"),
        ("Grace Hopper", "host", "cast"),
    ]
    assert Person.objects.get(slug="grace-hopper").website == "https://grace.example.com"
    assert (
        "Item 1: role “wizard” of Ada Lovelace is not in the taxonomy; credited as guest." in result.warnings
    )


@pytest.mark.django_db
def test_import_into_a_named_show_and_transcripts_added_later():
    show = make_show(title="Our Show", slug="our-show", is_public=True)
    feed = rss_document(rss_item("One", guid="t-1", audio_url="https://cdn.example.com/1.mp3"))
    import_feed(feed, show_slug="our-show")
    with_transcript = rss_document(
        rss_item("One", guid="t-1", audio_url="https://cdn.example.com/1.mp3").replace(
            "</item>", '<podcast:transcript url="https://cdn.example.com/1.vtt" type="text/vtt"/></item>'
        )
    )

    result = import_feed(with_transcript, show_slug="our-show")

    assert result.show == show
    assert result.updated == ["One"]
    assert list(Transcript.objects.values_list("episode__guid", "url", "mime_type")) == [
        ("t-1", "https://cdn.example.com/1.vtt", "text/vtt")
    ]
    assert Show.objects.count() == 1


@pytest.mark.django_db
def test_reimport_without_show_finds_the_show_by_its_episodes():
    feed = rss_document(rss_item("One", guid="s-1", audio_url="https://cdn.example.com/1.mp3"))
    first = import_feed(feed)
    first.show.slug = "renamed-by-producer"
    first.show.save()

    again = import_feed(feed)

    assert again.show == first.show
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0}
    assert Show.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1:02:03", 3723),
        ("62:03", 3723),
        ("3723", 3723),
        ("3723.5", 3724),
        ("00:16:00", 960),
        ("7:00", 420),
        ("1:02:03.4", 3723),
        (" 45 ", 45),
        ("", None),
        (None, None),
    ],
)
def test_parse_duration_reads_every_form_feeds_use(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "1:2:3:4",
        "abc",
        "-5",
        "12 minutes",
        "inf",
        "-inf",
        "nan",
        "1e400",
        "1:inf",
        "nan:00",
        "1e12",
        "168:00:01",
    ],
)
def test_parse_duration_refuses_what_is_not_a_duration(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_parse_duration_accepts_up_to_a_week():
    assert parse_duration("168:00:00") == 7 * 24 * 3600


@pytest.mark.django_db
@pytest.mark.parametrize("duration", ["inf", "nan", "1e400"])
def test_item_with_non_finite_duration_is_imported_without_one_and_a_warning(duration):
    feed = rss_document(
        rss_item("Endless", guid="g-1", audio_url="https://cdn.example.com/1.mp3", itunes__duration=duration),
        rss_item("Normal", guid="g-2", audio_url="https://cdn.example.com/2.mp3", itunes__duration="1:00"),
    )

    result = import_feed(feed)

    assert result.created == ["Endless", "Normal"]
    assert result.skipped == []
    assert f"“Endless”: duration “{duration}” is unreadable and was left empty." in result.warnings
    assert dict(Episode.objects.values_list("guid", "duration")) == {"g-1": None, "g-2": 60}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error", [OverflowError("int too large"), ValueError("bad value"), DataError("value out of range")]
)
def test_item_whose_value_python_or_the_database_refuses_is_skipped_and_the_rest_imported(monkeypatch, error):
    # No real value reaches this any more (the readers refuse them first); this stands in for
    # the next one that does, e.g. a number the database column cannot hold.
    def enclosure_length(value):
        if value == "999":
            raise error
        return int(value)

    monkeypatch.setattr(importer, "_non_negative_int", enclosure_length)
    feed = rss_document(
        rss_item("First", guid="g-1", audio_url="https://cdn.example.com/1.mp3"),
        rss_item("Broken", guid="g-2", audio_url="https://cdn.example.com/2.mp3", length="999"),
        rss_item("Last", guid="g-3", audio_url="https://cdn.example.com/3.mp3"),
    )
    seen = []

    result = import_feed(feed, progress=lambda *args: seen.append(args))

    assert result.created == ["First", "Last"]
    assert result.skipped == [("Broken", f"a value could not be read or stored ({error})")]
    assert seen == [(1, 3, "created", "First"), (2, 3, "skipped", "Broken"), (3, 3, "created", "Last")]
    assert sorted(Episode.objects.values_list("guid", flat=True)) == ["g-1", "g-3"]


def test_truncate_utf8_cuts_on_a_character_boundary():
    assert truncate_utf8("aé" * 3, limit=4) == ("aéa", True)
    assert truncate_utf8("aé" * 3, limit=5) == ("aéa", True)
    assert truncate_utf8("€€", limit=5) == ("€", True)
    assert truncate_utf8("short", limit=5) == ("short", False)


def reimport_queries(count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    feed = rss_document(
        *(
            rss_item(
                f"Episode {n}",
                guid=f"{count}-{n}",
                audio_url=f"https://cdn.example.com/{count}/{n}.mp3",
                podcast__person="Ada Lovelace",
            ).replace(
                "</item>",
                f'<podcast:transcript url="https://cdn.example.com/{n}.vtt" type="text/vtt"/></item>',
            )
            for n in range(count)
        ),
        title=f"Show of {count}",
    )
    import_feed(feed)
    with CaptureQueriesContext(connection) as queries:
        result = import_feed(feed)
    assert result.counts["unchanged"] == count
    return len(queries)


@pytest.mark.django_db
def test_reimport_runs_as_many_queries_for_one_item_as_for_fifty():
    assert reimport_queries(1) == reimport_queries(50)


@pytest.mark.django_db
def test_reimport_does_not_republish_an_episode_taken_offline_here():
    feed = rss_document(
        rss_item("Kept", guid="u-1", audio_url="https://cdn.example.com/1.mp3"),
        rss_item("Withdrawn", guid="u-2", audio_url="https://cdn.example.com/2.mp3"),
    )
    import_feed(feed)
    Episode.objects.filter(guid="u-2").update(status=Episode.DRAFT)

    result = import_feed(feed)

    assert result.counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert list(Episode.objects.order_by("guid").values_list("guid", "status")) == [
        ("u-1", Episode.PUBLISHED),
        ("u-2", Episode.DRAFT),
    ]


@pytest.mark.django_db
def test_feed_locked_no_imports_without_confirmation_and_keeps_the_flag():
    feed = rss_document(
        rss_item("Open", guid="o-1", audio_url="https://cdn.example.com/1.mp3"),
        channel_extra="<podcast:locked>no</podcast:locked>",
    )

    result = import_feed(feed)

    assert result.counts["created"] == 1
    assert result.show.podcast_locked is False


@pytest.mark.django_db
def test_podcast_guid_of_the_feed_goes_to_an_empty_show_but_not_to_one_with_episodes():
    guid_tag = "<podcast:guid>ac746d09-7c3b-5bcd-b28a-f12d6456ca8f</podcast:guid>"
    feed = rss_document(
        rss_item("One", guid="pg-1", audio_url="https://cdn.example.com/1.mp3"), channel_extra=guid_tag
    )
    empty = make_show(slug="empty-target")
    established = make_show(slug="established")
    make_episode(established)
    established_guid = established.podcast_guid

    import_feed(feed, show_slug="established")
    assert str(Show.objects.get(slug="established").podcast_guid) == str(established_guid)

    Episode.objects.filter(guid="pg-1").delete()
    import_feed(feed, show_slug="empty-target")
    empty.refresh_from_db()
    assert str(empty.podcast_guid) == "ac746d09-7c3b-5bcd-b28a-f12d6456ca8f"


@pytest.mark.django_db
def test_items_without_people_keep_none_and_the_channel_people_host_the_show():
    feed = rss_document(
        rss_item("With a guest", guid="h-1", audio_url="https://cdn.example.com/1.mp3").replace(
            "</item>", '<podcast:person role="guest">Ada Lovelace</podcast:person></item>'
        ),
        rss_item("Hosts only", guid="h-2", audio_url="https://cdn.example.com/2.mp3"),
        channel_extra="<podcast:person>Grace Hopper</podcast:person>",
    )

    result = import_feed(feed)

    assert list(result.show.hosts.values_list("person__name", "role")) == [("Grace Hopper", "host")]
    assert list(
        Credit.objects.order_by("episode__guid").values_list("episode__guid", "person__name", "role")
    ) == [
        ("h-1", "Ada Lovelace", "guest"),
    ]


@pytest.mark.django_db
def test_show_slug_that_is_not_a_slug_is_refused_and_writes_nothing():
    feed = rss_document(rss_item("One", guid="x-1", audio_url="https://cdn.example.com/1.mp3"))

    with pytest.raises(FeedImportError) as error:
        import_feed(feed, show_slug="not a slug!")

    assert str(error.value).startswith("The show cannot be created (slug: Enter a valid “slug”")
    assert (Show.objects.count(), Episode.objects.count()) == (0, 0)
