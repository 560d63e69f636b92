"""Two shows, their teams and tokens: what the API tests read and write."""

import pytest
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from episodes.api.models import ApiToken
from episodes.models import Team
from tests.factories import make_user
from tests.worlds import two_show_world


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
    world = two_show_world()
    world["users"]["analyst_a"] = make_user("analyst_a", role=Team.ANALYST, shows=[world["show_a"]])
    return world


@pytest.fixture
def clients(world):
    clients = {"anonymous": APIClient()}
    for role, user in world["users"].items():
        clients[role] = token_client(user)
    return clients
