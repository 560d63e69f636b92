"""Several web hosts sharing one feed store: two gunicorn processes on one database and one
``FEED_STORE_ROOT`` (a shared volume in production, deploy/README.md), with no shared cache, so no
render lock between them: what keeps them right is the store's guarded put-in-place alone."""

import gzip
import hashlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction

from episodes.feeds import store
from episodes.feeds.models import StoredFeed
from episodes.models import Episode
from tests.factories import make_episode, make_network, make_show

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes share the database: PostgreSQL (the SQLite test database is in memory)",
    ),
]
CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Host:
    """One web host: gunicorn serving the project on a port of its own."""

    def __init__(self, folder):
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "podcastcms.settings",
            "DATABASE_URL": database_url(),
            "FEED_STORE_ROOT": str(settings.FEED_STORE_ROOT),
            "SITE_URL": settings.SITE_URL,
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "STATIC_ROOT": str(folder / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "FEED_ACCEL_REDIRECT": "",
        }
        env.pop("REDIS_URL", None)  # no cache shared between the hosts
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(CONFIG), "podcastcms.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {self.process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)

    def get(self, path, **headers):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers={"Host": "localhost", **headers})
            response = client.getresponse()
            body = response.read()
            if response.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, response.getheader("ETag"), body
        finally:
            client.close()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def hosts(tmp_path):
    os.chmod(tmp_path, 0o755)
    started = [Host(tmp_path / "a"), Host(tmp_path / "b")]
    yield started
    for host in started:
        host.stop()


def edit_without_rendering(episode, title):
    """Commit an edit and leave its render to the hosts' polls (as if the editor's own host
    were a third one that died right after the commit)."""
    with mock.patch.object(store, "refresh_feeds"), transaction.atomic():
        episode.title = title
        episode.save()
    return time.monotonic()


def test_two_hosts_share_one_store_and_no_stale_copy_is_served_after_an_edit(hosts):
    a, b = hosts
    make_network(name="Shared network")
    show = make_show(slug="shared")
    episode = make_episode(show, title="First title", slug="first")
    path = "/shows/shared/feed.xml"

    status_a, etag_a, first = a.get(path)
    rendered_at = StoredFeed.objects.get(name=store.show_feed_name(show.pk)).rendered_at
    status_b, etag_b, _ = b.get(path, **{"If-None-Match": etag_a})
    assert (status_a, status_b, etag_b) == (200, 304, etag_a)  # B answers from A's render
    assert StoredFeed.objects.get(name=store.show_feed_name(show.pk)).rendered_at == rendered_at
    assert b"<title>First title</title>" in first

    # Both hosts polled without pause while an edit commits; neither renders it before a poll.
    answers, stop = [], threading.Event()

    def poll(host):
        while not stop.is_set():
            sent = time.monotonic()
            status, etag, body = host.get(path, **{"Accept-Encoding": "gzip"})
            answers.append((sent, status, b"<title>Second title</title>" in body))

    pollers = [threading.Thread(target=poll, args=(host,)) for host in (a, b, a, b)]
    for poller in pollers:
        poller.start()
    time.sleep(0.3)
    committed = edit_without_rendering(Episode.objects.get(pk=episode.pk), "Second title")
    time.sleep(1.0)
    stop.set()
    for poller in pollers:
        poller.join(30)

    # A poll sent before the commit may get either copy (it may wait for the edit to commit);
    # every one sent after it gets the new one.
    after = [(status, new) for sent, status, new in answers if sent > committed]
    assert len(after) > 10
    assert after == [(200, True)] * len(after)
    stored = StoredFeed.objects.get(name=store.show_feed_name(show.pk))
    plain = (Path(settings.FEED_STORE_ROOT) / stored.path).read_bytes()
    assert stored.rendered_generation == stored.generation
    assert hashlib.sha256(plain).hexdigest() == stored.digest
    assert gzip.decompress((Path(settings.FEED_STORE_ROOT) / f"{stored.path}.gz").read_bytes()) == plain
    assert b"<title>Second title</title>" in plain
