"""deploy/nginx/media.conf, run by a real nginx: every upload with its real type, nosniff and sandbox."""

import urllib.error
import urllib.request

import pytest

from tests.podcastcms.nginx import nginx_serving

HOSTILE_HTML = b"<script>fetch('/admin/').then(r => r.text()).then(alert)</script>"
FILES = {
    "shows/a/artwork/0f.png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "shows/a/artwork/0f.jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "shows/a/episodes/audio/0f.mp3": (b"\xff\xfb\x90\x00" * 64, "audio/mpeg"),
    "shows/a/episodes/audio/0f.m4a": (b"\x00\x00\x00\x18ftypM4A ", "audio/x-m4a"),
    "transcripts/0f.vtt": (b"WEBVTT\n", "text/vtt; charset=utf-8"),
    "transcripts/0f.json": (b"{}", "application/json"),
    "transcripts/0f.txt": (b"Hello", "text/plain; charset=utf-8"),
    # What must never render as a page of ours: served as bytes to download.
    "transcripts/0f.html": (HOSTILE_HTML, "application/octet-stream"),
    "editor-uploads/a/page.svg": (b"<svg onload=alert(1)>", "application/octet-stream"),
    "editor-uploads/a/page.xhtml": (HOSTILE_HTML, "application/octet-stream"),
    "editor-uploads/a/noext": (HOSTILE_HTML, "application/octet-stream"),
}


@pytest.fixture
def nginx(tmp_path):
    media = tmp_path / "media"
    for path, (content, _) in FILES.items():
        (media / path).parent.mkdir(parents=True, exist_ok=True)
        (media / path).write_bytes(content)
    with nginx_serving(media, tmp_path / "nginx") as url:
        yield url


def fetch(url, headers=None):
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=5
        ) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_every_upload_with_its_type_nosniff_and_sandbox(nginx):
    answers = {path: fetch(f"{nginx}/media/{path}") for path in FILES}

    assert {path: (a[0], a[1]["Content-Type"]) for path, a in answers.items()} == {
        path: (200, content_type) for path, (_, content_type) in FILES.items()
    }
    assert {path: a[2] for path, a in answers.items()} == {
        path: content for path, (content, _) in FILES.items()
    }
    for path, (_, headers, _) in answers.items():
        assert (headers["X-Content-Type-Options"], headers["Content-Security-Policy"]) == (
            "nosniff",
            "sandbox",
        ), path


def test_nginx_answers_missing_media_and_folders_with_the_same_headers(nginx):
    for path in ("nothing.html", "transcripts/", "shows/"):
        status, headers, _ = fetch(f"{nginx}/media/{path}")
        assert status in (403, 404), path
        assert (headers["X-Content-Type-Options"], headers["Content-Security-Policy"]) == (
            "nosniff",
            "sandbox",
        )


def test_nginx_answers_byte_ranges_of_audio(nginx):
    status, headers, body = fetch(f"{nginx}/media/shows/a/episodes/audio/0f.mp3", {"Range": "bytes=4-11"})

    assert (status, headers["Content-Range"], body) == (206, "bytes 4-11/256", b"\xff\xfb\x90\x00" * 2)
    assert headers["Content-Security-Policy"] == "sandbox"
