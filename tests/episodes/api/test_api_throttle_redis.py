"""The per-token throttle counts in Redis, so every web worker shares one budget per token."""

import os
import pickle
import uuid

import pytest
import redis

from episodes.models import Team
from tests.factories import make_user

from .conftest import token_client

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.keys(f"{prefix}:*"):
        server.delete(key)


def test_throttle_history_lives_in_redis_per_token(redis_cache, settings):
    settings.PODCASTCMS_API_RATE = "2/minute"
    client = token_client(make_user(role=Team.EDITOR, all_shows=True))

    codes = [client.get("/api/shows/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    key = f"{redis_cache}:1:throttle_token_token-{client.token.pk}"
    history = pickle.loads(redis.Redis.from_url(REDIS_URL).get(key))
    assert len(history) == 2
