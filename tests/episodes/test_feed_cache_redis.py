"""The cache on a real Redis server, as a network with several web workers runs it (REDIS_URL).

Each test starts its own ``redis-server`` listening on a Unix socket in the test's folder (no TCP
port at all), so stopping it never touches the machine's Redis. With Redis up, it holds the
feed render lock that all workers share; with Redis down, feeds and pages still answer,
uncached, with a warning logged.
"""

import logging
import shutil
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from episodes.feeds import store
from episodes.feeds.models import StoredFeed
from tests.factories import credit, make_episode, make_network, make_person, make_show

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


class RedisServer:
    def __init__(self, folder):
        self.socket = folder / "redis.sock"
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"unix://{self.socket}?db=0"
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(unix_socket_path=str(self.socket)).ping()
                break
            except (redis.exceptions.ConnectionError, FileNotFoundError):
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("redis-server did not start within 10 s")
                time.sleep(0.05)

    def client(self):
        return redis.Redis(unix_socket_path=str(self.socket))

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "test",
            # A dead server answers at once on a socket; keep a slow one from hanging requests.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    server.stop()


@pytest.mark.django_db
def test_feed_render_lock_lives_in_redis_and_is_released(client, redis_server):
    show = make_show(slug="on-redis")
    make_episode(show, title="Rendered once")
    seen = []
    original = store.render_and_store

    def watching(name, stored):
        seen.append(sorted(key.decode() for key in redis_server.client().keys("*")))
        return original(name, stored)

    store.render_and_store, restore = watching, original
    try:
        response = client.get("/shows/on-redis/feed.xml")
    finally:
        store.render_and_store = restore

    assert type(cache._cache).__module__ == "django.core.cache.backends.redis"
    assert seen == [[f"test:1:feed-render-lock:show:{show.pk}"]]
    assert redis_server.client().keys("*") == []
    assert b"<title>Rendered once</title>" in response.content


@pytest.mark.django_db(transaction=True)
def test_concurrent_misses_render_once(redis_server, monkeypatch):
    show = make_show(slug="single-flight")
    for n in range(5):
        make_episode(show, title=f"Episode {n}")
    # Committed outside any transaction, each save rendered the feed already; make it due again,
    # as after an edit whose process died before it could render.
    StoredFeed.objects.update(generation=F("generation") + 1)
    renders = []
    original = store.render_and_store

    def counting(name, stored):
        renders.append(name)
        time.sleep(0.2)  # a slow render: the other requests arrive while it runs
        return original(name, stored)

    monkeypatch.setattr(store, "render_and_store", counting)
    from django.test import Client

    bodies, errors = [], []

    def poll():
        try:
            bodies.append(Client().get("/shows/single-flight/feed.xml").content)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=poll) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert renders == [f"show:{show.pk}"]
    assert len(bodies) == 6
    assert len(set(bodies)) == 1


# Degrade, don't fail ----------------------------------------------------------------------------


@pytest.fixture
def stopped_redis(redis_server, db):
    """A network whose Redis has just died: every feed kind and page has content to show."""
    make_network(name="Outage Network")
    show = make_show(slug="outage", title="Outage Show")
    host = make_person(slug="outage-host", name="Outage Host")
    episode = make_episode(show, slug="still-here", title="Still here")
    credit(episode, host, "host")
    redis_server.stop()
    return {"show": show, "episode": episode}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/shows/outage/feed.xml", b"<title>Still here</title>"),
        ("/network/feed.xml", b"<title>Still here</title>"),
        ("/network/publisher.xml", b'feedUrl="http://localhost:8000/shows/outage/feed.xml"'),
        ("/network/shows.opml", b'xmlUrl="http://localhost:8000/shows/outage/feed.xml"'),
    ],
)
def test_feeds_answer_with_redis_down_and_log_a_warning(client, stopped_redis, caplog, url, expected):
    with caplog.at_level(logging.WARNING, logger="episodes.feeds.store"):
        response = client.get(url)
        repeat = client.get(url, headers={"If-None-Match": response["ETag"]})

    assert response.status_code == 200
    assert expected in response.content
    assert repeat.status_code == 304
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "Feed render lock unavailable (cache error:" in caplog.records[0].getMessage()


def test_edit_with_redis_down_is_served(client, stopped_redis, django_capture_on_commit_callbacks):
    before = client.get("/shows/outage/feed.xml")
    with django_capture_on_commit_callbacks(execute=True):
        episode = stopped_redis["episode"]
        episode.title = "Edited during the outage"
        episode.published_at = timezone.now() - timedelta(minutes=30)
        episode.save()

    after = client.get("/shows/outage/feed.xml", headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert b"<title>Edited during the outage</title>" in after.content
    assert StoredFeed.objects.get(show=stopped_redis["show"]).digest != ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", b"Outage Show"),
        ("/shows/outage/", b"Still here"),
        ("/shows/outage/still-here/", b"Still here"),
        ("/people/outage-host/", b"Still here"),
        ("/sitemap.xml", b"http://testserver/sitemap-show-outage.xml"),
        ("/sitemap-show-outage.xml", b"http://testserver/shows/outage/still-here/"),
    ],
)
def test_pages_answer_with_redis_down(client, stopped_redis, caplog, url, expected):
    with caplog.at_level(logging.WARNING):
        response = client.get(url)

    assert response.status_code == 200
    assert expected in response.content
    if url.startswith("/sitemap-"):
        assert "Cache unavailable, answering uncached" in caplog.text


def test_redis_down_costs_no_more_than_one_query_per_poll(client, stopped_redis):
    first = client.get("/shows/outage/feed.xml")

    with CaptureQueriesContext(connection) as queries:
        repeat = client.get("/shows/outage/feed.xml", headers={"If-None-Match": first["ETag"]})

    assert (repeat.status_code, len(queries)) == (304, 1)
