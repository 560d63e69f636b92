"""The feed cache on Redis, as a network with several web workers runs it (REDIS_URL)."""

import gzip
import os
import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_episode, make_show

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
    cache.clear()


def test_feed_body_is_cached_in_redis_and_served_with_one_query(client, redis_cache):
    show = make_show(slug="on-redis")
    make_episode(show, title="Stored in Redis")
    first = client.get("/shows/on-redis/feed.xml")
    stored = redis.Redis.from_url(REDIS_URL).keys(f"{redis_cache}:*")
    feed_keys = [key for key in stored if b":feed:" in key]

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/shows/on-redis/feed.xml", headers={"Accept-Encoding": "gzip"})

    assert type(cache._cache).__module__ == "django.core.cache.backends.redis"
    assert len(feed_keys) == 1
    assert len(queries) == 1
    assert gzip.decompress(second.content) == first.content
    assert b"<title>Stored in Redis</title>" in first.content


def test_edit_gives_a_new_body_through_redis(client, redis_cache):
    show = make_show(slug="edited-on-redis")
    episode = make_episode(show, title="Before the edit")
    before = client.get("/shows/edited-on-redis/feed.xml")

    episode.title = "After the edit"
    episode.save()
    after = client.get("/shows/edited-on-redis/feed.xml")

    assert before["ETag"] != after["ETag"]
    assert b"<title>After the edit</title>" in after.content
    assert b"Before the edit" not in after.content
