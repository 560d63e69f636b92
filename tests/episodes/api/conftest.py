"""Two shows, their teams and tokens: what the API tests read and write."""

import pytest
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from episodes.api.models import ApiToken
from episodes.models import Episode, EpisodeLink, Network, Team
from tests.factories import (
    credit,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    make_user,
    sponsor_read,
)

MARKER_B = "ZEBRA-MARKER-B"


@pytest.fixture(scope="module")
def api_server():
    """A live server on 127.0.0.1 and an OS-chosen port (tests using it need a transactional db)."""
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def api_rate(settings):
    settings.PODCASTCMS_API_RATE = "100000/minute"


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def token_client(user, *, access=ApiToken.READ_WRITE, shows=(), all_shows=True):
    token, key = ApiToken.create_for(user, "tests", access=access, shows=shows, all_shows=all_shows)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.token = token
    return client


@pytest.fixture
def world(db):
    network = Network.objects.create(name="The Network")
    show_a = make_show(title="Alpha Show", slug="alpha")
    show_b = make_show(title=f"Bravo Show {MARKER_B}", slug="bravo", is_public=False)
    person_a = make_person(name="Alice Guest", slug="alice")
    person_b = make_person(name="Bob Guest", slug="bob")
    campaign_a = make_campaign(show_a, name="Alpha Flight")
    campaign_b = make_campaign(show_b, name=f"Bravo Flight {MARKER_B}")
    episodes = {}
    for key, show, person, campaign in [
        ("a", show_a, person_a, campaign_a),
        ("b", show_b, person_b, campaign_b),
    ]:
        marker = MARKER_B if key == "b" else "alpha"
        episode = make_episode(
            show,
            title=f"Draft of {show.slug} {marker}",
            slug=f"draft-{key}",
            summary=f"Summary {marker}",
            status=Episode.DRAFT,
        )
        credit(episode, person, role="guest")
        sponsor_read(episode, campaign, copy=f"<p>Read {marker}</p>")
        EpisodeLink.objects.create(episode=episode, title=f"Link {marker}", url="https://example.com/")
        episodes[key] = episode
    users = {
        "producer_a": make_user("producer_a", role=Team.PRODUCER, shows=[show_a]),
        "editor_a": make_user("editor_a", role=Team.EDITOR, shows=[show_a]),
        "network_admin": make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True),
        "analyst_a": make_user("analyst_a", role=Team.ANALYST, shows=[show_a]),
    }
    team_b = Team.objects.create(name=f"Bravo team {MARKER_B}", role=Team.EDITOR)
    team_b.shows.add(show_b)
    return {
        "network": network,
        "show_a": show_a,
        "show_b": show_b,
        "episode_a": episodes["a"],
        "episode_b": episodes["b"],
        "person_a": person_a,
        "person_b": person_b,
        "sponsor_a": campaign_a.sponsor,
        "sponsor_b": campaign_b.sponsor,
        "campaign_a": campaign_a,
        "campaign_b": campaign_b,
        "team_a": Team.objects.get(members=users["producer_a"]),
        "team_b": team_b,
        "users": users,
    }


@pytest.fixture
def clients(world):
    clients = {"anonymous": APIClient()}
    for role, user in world["users"].items():
        clients[role] = token_client(user)
    return clients
