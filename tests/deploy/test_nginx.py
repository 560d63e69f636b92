"""deploy/nginx.conf, run by a real nginx in front of the test's live server.

nginx listens on a Unix socket in the test's folder; its upstream is the live server (an
OS-chosen port). The file is used as it is, with only its paths pointed at the test's folders.
"""

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from episodes.feeds import store
from tests.factories import make_episode, make_show

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
CONFIG = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/test.sh installs it)"),
    pytest.mark.django_db(transaction=True),
]


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.socket_path)


class Nginx:
    def __init__(self, folder, upstream, *, direct_feeds=True):
        self.folder = folder
        self.socket = str(folder / "nginx.sock")
        site = CONFIG.read_text()
        if not direct_feeds:
            before, _, rest = site.partition("    # direct-feeds-begin")
            site = before + rest.partition("    # direct-feeds-end")[2]
        site = (
            site.replace("/srv/podcastcms/feedstore", str(settings.FEED_STORE_ROOT))
            .replace("/srv/podcastcms/media", str(settings.MEDIA_ROOT))
            .replace("unix:/run/podcastcms/gunicorn.sock", upstream)
            .replace("listen 80;", f"listen unix:{self.socket};")
        )
        (folder / "site.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{ access_log off; include {folder}/site.conf; }}\n"
        )
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                error = self.process.stderr.read().decode() if self.process.poll() is not None else "timeout"
                pytest.fail(f"nginx did not start: {error}")
            time.sleep(0.02)

    def get(self, path, method="GET", **headers):
        connection = UnixHTTPConnection(self.socket)
        try:
            connection.request(method, path, headers={"Host": "localhost", **headers})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.FEED_STORE_ROOT = tmp_path / "feedstore"
    settings.MEDIA_ROOT = tmp_path / "media"
    os.chmod(tmp_path, 0o755)
    cache.clear()


@pytest.fixture
def nginx(live_server, tmp_path):
    upstream = live_server.url.removeprefix("http://")
    server = Nginx(tmp_path, upstream)
    yield server
    server.stop()


@pytest.fixture
def nginx_accel(live_server, tmp_path, settings):
    settings.FEED_ACCEL_REDIRECT = "/_feedstore/"
    server = Nginx(tmp_path, live_server.url.removeprefix("http://"), direct_feeds=False)
    yield server
    server.stop()


def django_get(live_server, path, **headers):
    host, port = live_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_stored_feed_is_served_by_nginx_with_djangos_validators(nginx, live_server):
    show = make_show(slug="proxied")
    make_episode(show, title="Served by nginx")  # committed: stored already
    store.remove_files("shows/proxied/feed.xml")
    # The first request finds nothing stored: Django renders and stores it, through nginx.
    first_status, first_headers, first_body = nginx.get("/shows/proxied/feed.xml")

    status, headers, body = nginx.get("/shows/proxied/feed.xml")
    _, django_headers, django_body = django_get(live_server, "/shows/proxied/feed.xml")
    not_modified = nginx.get("/shows/proxied/feed.xml", **{"If-None-Match": headers["ETag"]})
    by_date = nginx.get("/shows/proxied/feed.xml", **{"If-Modified-Since": headers["Last-Modified"]})

    assert (first_status, status) == (200, 200)
    assert "X-Frame-Options" in first_headers  # answered by Django
    assert "X-Frame-Options" not in headers  # answered by nginx alone
    assert body == first_body == django_body
    assert b"<title>Served by nginx</title>" in body
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert (headers["ETag"], headers["Last-Modified"]) == (
        django_headers["ETag"],
        django_headers["Last-Modified"],
    )
    assert headers["Cache-Control"] == "public, max-age=300"
    assert (not_modified[0], not_modified[2]) == (304, b"")
    assert (by_date[0], by_date[2]) == (304, b"")


def test_nginx_sends_the_stored_gzip_copy_with_its_own_validators(nginx, live_server):
    show = make_show(slug="zipped")
    make_episode(show, title="Compressed")
    nginx.get("/shows/zipped/feed.xml")

    status, headers, body = nginx.get("/shows/zipped/feed.xml", **{"Accept-Encoding": "gzip"})
    _, django_headers, django_body = django_get(
        live_server, "/shows/zipped/feed.xml", **{"Accept-Encoding": "gzip"}
    )
    repeat = nginx.get(
        "/shows/zipped/feed.xml", **{"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]}
    )

    assert (status, headers["Content-Encoding"], headers["Vary"]) == (200, "gzip", "Accept-Encoding")
    assert body == django_body
    assert b"<title>Compressed</title>" in gzip.decompress(body)
    assert headers["ETag"] == django_headers["ETag"]
    assert repeat[0] == 304


def test_edit_reaches_nginx_once_committed(nginx):
    show = make_show(slug="edited")
    episode = make_episode(show, title="Before")
    nginx.get("/shows/edited/feed.xml")
    _, before_headers, _ = nginx.get("/shows/edited/feed.xml")
    time.sleep(1.1)  # Last-Modified has whole seconds

    episode.title = "After"
    episode.save()  # autocommit: the feed is stored again on commit
    status, headers, body = nginx.get("/shows/edited/feed.xml", **{"If-None-Match": before_headers["ETag"]})

    assert status == 200
    assert b"<title>After</title>" in body
    assert headers["ETag"] != before_headers["ETag"]


def test_private_show_feed_falls_through_to_django_and_answers_404(nginx):
    show = make_show(slug="hidden-soon")
    make_episode(show)
    nginx.get("/shows/hidden-soon/feed.xml")

    show.is_public = False
    show.save()
    status, headers, _ = nginx.get("/shows/hidden-soon/feed.xml")

    assert status == 404
    assert not (Path(settings.FEED_STORE_ROOT) / "shows/hidden-soon/feed.xml").exists()


def test_accel_redirect_lets_django_answer_validators_and_nginx_send_the_bytes(nginx_accel, live_server):
    show = make_show(slug="accel")
    make_episode(show, title="Through X-Accel-Redirect")
    nginx_accel.get("/shows/accel/feed.xml")

    status, headers, body = nginx_accel.get("/shows/accel/feed.xml")
    gz_status, gz_headers, gz_body = nginx_accel.get("/shows/accel/feed.xml", **{"Accept-Encoding": "gzip"})
    repeat = nginx_accel.get("/shows/accel/feed.xml", **{"If-None-Match": headers["ETag"]})
    internal = nginx_accel.get("/_feedstore/shows/accel/feed.xml")

    stored = (Path(settings.FEED_STORE_ROOT) / "shows/accel/feed.xml").read_bytes()
    assert (status, body) == (200, stored)
    assert (gz_status, gz_headers["Content-Encoding"], gzip.decompress(gz_body)) == (200, "gzip", stored)
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert (repeat[0], repeat[1]["ETag"]) == (304, headers["ETag"])
    assert "X-Frame-Options" in repeat[1]  # Django answered the validators
    assert internal[0] == 404


def test_media_is_served_as_inert_content(nginx):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "upload.html").write_text("<script>alert(1)</script>")

    status, headers, _ = nginx.get("/media/upload.html")

    assert status == 200
    assert (headers["Content-Security-Policy"], headers["X-Content-Type-Options"]) == ("sandbox", "nosniff")


def test_enclosure_byte_range_passes_through_nginx(nginx):
    show = make_show(slug="ranged")
    episode = make_episode(show, audio=True)
    size = episode.audio_size

    status, headers, body = nginx.get(episode.enclosure_url, **{"Range": "bytes=10-19"})
    head = nginx.get(episode.enclosure_url, method="HEAD")

    assert (status, headers["Content-Range"], len(body)) == (206, f"bytes 10-19/{size}", 10)
    assert body == episode.audio.open("rb").read()[10:20]
    assert (head[0], head[1]["Content-Length"], head[2]) == (200, str(size), b"")


def test_rolled_back_edit_leaves_the_feed_to_django_until_it_is_stored_again(nginx):
    from django.db import transaction

    show = make_show(slug="rolled-back")
    episode = make_episode(show, title="Committed")
    _, first_headers, first = nginx.get("/shows/rolled-back/feed.xml")
    plain = Path(settings.FEED_STORE_ROOT) / "shows/rolled-back/feed.xml"
    assert plain.read_bytes() == first

    with pytest.raises(RuntimeError), transaction.atomic():
        episode.title = "Rolled back"
        episode.save()
        taken_away = not plain.exists()
        raise RuntimeError("the edit fails")
    status, headers, body = nginx.get("/shows/rolled-back/feed.xml")

    assert taken_away is True
    assert status == 200
    assert body == first
    assert headers["ETag"] == first_headers["ETag"]
    assert plain.read_bytes() == first  # stored again by Django: nginx answers the next poll


def test_accel_feed_taken_away_after_djangos_answer_is_answered_by_django_again(nginx_accel, monkeypatch):
    from episodes.feeds import caching, store

    show = make_show(slug="taken-away")
    make_episode(show, title="Still here")
    _, _, first = nginx_accel.get("/shows/taken-away/feed.xml")
    real = caching.stored_feed_response
    answers = []

    def answer_then_take_away(request, state, content_type):
        response = real(request, state, content_type)
        if not answers:
            store.remove_files(state.path)  # an edit, between Django's answer and nginx's open
        answers.append(response.get("X-Accel-Redirect"))
        return response

    monkeypatch.setattr(caching, "stored_feed_response", answer_then_take_away)
    status, _, body = nginx_accel.get("/shows/taken-away/feed.xml")

    assert (status, body) == (200, first)
    assert answers == ["/_feedstore/shows/taken-away/feed.xml"] * 2
