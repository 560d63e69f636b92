"""The journal with real processes: gunicorn on 127.0.0.1, killed with SIGKILL, a locked SQLite.

Each test runs the project as an operator does: its own database (a SQLite file, or the test
run's PostgreSQL database), ``gunicorn -c deploy/gunicorn.conf.py``, and ``manage.py`` commands
for the loader and the rollup.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

# Committed rows on PostgreSQL (the server processes use the test database); on SQLite each
# test has a database file of its own.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
REQUESTS = 25
DATACENTER = "198.51.100.0/24\n2001:db8:dc::/48\n"

SETUP = """
import json
from episodes.analytics.recorder import prepare_salts
from tests.factories import make_episode, make_show
show = make_show()
episodes = [make_episode(show, audio=3) for _ in range(2)]
prepare_salts()
print(json.dumps([[e.pk, e.enclosure_url, e.audio_size] for e in episodes]))
"""

FIGURES = """
import json
from django.db.models import Count
from episodes.analytics.models import DownloadEvent, EpisodeDay
print(json.dumps({
    "events": {
        str(row["episode_id"]): row["n"]
        for row in DownloadEvent.objects.values("episode_id").annotate(n=Count("id"))
    },
    "datacenter": DownloadEvent.objects.filter(from_datacenter=True).count(),
    "downloads": {str(r.episode_id): r.downloads for r in EpisodeDay.objects.all()},
}))
"""


def base_env():
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "PODCASTCMS_"))
    }
    env.pop("DJANGO_DEBUG", None)
    return {**env, "DJANGO_SETTINGS_MODULE": "podcastcms.settings"}


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A migrated SQLite file, made once; each test gets a copy."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    manage({**base_env(), "DATABASE_URL": f"sqlite:///{path}"}, "migrate", "--verbosity", "0")
    return path


def database_url(tmp_path, migrated_sqlite):
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        assert db["NAME"].startswith("test"), "the server processes must use the test database"
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    path = tmp_path / "server.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def project(tmp_path, migrated_sqlite):
    """Environment of an installed site: database, media, journal and ranges of its own."""
    url = database_url(tmp_path, migrated_sqlite)
    ranges = tmp_path / "datacenters.txt"
    ranges.write_text(DATACENTER)
    env = base_env()
    env.update(
        DATABASE_URL=url,
        MEDIA_ROOT=str(tmp_path / "media"),
        FEED_STORE_ROOT=str(tmp_path / "feedstore"),
        PODCASTCMS_ANALYTICS_JOURNAL=str(tmp_path / "journal"),
        PODCASTCMS_TRUSTED_PROXIES="127.0.0.1",
        PODCASTCMS_DATACENTER_RANGES=str(ranges),
    )
    return env


def manage(env, *args, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def python(env, code):
    return json.loads(manage(env, "shell", "--command", code).strip().splitlines()[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the project's deployment settings, two workers, on 127.0.0.1."""

    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "podcastcms.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: master and workers die together
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/robots.txt")
                return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("gunicorn did not start")

    def get(self, path, forwarded_for=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            sent = {"User-Agent": APP, **(headers or {})}
            if forwarded_for:
                sent["X-Forwarded-For"] = forwarded_for
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def kill(self, sig=signal.SIGKILL):
        os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)


def listen(server, episodes, addresses):
    """One whole-file GET per address of each episode, each in full."""
    for pk, url, size in episodes:
        for address in addresses:
            status, body = server.get(url, forwarded_for=f"{address}, 127.0.0.1")
            assert (status, len(body)) == (200, size), (pk, address)


def test_events_of_a_server_killed_with_sigkill_are_all_loaded_and_counted_as_a_clean_run(project):
    episodes = python(project, SETUP)
    killed, clean = episodes
    addresses = [f"203.0.113.{n}" for n in range(1, REQUESTS + 1)]

    server = Server(project)
    listen(server, [killed], addresses)
    server.kill(signal.SIGKILL)
    assert python(project, FIGURES)["events"] == {}  # nothing reached the database yet
    server = Server(project)
    listen(server, [clean], addresses)
    server.kill(signal.SIGTERM)

    manage(project, "load_download_events")
    manage(project, "load_download_events")  # again: nothing is loaded twice
    manage(project, "rollup_downloads")
    figures = python(project, FIGURES)
    assert figures["events"] == {str(killed[0]): REQUESTS, str(clean[0]): REQUESTS}
    assert figures["downloads"] == {str(killed[0]): REQUESTS, str(clean[0]): REQUESTS}
    assert list((Path(project["PODCASTCMS_ANALYTICS_JOURNAL"])).glob("*.jsonl")) == []


def test_data_centre_addresses_behind_a_trusted_proxy_are_recorded_and_not_counted(project):
    (pk, url, size), _ = python(project, SETUP)
    server = Server(project)
    try:
        listen(server, [(pk, url, size)], ["203.0.113.1", "198.51.100.7", "2001:db8:dc::1", "2001:db8:dd::1"])
    finally:
        server.kill(signal.SIGTERM)

    manage(project, "load_download_events")
    manage(project, "rollup_downloads")
    figures = python(project, FIGURES)
    assert (figures["events"], figures["datacenter"], figures["downloads"]) == ({str(pk): 4}, 2, {str(pk): 2})


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_enclosure_is_served_fast_while_another_connection_holds_the_sqlite_write_lock(project):
    (pk, url, size), _ = python(project, SETUP)
    server = Server(project)
    database = project["DATABASE_URL"].removeprefix("sqlite:///")
    locker = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    try:
        locker.execute("BEGIN IMMEDIATE")
        locker.execute("INSERT INTO episodes_listenersalt (day, salt) VALUES ('2000-01-01', 'x')")
        timings = []
        for n in range(5):
            started = time.monotonic()
            status, body = server.get(url, forwarded_for=f"203.0.113.{n + 1}")
            timings.append(time.monotonic() - started)
            assert (status, len(body)) == (200, size)
        assert len(list(Path(project["PODCASTCMS_ANALYTICS_JOURNAL"]).glob("*.jsonl"))) in (1, 2)
        locker.execute("ROLLBACK")
    finally:
        locker.close()
        server.kill(signal.SIGTERM)

    assert max(timings) < 1.0, timings
    manage(project, "load_download_events")
    assert python(project, FIGURES)["events"] == {str(pk): 5}


def test_enclosure_is_served_when_journal_and_database_are_both_unavailable(project, tmp_path):
    (pk, url, size), _ = python(project, SETUP)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {**project, "PODCASTCMS_ANALYTICS_JOURNAL": str(blocker / "journal")}
    server = Server(env)
    try:
        status, body = server.get(url, forwarded_for="203.0.113.1")
        assert (status, len(body)) == (200, size)
        if connection.vendor == "sqlite":
            database = Path(project["DATABASE_URL"].removeprefix("sqlite:///"))
            locker = sqlite3.connect(database, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")  # the fallback's INSERT now waits, after the response
            try:
                started = time.monotonic()
                status, body = server.get(url, forwarded_for="203.0.113.2")
                elapsed = time.monotonic() - started
            finally:
                locker.execute("ROLLBACK")
                locker.close()
            assert (status, len(body)) == (200, size)
            assert elapsed < 1.0
    finally:
        server.kill(signal.SIGTERM)
