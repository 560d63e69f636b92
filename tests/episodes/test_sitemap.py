import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sitemaps import Sitemap
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from episodes.models import Episode
from tests.factories import credit, default_host, make_episode, make_person, make_show

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def index_locations(client):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    return [loc.text for loc in ET.fromstring(response.content).findall("sm:sitemap/sm:loc", NS)]


def section_root(client, location):
    response = client.get(location.removeprefix("http://testserver"))
    assert (response.status_code, response["Content-Type"]) == (200, "application/xml")
    return ET.fromstring(response.content)


def sitemap_locations(client):
    """Every page URL the sitemap gives, following the index into its sections."""
    return [
        loc.text
        for location in index_locations(client)
        for loc in section_root(client, location).findall("sm:url/sm:loc", NS)
    ]


def test_sitemap_lists_home_public_shows_episodes_and_people(client):
    show = make_show(slug="alpha")
    episode = make_episode(show, slug="first")
    host = make_person(slug="hannah")
    default_host(show, host)
    guest = make_person(slug="gus")
    credit(episode, guest)

    assert index_locations(client) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-people.xml",
        "http://testserver/sitemap-show-alpha.xml",
    ]
    assert sitemap_locations(client) == [
        "http://testserver/",
        "http://testserver/shows/alpha/",
        "http://testserver/people/hannah/",
        "http://testserver/people/gus/",
        "http://testserver/shows/alpha/first/",
    ]


def test_sitemap_leaves_out_drafts_scheduled_private_and_their_people(client):
    public_show = make_show(slug="public")
    private_show = make_show(slug="marker-private-show", is_public=False)
    make_episode(public_show, slug="visible")
    hidden = [
        make_episode(public_show, slug="marker-draft", status=Episode.DRAFT),
        make_episode(public_show, slug="marker-review", status=Episode.REVIEW),
        make_episode(public_show, slug="marker-scheduled", published_at=timezone.now() + timedelta(days=1)),
        make_episode(private_show, slug="marker-private-episode"),
    ]
    for n, episode in enumerate(hidden):
        credit(episode, make_person(slug=f"marker-person-{n}"))
    default_host(private_show, make_person(slug="marker-private-host"))

    locations = sitemap_locations(client)

    assert locations == [
        "http://testserver/",
        "http://testserver/shows/public/",
        "http://testserver/shows/public/visible/",
    ]


def test_sitemap_gives_episode_lastmod_from_its_last_edit(client):
    episode = make_episode(make_show(slug="alpha"), slug="first")
    Episode.objects.filter(pk=episode.pk).update(updated_at=datetime(2024, 5, 6, 7, 8, tzinfo=UTC))

    root = section_root(client, "/sitemap-show-alpha.xml")
    lastmods = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }

    assert lastmods["http://testserver/shows/alpha/first/"] == "2024-05-06"


def test_sitemap_index_splits_a_large_show_into_pages_of_the_limit(client, monkeypatch):
    monkeypatch.setattr(Sitemap, "limit", 2)
    show = make_show(slug="big")
    for n in range(5):
        make_episode(show, slug=f"e{n}")

    locations = index_locations(client)
    pages = [
        [loc.text for loc in section_root(client, location).findall("sm:url/sm:loc", NS)]
        for location in locations
        if "show-big" in location
    ]

    assert [location for location in locations if "show-big" in location] == [
        "http://testserver/sitemap-show-big.xml",
        "http://testserver/sitemap-show-big.xml?p=2",
        "http://testserver/sitemap-show-big.xml?p=3",
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(loc.rsplit("/", 2)[-2] for page in pages for loc in page) == [f"e{n}" for n in range(5)]


def test_sitemap_section_of_private_or_unknown_show_answers_404(client):
    make_episode(make_show(slug="marker-private", is_public=False))

    assert client.get("/sitemap-show-marker-private.xml").status_code == 404
    assert client.get("/sitemap-show-nothing.xml").status_code == 404
    assert client.get("/sitemap-nonsense.xml").status_code == 404


def test_sitemap_section_is_cached_until_its_content_changes(client):
    show = make_show(slug="cached")
    episode = make_episode(show, slug="first", title="First")
    first = client.get("/sitemap-show-cached.xml")

    with CaptureQueriesContext(connection) as queries:
        repeat = client.get("/sitemap-show-cached.xml")
    repeat_queries = len(queries)
    make_episode(show, slug="second")
    after_new = client.get("/sitemap-show-cached.xml")
    episode.status = Episode.DRAFT
    episode.save()
    after_unpublish = client.get("/sitemap-show-cached.xml")

    # The show, and the stamp of its public episodes: no row is read while the content is the same.
    assert (repeat.content, repeat_queries) == (first.content, 2)
    assert [loc.text for loc in ET.fromstring(after_new.content).findall("sm:url/sm:loc", NS)] == [
        "http://testserver/shows/cached/first/",
        "http://testserver/shows/cached/second/",
    ]
    assert [loc.text for loc in ET.fromstring(after_unpublish.content).findall("sm:url/sm:loc", NS)] == [
        "http://testserver/shows/cached/second/",
    ]


def test_sitemap_draft_edit_leaves_the_cached_section_as_it_is(client):
    show = make_show(slug="steady")
    make_episode(show, slug="public-one")
    draft = make_episode(show, slug="marker-draft", status=Episode.DRAFT)
    first = client.get("/sitemap-show-steady.xml")

    draft.title = "Edited draft"
    draft.save()
    with CaptureQueriesContext(connection) as queries:
        repeat = client.get("/sitemap-show-steady.xml")

    assert (repeat.content, len(queries)) == (first.content, 2)
    assert b"marker-draft" not in repeat.content
