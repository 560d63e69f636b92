"""The network in feeds: publisher feed, network-wide feed, OPML, and what never leaks into any feed."""

import io
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import podcastparser
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from episodes.models import Episode, Network
from tests.factories import make_episode, make_network, make_show

pytestmark = pytest.mark.django_db

SITE = "https://podcasts.example.org"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
SPEC_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    cache.clear()
    yield SITE
    cache.clear()


def test_url_names_resolve_to_the_network_feeds():
    assert reverse("episodes:publisher-feed") == "/network/publisher.xml"
    assert reverse("episodes:network-feed") == "/network/feed.xml"
    assert reverse("episodes:opml") == "/network/shows.opml"


def test_publisher_feed_lists_every_public_show_as_a_remote_item(client):
    network = make_network(name="Example Network", description="Shows about learning.")
    alpha = make_show(title="Alpha", slug="alpha")
    beta = make_show(title="Beta", slug="beta")
    make_show(title="Private", slug="private", is_public=False)

    response = client.get("/network/publisher.xml")

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Example Network"
    assert channel.findtext("description") == "Shows about learning."
    assert channel.findtext(f"{PODCAST}medium") == "publisher"
    assert channel.findtext(f"{PODCAST}guid") == str(network.podcast_guid)
    assert [item.attrib for item in channel.findall(f"{PODCAST}remoteItem")] == [
        {"medium": "podcast", "feedGuid": str(alpha.podcast_guid), "feedUrl": f"{SITE}/shows/alpha/feed.xml"},
        {"medium": "podcast", "feedGuid": str(beta.podcast_guid), "feedUrl": f"{SITE}/shows/beta/feed.xml"},
    ]
    assert channel.findall("item") == []


def test_network_guid_is_the_spec_uuid5_of_the_publisher_feed_and_kept(settings):
    network = make_network()
    expected = uuid.uuid5(SPEC_NAMESPACE, "podcasts.example.org/network/publisher.xml")
    assert network.podcast_guid == expected

    settings.SITE_URL = "https://elsewhere.example.net"
    network.name = "Moved"
    network.save()
    network.refresh_from_db()

    assert network.podcast_guid == expected


def test_every_show_feed_points_to_the_publisher_feed(client):
    network = make_network()
    show = make_show()

    channel = ET.fromstring(client.get(show.get_feed_url()).content).find("channel")

    [remote] = channel.findall(f"{PODCAST}publisher/{PODCAST}remoteItem")
    assert remote.attrib == {
        "medium": "publisher",
        "feedGuid": str(network.podcast_guid),
        "feedUrl": f"{SITE}/network/publisher.xml",
    }


def test_network_feed_holds_the_latest_episodes_of_all_public_shows_newest_first(client):
    make_network(name="Example Network")
    alpha, beta = make_show(slug="alpha"), make_show(slug="beta")
    now = timezone.now()
    older = make_episode(alpha, published_at=now - timedelta(days=2))
    newest = make_episode(beta, published_at=now - timedelta(hours=1))
    middle = make_episode(alpha, published_at=now - timedelta(days=1))

    response = client.get("/network/feed.xml")

    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo is False
    assert parsed.feed.title == "Example Network"
    assert [entry.id for entry in parsed.entries] == [newest.guid, middle.guid, older.guid]
    assert [(entry.source.title, entry.source.href) for entry in parsed.entries] == [
        (beta.title, f"{SITE}/shows/beta/feed.xml"),
        (alpha.title, f"{SITE}/shows/alpha/feed.xml"),
        (alpha.title, f"{SITE}/shows/alpha/feed.xml"),
    ]
    assert [entry.link for entry in parsed.entries] == [
        f"{SITE}/shows/beta/{newest.slug}/",
        f"{SITE}/shows/alpha/{middle.slug}/",
        f"{SITE}/shows/alpha/{older.slug}/",
    ]
    podcast = podcastparser.parse(f"{SITE}/network/feed.xml", io.BytesIO(response.content))
    assert [episode["guid"] for episode in podcast["episodes"]] == [newest.guid, middle.guid, older.guid]


def test_opml_lists_every_public_show_feed(client):
    make_network(name="Example Network")
    make_show(title="Alpha & Co", slug="alpha")
    make_show(title="Beta", slug="beta", website="https://beta.example.com")
    make_show(title="Private", slug="private", is_public=False)

    response = client.get("/network/shows.opml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-opml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Example Network: all shows"
    assert [outline.attrib for outline in root.iter("outline")] == [
        {
            "type": "rss",
            "text": "Alpha & Co",
            "title": "Alpha & Co",
            "xmlUrl": f"{SITE}/shows/alpha/feed.xml",
            "htmlUrl": f"{SITE}/shows/alpha/",
        },
        {
            "type": "rss",
            "text": "Beta",
            "title": "Beta",
            "xmlUrl": f"{SITE}/shows/beta/feed.xml",
            "htmlUrl": "https://beta.example.com",
        },
    ]


@pytest.mark.parametrize("url", ["/network/feed.xml", "/network/publisher.xml", "/network/shows.opml"])
def test_network_feeds_answer_304_in_one_query_and_change_with_a_show(client, url, django_assert_num_queries):
    make_network()
    show = make_show()
    make_episode(show)
    first = client.get(url)

    with django_assert_num_queries(1):
        repeat = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert (repeat.status_code, repeat.content) == (304, b"")
    with django_assert_num_queries(1):
        by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304

    make_episode(make_show(title="A new show"))
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.content != first.content
    assert client.head(url)["Content-Length"] == str(len(changed.content))


def test_drafts_scheduled_and_private_episodes_never_appear_in_any_feed(client):
    make_network()
    show = make_show(slug="public-show")
    private_show = make_show(slug="private-show", is_public=False)
    visible = make_episode(show, title="Visible marker", slug="visible-marker")
    hidden = [
        make_episode(show, title="Draft marker", slug="draft-marker", status=Episode.DRAFT),
        make_episode(show, title="Review marker", slug="review-marker", status=Episode.REVIEW),
        make_episode(
            show,
            title="Scheduled marker",
            slug="scheduled-marker",
            published_at=timezone.now() + timedelta(days=1),
        ),
        make_episode(private_show, title="Private marker", slug="private-marker"),
    ]
    assert Episode.objects.count() == 5

    bodies = {
        url: client.get(url).content.decode()
        for url in (
            show.get_feed_url(),
            "/network/feed.xml",
            "/network/publisher.xml",
            "/network/shows.opml",
        )
    }

    assert client.get(private_show.get_feed_url()).status_code == 404
    for url, body in bodies.items():
        for episode in hidden:
            for marker in (episode.guid, episode.title, episode.slug, episode.external_audio_url):
                assert marker not in body, (url, marker)
        assert "private-show" not in body, url
    assert visible.guid in bodies[show.get_feed_url()]
    assert visible.guid in bodies["/network/feed.xml"]
    assert Network.objects.count() == 1
