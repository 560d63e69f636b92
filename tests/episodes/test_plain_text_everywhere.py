"""A plain-text field stays text everywhere: in feeds (read as HTML by many apps) and on pages.

Every payload of the XSS corpus is saved as a summary, a show or network description, a sponsor
read and a title; wherever it is shown, an HTML parser must find text equal to what was typed,
and no element at all.
"""

import html
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import podcastparser
import pytest
from django.core.cache import cache

from episodes.feeds.rss import clean_text
from episodes.models import Episode, Network
from tests.factories import make_campaign, make_episode, make_show, sponsor_read
from tests.html import parse
from tests.xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def html_elements(fragment):
    """Every element an HTML reader would build from ``fragment``."""
    return [element.tag for element in parse(fragment).iter()]


def as_text(fragment):
    """What an HTML reader shows for ``fragment``: its text with character references read."""
    return html.unescape(fragment)


@pytest.fixture
def hostile_show():
    show = make_show(slug="hostile", title="Hostile")
    for n, payload in enumerate(PAYLOADS):
        make_episode(show, slug=f"e{n}", title=f"Episode {n}", summary=payload)
    return show


def test_corpus_is_large_and_every_payload_is_markup_to_an_html_reader():
    # The test below can fail: unescaped, almost every payload builds elements.
    with_elements = [p for p in PAYLOADS if html_elements(p)]

    assert len(PAYLOADS) == 384
    assert len(with_elements) >= 300


def test_feed_description_of_every_hostile_summary_is_text(client, hostile_show):
    content = client.get("/shows/hostile/feed.xml").content

    items = ET.fromstring(content).findall("channel/item")
    by_title = {item.find("title").text: item.find("description").text for item in items}

    assert len(by_title) == len(PAYLOADS)
    for n, payload in enumerate(PAYLOADS):
        description = by_title[f"Episode {n}"]
        assert html_elements(description) == [], payload
        assert as_text(description) == clean_text(payload), payload


def test_feedparser_reads_every_hostile_summary_as_text(client, hostile_show):
    content = client.get("/shows/hostile/feed.xml").content

    parsed = feedparser.parse(content)
    summaries = {entry.title: entry.summary for entry in parsed.entries}

    assert parsed.bozo is False
    for n, payload in enumerate(PAYLOADS):
        # feedparser hands out HTML; a reader rendering it must see text only.
        assert html_elements(summaries[f"Episode {n}"]) == [], payload


def test_podcastparser_reads_the_hostile_description_as_the_typed_text(client):
    show = make_show(slug="one")
    make_episode(show, summary='Great episode <img src=x onerror="alert(document.domain)">')

    podcast = podcastparser.parse(f"{SITE}/feed.xml", io.BytesIO(client.get("/shows/one/feed.xml").content))

    description = podcast["episodes"][0]["description"]
    assert as_text(description) == 'Great episode <img src=x onerror="alert(document.domain)">'
    assert html_elements(description) == []


def test_feed_sponsor_read_text_of_every_hostile_copy_is_text(client):
    show = make_show(slug="reads")
    campaign = make_campaign(show, read_copy="<p>Default copy</p>", promo_code="")
    for n, payload in enumerate(PAYLOADS):
        episode = make_episode(show, slug=f"r{n}", title=f"Read {n}", summary="Summary")
        # The read's copy is rich text: sanitised on save, then flattened to text for the feed.
        sponsor_read(episode, campaign, copy=payload if payload.strip() else "x")

    content = client.get("/shows/reads/feed.xml").content

    items = ET.fromstring(content).findall("channel/item")
    assert len(items) == len(PAYLOADS)
    leaking = [item.find("title").text for item in items if html_elements(item.find("description").text)]
    assert leaking == []


def test_channel_description_of_every_hostile_show_and_network_is_text(client):
    Network.objects.create(name="Network", description=PAYLOADS[2])
    shows = [make_show(slug=f"s{n}", description=payload) for n, payload in enumerate(PAYLOADS[::8])]

    descriptions = {}
    for show in shows:
        channel = ET.fromstring(client.get(f"/shows/{show.slug}/feed.xml").content).find("channel")
        descriptions[show.description] = channel.find("description").text
    cache.clear()
    network = ET.fromstring(client.get("/network/feed.xml").content).find("channel/description").text

    for typed, description in descriptions.items():
        assert (html_elements(description), as_text(description)) == ([], clean_text(typed))
    assert (html_elements(network), as_text(network)) == ([], clean_text(PAYLOADS[2]))


def test_pages_show_every_hostile_summary_and_title_as_text(client):
    show = make_show(slug="pages", title="Pages")
    for n, payload in enumerate(PAYLOADS):
        make_episode(show, slug=f"p{n}", title=payload[:255], summary=payload, interview_topic=payload[:500])
    titles, summaries = [], []

    for page in range(1, len(PAYLOADS) // 20 + 2):
        document = parse(client.get(f"/shows/pages/?page={page}").content)
        titles += [h3.find_all("a")[0] for h3 in document.find_all("h3", "episode-card__title")]
        summaries += document.find_all("p", "episode-card__summary")

    assert len(titles) == len(summaries) == len(PAYLOADS)
    assert [el.tag for title in titles for el in title.iter()] == []
    assert [el.tag for summary in summaries for el in summary.iter()] == []
    assert sorted(title.text for title in titles) == sorted(" ".join(p.split()) for p in PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS[::8])
def test_episode_page_shows_hostile_plain_text_as_text(client, payload):
    show = make_show(slug="page", intro=payload)
    episode = make_episode(show, slug="episode", summary=payload, title=payload[:255])

    document = parse(client.get(episode.get_absolute_url()).content)

    assert [el.tag for el in document.by_id("intro").iter()] == ["li"]
    assert document.by_id("intro").text == " ".join(payload.split())
    scripts = [el for el in document.iter() if el.tag == "script"]
    # The page's own scripts: the player from our static files, and data that is never run.
    assert [el.attrs.get("src") or el.attrs["type"] for el in scripts] == [
        "application/ld+json",
        "/static/js/player.js",
    ]
    structured = json.loads(scripts[0].text)
    assert structured["description"] == payload
    assert "<" not in scripts[0].text
    assert [el for el in document.iter() if el.tag in {"iframe", "object", "embed", "svg", "math"}] == []
    assert [
        (el.tag, name) for el in document.iter() for name in el.attrs if name.lower().startswith("on")
    ] == []
    assert Episode.objects.get().summary == payload
