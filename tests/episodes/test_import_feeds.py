"""Importing the real feeds of ../shared/feeds: every episode arrives with its exact values."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from episodes.imports.importer import FeedLockedError, import_feed
from episodes.models import Episode, Show, Transcript
from people.models import Credit, Person, ShowHost
from tests.factories import shared_feed

FEEDS = [
    "1865.xml",
    "changing-the-tide.xml",
    "dk-podcast.xml",
    "homegrown-hits.xml",
    "no-agenda.xml",
    "pc20rss.xml",
    "podcast-namespace-example.xml",
    "sentimental-garbage.xml",
]
UTC = datetime.UTC


def run_import(name, **options):
    options.setdefault("allow_locked", True)
    return import_feed(shared_feed(name).read_bytes(), **options)


def items_with_enclosure(name):
    return sum(1 for entry in feedparser.parse(str(shared_feed(name))).entries if entry.get("enclosures"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", FEEDS)
def test_import_creates_one_episode_per_item_with_enclosure(name):
    result = run_import(name)

    expected = items_with_enclosure(name)
    assert result.counts == {"created": expected, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Episode.objects.filter(show=result.show).count() == expected
    assert Show.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", FEEDS)
def test_reimport_of_the_same_feed_writes_nothing(name):
    first = run_import(name)
    show_stamp = Show.objects.get().updated_at
    episode_stamps = dict(Episode.objects.values_list("guid", "updated_at"))
    rows = (
        Person.objects.count(),
        Credit.objects.count(),
        Transcript.objects.count(),
        ShowHost.objects.count(),
    )

    with CaptureQueriesContext(connection) as queries:
        again = run_import(name)

    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert again.counts == {"created": 0, "updated": 0, "unchanged": len(first.created), "skipped": 0}
    assert again.show == first.show
    assert again.show_created is False
    assert again.show_updated is False
    assert Show.objects.get().updated_at == show_stamp
    assert dict(Episode.objects.values_list("guid", "updated_at")) == episode_stamps
    assert (
        Person.objects.count(),
        Credit.objects.count(),
        Transcript.objects.count(),
        ShowHost.objects.count(),
    ) == rows


@pytest.mark.django_db
def test_import_sentimental_garbage_keeps_exact_values():
    result = run_import("sentimental-garbage.xml")

    show = result.show
    assert (show.title, show.slug, show.language, show.show_type, show.explicit) == (
        "Sentimental Garbage",
        "sentimental-garbage",
        "en",
        "episodic",
        True,
    )
    # "Literature", an old Apple subcategory of Arts, is "Books" today.
    assert (show.category, show.subcategory) == ("Arts", "Books")
    assert show.artwork_url == "https://assets.pippa.io/shows/611f7f984804726c57143e7e/show-cover.jpg"
    assert show.is_public is False
    episode = Episode.objects.get(guid="64ce024b17496000117178ca")
    assert episode.title == "Barbie with Jen Cownie"
    assert episode.slug == "barbie-with-jen-cownie"
    assert episode.published_at == datetime.datetime(2023, 8, 5, 8, 3, 24, tzinfo=UTC)
    assert episode.status == Episode.PUBLISHED
    assert episode.duration == 3920  # 1:05:20
    assert (episode.season, episode.number, episode.episode_type) == (10, 29, "full")
    assert episode.external_audio_url == (
        "https://sphinx.acast.com/p/acast/s/sentimentalgarbage/e/64ce024b17496000117178ca/media.mp3"
    )
    assert (episode.audio_size, episode.audio_mime_type) == (156867532, "audio/mpeg")
    assert episode.link == "https://shows.acast.com/sentimentalgarbage/episodes/barbie-with-jen-cownie"
    assert episode.summary.startswith("We're coming back off break to offer our opinions")
    assert len(episode.summary.encode("utf-8")) <= 4000


@pytest.mark.django_db
def test_import_1865_keeps_serial_type_trailer_and_html_notes():
    result = run_import("1865.xml")

    assert (result.show.show_type, result.show.category, result.show.subcategory) == (
        "serial",
        "Fiction",
        "Drama",
    )
    # Every category is kept, in order: the first with its subcategory, then the rest.
    assert result.show.more_categories == [["History", ""], ["Government", ""]]
    episode = Episode.objects.get(
        guid="gid://art19-episode-locator/V0/T-ywFiCQHfUv9JLKUSMpo1_zw7dONvCZdtDMuzfQMOs"
    )
    assert episode.published_at == datetime.datetime(2021, 11, 3, 8, 0, tzinfo=UTC)
    assert episode.duration == 960  # 00:16:00
    assert episode.episode_type == "trailer"
    assert episode.show_notes.startswith("<p>'History Daily' is a new podcast from host Lindsay Graham")


@pytest.mark.django_db
def test_import_dk_podcast_keeps_numeric_guids_and_minutes_durations():
    result = run_import("dk-podcast.xml")

    assert (result.show.language, result.show.category, result.show.subcategory) == (
        "de",
        "Education",
        "Language Learning",
    )
    episode = Episode.objects.get(guid="61170826")
    assert episode.title == "18.03.2022 – Langsam gesprochene Nachrichten"
    assert episode.published_at == datetime.datetime(2022, 3, 18, 9, 46, tzinfo=UTC)
    assert episode.duration == 420  # 07:00


@pytest.mark.django_db
def test_import_changing_the_tide_keeps_hash_guids_and_given_mime_type():
    run_import("changing-the-tide.xml")

    episode = Episode.objects.get(guid="baffe8902e8478c8c8482fd094cedd8c")
    assert episode.published_at == datetime.datetime(2022, 2, 21, 10, 0, tzinfo=UTC)
    assert episode.duration == 4385
    assert (episode.audio_size, episode.audio_mime_type) == (70168907, "audio/mp3")


@pytest.mark.django_db
def test_import_homegrown_hits_keeps_podcast_guid_hosts_and_chapters():
    result = run_import("homegrown-hits.xml")

    assert str(result.show.podcast_guid) == "ac746d09-7c3b-5bcd-b28a-f12d6456ca8f"
    hosts = list(result.show.hosts.values_list("person__name", "role", "group"))
    assert hosts == [
        ("DuhLaurien", "host", "cast"),
        ("MaryKateUltra", "host", "cast"),
        ("Daisy B. Cooper", "host", "cast"),
    ]
    episode = Episode.objects.get(guid="0f47d504-adac-4ccb-8071-97b3a369d541")
    assert episode.published_at == datetime.datetime(2023, 9, 28, 21, 20, tzinfo=UTC)  # 16:20 -0500
    assert episode.duration is None
    assert episode.chapters_url == "https://feed.homegrownhits.xyz/assets/chapters/ch-episode-03.json"
    assert episode.artwork_url == "https://feed.homegrownhits.xyz/assets/images/episode-03.jpg"
    assert list(episode.credits.values_list("person__name", "role")) == [("DuhLaurien", "host")]
    # The same three people on every episode and at show level: one registry entry each.
    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Daisy B. Cooper",
        "DuhLaurien",
        "MaryKateUltra",
    ]


@pytest.mark.django_db
def test_import_no_agenda_reads_past_a_broken_entity_and_keeps_people_and_transcripts():
    result = run_import("no-agenda.xml")

    assert result.warnings[0] == "The feed is not well-formed XML (undefined entity); it was read leniently."
    show = result.show
    assert str(show.podcast_guid) == "856cd618-7f34-57ea-9b84-3600f1f65e7f"
    assert show.podcast_locked is True
    assert list(show.funding_links.values_list("url", "text")) == [
        ("https://dvorak.org/na", "Support the Show!")
    ]
    assert (show.category, show.subcategory) == ("News", "")  # "News & Politics" before 2019
    episode = Episode.objects.get(guid="http://1393.noagendanotes.com")
    assert episode.title == '1393: "Space Wake"'
    assert episode.published_at == datetime.datetime(2021, 10, 24, 20, 22, 24, tzinfo=UTC)
    assert episode.duration is None  # the feed gives no itunes:duration
    assert list(episode.credits.values_list("person__name", "role", "group")) == [
        ("Adam Curry", "host", "cast"),
        ("John C Dvorak", "host", "cast"),
    ]
    assert list(episode.transcripts.values_list("url", "mime_type")) == [
        ("https://mp3s.nashownotes.com/NA-1393-Captions.srt", "application/x-subrip")
    ]
    assert episode.chapters_url == (
        "http://34.117.70.159/http%3Afeed.nashownotes.comrss.xml/http:1393.noagendanotes.com"
    )
    assert Person.objects.filter(name="Adam Curry").count() == 1


@pytest.mark.django_db
def test_import_pc20_credits_guests_from_the_person_registry():
    adam = Person.objects.create(name="Adam Curry", slug="adam-curry", bio="Already in our registry.")

    run_import("pc20rss.xml")

    episode = Episode.objects.get(guid="PC2057")
    assert episode.published_at == datetime.datetime(2021, 10, 8, 18, 55, 32, tzinfo=UTC)
    assert episode.duration is None  # the feed gives no itunes:duration
    assert list(episode.credits.values_list("person__slug", "role")) == [
        ("adam-curry", "host"),
        ("dave-jones", "host"),
        ("brian-of-london", "guest"),
    ]
    assert episode.credits.first().person == adam
    assert Person.objects.filter(slug="adam-curry").count() == 1
    assert Person.objects.get(slug="adam-curry").bio == "Already in our registry."


@pytest.mark.django_db
def test_import_matches_a_registry_person_by_name_whatever_their_slug():
    dave = Person.objects.create(name="Dave Jones", slug="dave")

    run_import("pc20rss.xml")

    assert (
        Episode.objects.get(guid="PC2057").credits.get(role="host", person__name="Dave Jones").person == dave
    )
    assert Person.objects.filter(name="Dave Jones").count() == 1


@pytest.mark.django_db
def test_import_namespace_example_keeps_every_transcript_and_default_role():
    result = run_import("podcast-namespace-example.xml")

    # Its podcast:guid is a placeholder, so the guid is derived from the feed's own URL.
    assert (
        result.warnings.count("The feed's podcast:guid “y0ur-gu1d-g035-h3r3” is not a UUID and was not kept.")
        == 1
    )
    episode = Episode.objects.get(guid="https://example.com/ep0003")
    assert episode.published_at == datetime.datetime(2020, 10, 9, 4, 30, 38, tzinfo=UTC)
    assert (episode.duration, episode.audio_size) == (None, 43200000)
    assert episode.number == 3
    assert list(episode.credits.values_list("person__name", "role", "group")) == [
        ("Adam Curry", "host", "cast"),  # no role given: the spec's default
        ("Dave Jones", "guest", "cast"),
        ("Becky Smith", "cover art designer", "visuals"),
    ]
    assert list(episode.transcripts.values_list("url", "mime_type", "language", "is_captions")) == [
        ("https://example.com/ep3/transcript.txt", "text/plain", "", False),
        ("https://example.com/episode1/transcript.vtt", "text/vtt", "es", True),
    ]
    assert episode.chapters_url == "https://example.com/ep3_chapters.json"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["no-agenda.xml", "pc20rss.xml", "podcast-namespace-example.xml"])
def test_import_of_a_locked_feed_is_refused_and_writes_nothing(name):
    with pytest.raises(FeedLockedError) as error:
        run_import(name, allow_locked=False)

    assert "podcast:locked yes" in str(error.value)
    assert (Show.objects.count(), Episode.objects.count(), Person.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_import_of_138_items_is_fast():
    import time

    started = time.perf_counter()
    result = run_import("sentimental-garbage.xml")
    elapsed = time.perf_counter() - started

    assert result.counts["created"] == 138
    assert elapsed < 3.0, f"138 items took {elapsed:.2f} s"


def test_podcast_handlers_keep_feedparsers_own_keys_and_leave_feedparser_unchanged():
    from episodes.imports.feedreader import parse_feed

    data = shared_feed("pc20rss.xml").read_bytes()

    ours = parse_feed(data).entries[0]
    plain = feedparser.parse(data).entries[0]

    assert ours["podcast_person"] == plain["podcast_person"]
    assert [person["value"] for person in ours["podcast_person_list"]] == [
        "Adam Curry",
        "Dave Jones",
        "Brian of London",
    ]
    assert "podcast_person_list" not in plain
    # What plain feedparser keeps of three people: the last one's attributes, without the name.
    assert plain["podcast_person"] == {
        "href": "https://gist.github.com/brianoflondon/",
        "img": "https://noagendaassets.com/enc/1633719509.451_sirbrianoflondon.png",
        "group": "cast",
        "role": "guest",
    }
