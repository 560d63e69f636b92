import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from episodes.models import Episode
from tests.factories import credit, default_host, make_episode, make_person, make_show

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    return [loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", NS)]


def test_sitemap_lists_home_public_shows_episodes_and_people(client):
    show = make_show(slug="alpha")
    episode = make_episode(show, slug="first")
    host = make_person(slug="hannah")
    default_host(show, host)
    guest = make_person(slug="gus")
    credit(episode, guest)

    assert sitemap_locations(client) == [
        "http://testserver/",
        "http://testserver/shows/alpha/",
        "http://testserver/shows/alpha/first/",
        "http://testserver/people/hannah/",
        "http://testserver/people/gus/",
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

    root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }

    assert lastmods["http://testserver/shows/alpha/first/"] == "2024-05-06"
