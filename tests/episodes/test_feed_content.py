"""The show feed carries every tag we emit, read back by feedparser, podcastparser and ElementTree."""

import io
import re
import uuid
import xml.dom.minidom
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal

import feedparser
import podcastparser
import pytest

from episodes.models import Chapter, Episode, FundingLink, Show, Soundbite, Transcript
from tests.factories import (
    WEBVTT_SAMPLE,
    credit,
    default_host,
    image_upload,
    make_campaign,
    make_episode,
    make_network,
    make_person,
    make_show,
    sponsor_read,
    text_upload,
)

pytestmark = pytest.mark.django_db

SITE = "https://podcasts.example.org"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
}
# podcastparser knows the Podcasting 2.0 tags only under the namespace's former (GitHub) URI.
LEGACY_PODCAST_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def full_show(site):
    """A show using every feed feature, its neighbours on the network, and two episodes."""
    network = make_network(name="Example Network")
    show = make_show(
        title="Deep Learning Weekly",
        slug="deep-learning",
        description="Conversations about deep learning.",
        artwork=image_upload("cover.png"),
        language="en-us",
        category="Kids & Family",
        subcategory="Parenting",
        explicit=False,
        show_type=Show.SERIAL,
        author="Alice Host",
        owner_name="Example Owner",
        owner_email="owner@example.org",
        copyright="© 2026 Example Network",
        itunes_block=True,
        itunes_complete=True,
        podcast_locked=True,
        license="cc-by-4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        new_feed_url="https://feeds.example.net/deep-learning.xml",
    )
    other = make_show(title="Another Show", slug="another-show")
    make_show(title="Hidden Show", slug="hidden-show", is_public=False)
    alice = make_person(
        name="Alice Host", slug="alice", photo=image_upload("alice.png"), website="https://alice.example.org"
    )
    bob = make_person(name="Bob Guest", slug="bob")
    carol = make_person(name="Carol Stand-In", slug="carol")
    default_host(show, alice)
    FundingLink.objects.create(show=show, url="https://donate.example.org/dlw", text="Support the show")

    first = make_episode(
        show,
        audio=5,
        title="Why transformers work",
        slug="why-transformers-work",
        number=1,
        season=2,
        explicit=True,
        summary="We ask why transformers work.",
        show_notes='<p>Notes with <a href="https://example.org/paper">a paper</a>.</p>',
        artwork=image_upload("episode.png"),
        published_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
    )
    credit(first, bob, "guest")
    campaign = make_campaign(
        show,
        read_copy="<p>Try <strong>Acme</strong> hosting.</p>",
        promo_url="https://acme.example.com/dlw",
        promo_code="DLW",
    )
    sponsor_read(first, campaign)

    second = make_episode(
        show,
        title="Attention, again",
        slug="attention-again",
        number=2,
        season=2,
        episode_type=Episode.BONUS,
        summary="A bonus about attention.",
        external_audio_url="https://cdn.example.net/attention.m4a",
        audio_size=12345678,
        audio_mime_type="audio/x-m4a",
        duration=3723,
        published_at=datetime(2026, 1, 12, 10, 0, tzinfo=UTC),
    )
    credit(second, carol, "host")
    credit(second, bob, "guest", order=1)
    vtt = Transcript.objects.create(
        episode=second,
        file=text_upload("attention.vtt", WEBVTT_SAMPLE),
        mime_type="text/vtt",
        language="en",
        is_captions=True,
    )
    Transcript.objects.create(
        episode=second, url="https://cdn.example.net/attention.srt", mime_type="application/x-subrip"
    )
    Chapter.objects.create(episode=second, start_time=0, title="Intro")
    Chapter.objects.create(episode=second, start_time=95, title="Attention", url="https://example.org/attn")
    Soundbite.objects.create(
        episode=second, start_time=Decimal("73.5"), duration=Decimal("30"), title="The best bit"
    )
    return {
        "network": network,
        "show": show,
        "other": other,
        "first": first,
        "second": second,
        "alice": alice,
        "vtt": vtt,
        "campaign": campaign,
    }


def fetch(client, show):
    response = client.get(show.get_feed_url())
    assert response.status_code == 200
    return response


def test_feed_is_well_formed_utf8_rss_with_every_namespace(client, full_show):
    response = fetch(client, full_show["show"])

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<rss ')
    xml.dom.minidom.parseString(response.content)
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    for prefix, uri in NS.items():
        assert f'xmlns:{prefix}="{uri}"'.encode() in response.content


def test_channel_read_back_by_feedparser(client, full_show):
    show = full_show["show"]
    parsed = feedparser.parse(fetch(client, show).content)

    assert parsed.bozo is False
    assert parsed.feed.title == "Deep Learning Weekly"
    assert parsed.feed.link == f"{SITE}/shows/deep-learning/"
    assert parsed.feed.subtitle == "Conversations about deep learning."
    assert parsed.feed.language == "en-us"
    assert parsed.feed.rights == "© 2026 Example Network"
    assert parsed.feed.image.href == f"{SITE}/media/{full_show['show'].artwork.name}"
    assert parsed.feed.itunes_type == "serial"
    assert parsed.feed.itunes_title == "Deep Learning Weekly"
    assert parsed.feed.author_detail == {"name": "Example Owner", "email": "owner@example.org"}
    assert [tag.term for tag in parsed.feed.tags] == ["Kids & Family", "Parenting"]
    assert parsed.feed.podcast_guid == str(show.podcast_guid)
    assert parsed.feed.podcast_medium == "podcast"
    # feedparser keeps only the attributes of unknown elements that have them; the texts are
    # checked with ElementTree below.
    assert parsed.feed.podcast_license == {"url": "https://creativecommons.org/licenses/by/4.0/"}
    assert parsed.feed.podcast_locked == {"owner": "owner@example.org"}
    [self_link] = [link for link in parsed.feed.links if link.rel == "self"]
    assert self_link.href == f"{SITE}/shows/deep-learning/feed.xml"


def test_channel_read_back_by_podcastparser(client, full_show):
    content = fetch(client, full_show["show"]).content
    parsed = podcastparser.parse(f"{SITE}/shows/deep-learning/feed.xml", io.BytesIO(content))

    assert parsed["title"] == "Deep Learning Weekly"
    assert parsed["link"] == f"{SITE}/shows/deep-learning/"
    assert parsed["description"] == "Conversations about deep learning."
    assert parsed["language"] == "en-us"
    assert parsed["cover_url"] == f"{SITE}/media/{full_show['show'].artwork.name}"
    assert parsed["type"] == "serial"
    assert parsed["explicit"] is False
    assert parsed["itunes_author"] == "Alice Host"
    assert parsed["itunes_owner"] == {"name": "Example Owner", "email": "owner@example.org"}
    assert parsed["itunes_categories"] == [["Kids & Family", "Parenting"]]
    assert parsed["new_url"] == "https://feeds.example.net/deep-learning.xml"

    legacy = podcastparser.parse(
        f"{SITE}/shows/deep-learning/feed.xml",
        io.BytesIO(content.replace(NS["podcast"].encode(), LEGACY_PODCAST_NS.encode())),
    )
    assert legacy["funding_url"] == "https://donate.example.org/dlw"
    assert legacy["import_prohibited"] is True


def test_channel_apple_and_podcasting20_tags_exact(client, full_show):
    show, other = full_show["show"], full_show["other"]
    channel = ET.fromstring(fetch(client, show).content).find("channel")

    def text(path):
        return channel.find(path, NS).text

    assert text("itunes:explicit") == "false"
    assert text("itunes:block") == "Yes"
    assert text("itunes:complete") == "Yes"
    assert text("itunes:new-feed-url") == "https://feeds.example.net/deep-learning.xml"
    assert text("itunes:author") == "Alice Host"
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "Kids & Family"
    assert [sub.get("text") for sub in category.findall("itunes:category", NS)] == ["Parenting"]
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.attrib) == ("yes", {"owner": "owner@example.org"})
    funding = channel.find("podcast:funding", NS)
    assert (funding.text, funding.attrib) == ("Support the show", {"url": "https://donate.example.org/dlw"})
    license_ = channel.find("podcast:license", NS)
    assert (license_.text, license_.attrib) == (
        "cc-by-4.0",
        {"url": "https://creativecommons.org/licenses/by/4.0/"},
    )
    assert [(p.text, p.attrib) for p in channel.findall("podcast:person", NS)] == [
        (
            "Alice Host",
            {
                "role": "host",
                "group": "cast",
                "href": "https://alice.example.org",
                "img": f"{SITE}/media/people/alice/alice.png",
            },
        )
    ]
    assert [item.attrib for item in channel.findall("podcast:podroll/podcast:remoteItem", NS)] == [
        {
            "feedGuid": str(other.podcast_guid),
            "feedUrl": f"{SITE}/shows/another-show/feed.xml",
            "title": "Another Show",
        }
    ]
    publisher = channel.findall("podcast:publisher/podcast:remoteItem", NS)
    assert [item.attrib for item in publisher] == [
        {
            "medium": "publisher",
            "feedGuid": str(full_show["network"].podcast_guid),
            "feedUrl": f"{SITE}/network/publisher.xml",
        }
    ]


def test_podcast_guid_in_feed_is_the_spec_uuid5_of_the_feed_url(client, site):
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    # The spec's worked example (podcast-namespace docs/tags/guid.md) fixes the derivation.
    assert str(uuid.uuid5(namespace, "mp3s.nashownotes.com/pc20rss.xml")) == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    show = make_show(slug="guid-show")

    channel = ET.fromstring(fetch(client, show).content).find("channel")

    expected = str(uuid.uuid5(namespace, "podcasts.example.org/shows/guid-show/feed.xml"))
    assert channel.find("podcast:guid", NS).text == expected


def test_podcast_guid_kept_when_the_slug_and_feed_url_change(client, site):
    show = make_show(slug="before")
    guid = ET.fromstring(fetch(client, show).content).find("channel/podcast:guid", NS).text

    show.slug = "after"
    show.save()

    assert ET.fromstring(fetch(client, show).content).find("channel/podcast:guid", NS).text == guid


def test_items_read_back_by_podcastparser(client, full_show):
    first, second = full_show["first"], full_show["second"]
    content = fetch(client, full_show["show"]).content

    parsed = podcastparser.parse(f"{SITE}/shows/deep-learning/feed.xml", io.BytesIO(content))
    # A serial show lists its episodes oldest first.
    older, newer = parsed["episodes"]
    assert older["title"] == "Why transformers work"
    assert older["guid"] == first.guid
    assert older["link"] == f"{SITE}/shows/deep-learning/why-transformers-work/"
    assert older["published"] == int(datetime(2026, 1, 5, 10, 0, tzinfo=UTC).timestamp())
    assert older["enclosures"] == [
        {
            "url": f"{SITE}/audio/{first.pk}/{first.audio_revision}.mp3",
            "file_size": first.audio.size,
            "mime_type": "audio/mpeg",
        }
    ]
    assert older["total_time"] == 5
    assert older["number"] == 1
    assert older["season"] == 2
    assert older["type"] == "full"
    assert older["explicit"] is True
    assert older["episode_art_url"] == f"{SITE}/media/{first.artwork.name}"
    assert older["description"] == (
        "We ask why transformers work.\n\n"
        f"{full_show['campaign'].sponsor.name}: Try Acme hosting. Promo code: DLW. https://acme.example.com/dlw"
    )
    # content:encoded is the notes (with the sponsor read), never the summary a second time.
    assert older["description_html"] == (
        f"<p>{full_show['campaign'].sponsor.name}: Try Acme hosting. Promo code: DLW. "
        '<a href="https://acme.example.com/dlw">https://acme.example.com/dlw</a></p>'
        '<p>Notes with <a href="https://example.org/paper" rel="noopener noreferrer">a paper</a>.</p>'
    )

    assert newer["title"] == "Attention, again"
    assert newer["guid"] == second.guid
    assert newer["published"] == int(datetime(2026, 1, 12, 10, 0, tzinfo=UTC).timestamp())
    assert newer["enclosures"] == [
        {"url": "https://cdn.example.net/attention.m4a", "file_size": 12345678, "mime_type": "audio/x-m4a"}
    ]
    assert newer["total_time"] == 3723
    assert newer["type"] == "bonus"
    assert newer["explicit"] is False
    assert newer["episode_art_url"] == f"{SITE}/media/{full_show['show'].artwork.name}"

    legacy = podcastparser.parse(
        f"{SITE}/shows/deep-learning/feed.xml",
        io.BytesIO(content.replace(NS["podcast"].encode(), LEGACY_PODCAST_NS.encode())),
    )
    legacy_newer = legacy["episodes"][1]
    # podcastparser keeps one transcript, the last; ElementTree checks both below.
    assert legacy_newer["transcript_url"] == "https://cdn.example.net/attention.srt"
    assert legacy_newer["chapters_json_url"] == f"{SITE}/chapters/{second.pk}.json"
    assert [(p["name"], p["role"], p["group"]) for p in legacy_newer["persons"]] == [
        ("Carol Stand-In", "host", "cast"),
        ("Bob Guest", "guest", "cast"),
    ]


def test_items_read_back_by_feedparser(client, full_show):
    first, second = full_show["first"], full_show["second"]
    parsed = feedparser.parse(fetch(client, full_show["show"]).content)

    assert parsed.bozo is False
    # A serial show lists its episodes oldest first.
    older, newer = parsed.entries
    assert older.id == first.guid
    assert older.guidislink is False
    assert older.title == "Why transformers work"
    assert older.itunes_title == "Why transformers work"
    assert older.published == "Mon, 05 Jan 2026 10:00:00 +0000"
    assert older.itunes_duration == "5"
    assert older.itunes_episode == "1"
    assert older.itunes_season == "2"
    assert older.itunes_episodetype == "full"
    assert older.podcast_episode == "1"
    assert older.podcast_season == "2"
    [enclosure] = [link for link in older.links if link.rel == "enclosure"]
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        f"{SITE}/audio/{first.pk}/{first.audio_revision}.mp3",
        str(first.audio.size),
        "audio/mpeg",
    )
    assert newer.id == second.guid
    assert newer.published == "Mon, 12 Jan 2026 10:00:00 +0000"
    assert newer.itunes_episodetype == "bonus"
    assert newer.podcast_chapters == {
        "url": f"{SITE}/chapters/{second.pk}.json",
        "type": "application/json+chapters",
    }


def test_item_podcasting20_tags_exact(client, full_show):
    first, second, vtt, alice = full_show["first"], full_show["second"], full_show["vtt"], full_show["alice"]
    items = ET.fromstring(fetch(client, full_show["show"]).content).findall("channel/item")
    older, newer = items

    assert older.find("guid").attrib == {"isPermaLink": "false"}
    assert older.find("itunes:explicit", NS).text == "true"
    # The item lists exactly the episode's credits: hosts are not added to it (the channel
    # lists them, and an import must get back what the source said).
    assert [(p.text, p.attrib) for p in older.findall("podcast:person", NS)] == [
        ("Bob Guest", {"role": "guest", "group": "cast", "href": f"{SITE}/people/bob/"}),
    ]
    channel = ET.fromstring(fetch(client, full_show["show"]).content).find("channel")
    assert [(p.text, p.attrib) for p in channel.findall("podcast:person", NS)] == [
        (
            "Alice Host",
            {"role": "host", "group": "cast", "href": alice.website, "img": f"{SITE}{alice.photo.url}"},
        ),
    ]
    assert older.findall("podcast:transcript", NS) == []
    assert older.find("podcast:chapters", NS) is None
    # The episode credits its own host: the item lists exactly its credits.
    assert [(p.text, p.get("role")) for p in newer.findall("podcast:person", NS)] == [
        ("Carol Stand-In", "host"),
        ("Bob Guest", "guest"),
    ]
    assert [t.attrib for t in newer.findall("podcast:transcript", NS)] == [
        {"url": f"{SITE}/transcripts/{vtt.pk}.vtt", "type": "text/vtt", "language": "en", "rel": "captions"},
        {"url": "https://cdn.example.net/attention.srt", "type": "application/x-subrip"},
    ]
    assert newer.find("podcast:chapters", NS).attrib == {
        "url": f"{SITE}/chapters/{second.pk}.json",
        "type": "application/json+chapters",
    }
    [bite] = newer.findall("podcast:soundbite", NS)
    assert (bite.text, bite.attrib) == ("The best bit", {"startTime": "73.500", "duration": "30.000"})
    assert newer.find("itunes:season", NS).text == "2"
    assert newer.find("itunes:episode", NS).text == "2"
    assert first.guid != second.guid


def test_transcript_and_chapters_documents_served_at_the_feed_urls(client, full_show):
    second, vtt = full_show["second"], full_show["vtt"]

    transcript = client.get(f"/transcripts/{vtt.pk}.vtt")
    chapters = client.get(f"/chapters/{second.pk}.json")

    assert client.get(f"/transcripts/{vtt.pk}.srt").status_code == 404
    assert transcript.status_code == 200
    assert transcript["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(transcript.streaming_content).decode() == WEBVTT_SAMPLE
    assert chapters.status_code == 200
    assert chapters["Content-Type"] == "application/json+chapters"
    assert chapters.json() == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "Intro"},
            {"startTime": 95, "title": "Attention", "url": "https://example.org/attn"},
        ],
    }


def test_html_transcript_is_served_sandboxed(client, site):
    episode = make_episode()
    transcript = Transcript.objects.create(
        episode=episode,
        file=text_upload("t.html", "<p>Hi</p><script>alert(1)</script>", "text/html"),
        mime_type="text/html",
    )

    response = client.get(f"/transcripts/{transcript.pk}.html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_transcript_and_chapters_of_unpublished_episode_answer_404(client, site):
    draft = make_episode(status=Episode.DRAFT)
    transcript = Transcript.objects.create(episode=draft, file=text_upload("draft.vtt", WEBVTT_SAMPLE))
    Chapter.objects.create(episode=draft, start_time=0, title="Secret")

    assert client.get(f"/transcripts/{transcript.pk}.vtt").status_code == 404
    assert client.get(f"/chapters/{draft.pk}.json").status_code == 404


@pytest.mark.parametrize(
    "notes",
    [
        "<p>Code: a[b[0]]> c and ]]> again ]]]]> end</p>",
        "<p>Emoji 🎙️🎧 and a flag 🇩🇪</p>",
        "<p>עברית: שלום עולם, العربية: مرحبا بالعالم</p>",
        "<p>Bell\x07 start-of-heading\x01 escape\x1b vertical\x0b form\x0c end</p>",
    ],
    ids=["cdata-end", "emoji", "right-to-left", "control-characters"],
)
def test_hostile_notes_still_give_a_valid_feed(client, site, notes):
    show = make_show(title="Tricky\x08 Show ")
    episode = make_episode(show, title="  Tricky\x01 title ", show_notes=notes, summary=f"Summary {notes}")

    content = fetch(client, show).content

    assert re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", content) is None
    content.decode("utf-8")
    xml.dom.minidom.parseString(content)
    root = ET.fromstring(content)
    item = root.find("channel/item")
    assert root.find("channel/title").text == "Tricky Show"
    assert item.find("title").text == "Tricky title"
    stored = Episode.objects.get(pk=episode.pk).show_notes
    stored_text = "".join(ch for ch in stored if ch in "\t\n\r" or ord(ch) >= 0x20)
    assert item.find("content:encoded", NS).text.endswith(stored_text)
    parsed = feedparser.parse(content)
    assert parsed.bozo is False
    assert parsed.entries[0].title == "Tricky title"
    podcast = podcastparser.parse(f"{SITE}/feed.xml", io.BytesIO(content))
    assert podcast["episodes"][0]["description_html"].endswith(stored_text)


def test_raw_cdata_terminator_is_split_across_sections(client, site):
    show = make_show()
    episode = make_episode(show)
    # Written past the sanitiser on purpose: the feed must survive whatever the column holds.
    Episode.objects.filter(pk=episode.pk).update(show_notes="<p>before ]]> after</p>")
    Show.objects.filter(pk=show.pk).update(title="Cache-busting title")

    content = fetch(client, show).content

    assert b"<![CDATA[<p>before ]]]]><![CDATA[> after</p>]]>" in content
    item = ET.fromstring(content).find("channel/item")
    assert item.find("content:encoded", NS).text.endswith("<p>before ]]> after</p>")
    assert podcastparser.parse(f"{SITE}/f.xml", io.BytesIO(content))["episodes"][0][
        "description_html"
    ].endswith("<p>before ]]> after</p>")


def test_scripts_event_handlers_and_javascript_links_never_reach_the_feed(client, site):
    show = make_show()
    campaign = make_campaign(
        show,
        read_copy=(
            '<p onclick="steal()">Buy <script>alert(1)</script><a href="javascript:alert(2)">now</a></p>'
        ),
    )
    episode = make_episode(
        show,
        summary="Plain summary",
        show_notes=(
            '<p onmouseover="alert(3)">Hello <script>alert(4)</script>'
            '<a href="javascript:alert(5)">link</a> <img src="x.png" onerror="alert(6)"></p>'
        ),
    )
    sponsor_read(episode, campaign)

    content = fetch(client, show).content.decode()

    for forbidden in ("<script", "alert(", "javascript:", "onclick", "onmouseover", "onerror"):
        assert forbidden not in content.lower()
    assert "Hello" in ET.fromstring(content).find("channel/item/content:encoded", NS).text
