"""Replay the attacks on uploads, feeds, pages, previews, logins, the admin and the import fetch.

Runs against a throw-away SQLite database and media folder, through Django's test client (and
real sockets for the import fetch), and prints for each probe how many requests or payloads
were tried and how many got through. Every "through" figure must be 0.

    python scripts/probe_attacks.py
"""

import contextlib
import io
import os
import random
import resource
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RESULTS = []


def report(probe, tried, through, unit="requests", extra=""):
    RESULTS.append(through)
    print(f"{probe:<58} {tried:>6} {unit:<9} {through:>4} through  {extra}")


def elements(fragment):
    from tests.html import parse

    return list(parse(fragment or "").iter())


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"}


def active(fragment):
    """Elements a browser would run or load from ``fragment``: scripts, handlers, frames."""
    found = []
    for element in elements(fragment):
        if element.tag in {"script", "iframe", "object", "embed", "svg", "math", "base"}:
            found.append(element.tag)
        found += [name for name in element.attrs if name.lower().startswith("on")]
        found += [
            value
            for name, value in element.attrs.items()
            if name in URL_ATTRIBUTES and "javascript:" in (value or "").lower().replace(" ", "")
        ]
        if element.tag == "meta" and (element.attrs.get("http-equiv") or "").lower() == "refresh":
            found.append("meta refresh")
    return found


def probe_audio_uploads():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from podcastcms.validators import read_audio_metadata

    rng = random.Random(8)
    accepted = tried = 0
    for extension in (".mp3", ".m4a", ".mp4", ".mov", ".aac", ".ogg", ".opus", ".flac", ".wav"):
        for size in (1_000, 100_000, 2_000_000):
            tried += 1
            try:
                read_audio_metadata(SimpleUploadedFile(f"noise{extension}", rng.randbytes(size)))
                accepted += 1
            except ValidationError:
                pass
    report("audio: random bytes named as audio (9 types x 3 sizes)", tried, accepted, "uploads")
    big = SimpleUploadedFile("noise.mp3", rng.randbytes(50 * 1024 * 1024))
    started = time.perf_counter()
    try:
        read_audio_metadata(big)
        through = 1
    except ValidationError as exc:
        through, message = 0, exc.messages[0]
    report(
        "audio: 50 MB of random bytes named .mp3",
        1,
        through,
        "uploads",
        f"refused in {time.perf_counter() - started:.3f} s: {message}",
    )
    import lameenc

    from episodes.audio import tone_mp3
    from podcastcms.audiocheck import mpeg_frame

    # A 128 kbit/s, 44.1 kHz stereo MP3 of about 56 MB (an hour), as most podcasts publish:
    # one minute encoded, its frames repeated.
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(128)
    encoder.set_in_sample_rate(44100)
    encoder.set_channels(2)
    encoder.set_quality(7)
    minute = encoder.encode(bytes(44100 * 60 * 4)) + encoder.flush()
    body = minute[mpeg_frame(minute[:4])[0] :]  # the frames after the encoder's Info frame
    large = minute + body * 59
    started = time.perf_counter()
    found = read_audio_metadata(SimpleUploadedFile("hour128.mp3", large))
    elapsed = time.perf_counter() - started
    report(
        "audio: a 128 kbit/s hour-long MP3, one pass",
        1,
        0,
        "uploads",
        f"{len(large) / 1e6:.1f} MB, {found['duration']} s, {elapsed:.2f} s, "
        f"{len(large) / 1e6 / elapsed:.0f} MB/s",
    )
    real = tone_mp3(3600)
    started = time.perf_counter()
    found = read_audio_metadata(SimpleUploadedFile("hour.mp3", real))
    elapsed = time.perf_counter() - started
    report(
        "audio: the demo's 8 kbit/s hour-long MP3, one pass",
        1,
        0,
        "uploads",
        f"{len(real) / 1e6:.1f} MB, {found['duration']} s, {elapsed:.2f} s, "
        f"{len(real) / 1e6 / elapsed:.0f} MB/s",
    )


def probe_transcripts(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from episodes.models import Transcript
    from tests.factories import make_episode, make_show
    from tests.xss_corpus import PAYLOADS

    episode = make_episode(make_show(slug="transcripts"))
    leaks = 0
    for payload in PAYLOADS:
        transcript = Transcript.objects.create(
            episode=episode, file=SimpleUploadedFile("t.html", payload.encode()), mime_type="text/html"
        )
        stored = Path(transcript.file.path).read_text()
        response = client.get(f"/transcripts/{transcript.pk}.html")
        served = response.content.decode()
        leaks += bool(active(stored) or active(served))
        leaks += response["Content-Security-Policy"] != "sandbox; default-src 'none'"
    report("transcripts: HTML payloads stored and served (script, on*)", len(PAYLOADS), leaks, "payloads")


def probe_feeds_and_pages(client):
    import xml.etree.ElementTree as ET

    from tests.factories import make_campaign, make_episode, make_show, sponsor_read
    from tests.xss_corpus import PAYLOADS

    show = make_show(slug="feeds", description=PAYLOADS[0])
    campaign = make_campaign(show)
    for n, payload in enumerate(PAYLOADS):
        episode = make_episode(show, slug=f"e{n}", title=f"Episode {n}", summary=payload)
        sponsor_read(episode, campaign, copy=payload)
    root = ET.fromstring(client.get("/shows/feeds/feed.xml").content)
    descriptions = [root.find("channel/description").text] + [
        item.find("description").text for item in root.findall("channel/item")
    ]
    leaks = sum(bool(elements(d)) for d in descriptions)
    report(
        "feed: <description> of hostile summaries and reads (elements)", len(descriptions), leaks, "payloads"
    )
    encoded = [
        item.find("{http://purl.org/rss/1.0/modules/content/}encoded").text for item in root.iter("item")
    ]
    report(
        "feed: content:encoded (script, on*, javascript:)",
        len(encoded),
        sum(bool(active(e)) for e in encoded),
        "payloads",
    )
    pages = [f"/shows/feeds/?page={page}" for page in range(1, len(PAYLOADS) // 20 + 2)]
    pages += [f"/shows/feeds/e{n}/" for n in range(0, len(PAYLOADS), 8)]
    leaks = sum(bool(active(client.get(url).content.decode())) for url in pages)
    report("pages: show and episode pages with hostile text", len(pages), leaks)


def probe_previews(client):
    from episodes import services
    from episodes.models import Episode, Team
    from episodes.preview import preview_path
    from tests.factories import make_episode, make_show, team_member

    show = make_show(slug="previews")
    editor = team_member(Team.EDITOR, show)
    through = tried = 0
    for _ in range(10):
        episode = make_episode(show, status=Episode.DRAFT, audio=False)
        before_publish = preview_path(episode)
        services.publish(episode, editor)
        while_public = preview_path(episode)
        services.unpublish(episode, editor)
        draft_link = preview_path(episode)
        services.revoke_preview_links(episode, editor)
        for link in (before_publish, while_public, draft_link):
            tried += 1
            through += client.get(link).status_code != 404
    report("previews: links after publish, unpublish and revoke", tried, through)


def probe_logins():
    from django.test import Client

    from tests.factories import make_user

    make_user("target", password="the-right-password")
    client = Client()
    statuses = [
        client.post("/admin/login/", {"username": "target", "password": f"guess-{n}"}).status_code
        for n in range(50)
    ]
    right = client.post("/admin/login/", {"username": "target", "password": "the-right-password"})
    answered = statuses.count(200)
    report(
        "logins: 50 wrong passwords, then the right one",
        51,
        int(right.status_code == 302),
        "requests",
        f"login form answered {answered} times, then 429 for {statuses.count(429)}; "
        f"right password: {right.status_code}",
    )


def probe_admin_oracles():
    from django.test import Client
    from django.urls import reverse

    from episodes.models import Episode, Network, Show, Team
    from people.models import Person
    from sponsors.models import Campaign, Sponsor
    from tests.factories import make_campaign, make_episode, make_person, make_show, make_user

    Network.objects.get_or_create(name="Network")
    show_a, show_b = make_show(slug="oracle-a"), make_show(slug="oracle-b", is_public=False)
    objects = {
        Episode: make_episode(show_b, status=Episode.DRAFT),
        Show: show_b,
        Team: Team.objects.create(name="Oracle team B"),
        Network: Network.objects.first(),
        Person: make_person(),
        Sponsor: make_campaign(show_b).sponsor,
        Campaign: make_campaign(show_b),
    }
    shared = make_campaign(show_a, show_b, name="Oracle shared flight")
    users = {
        "staff without a team": make_user("oracle-loner"),
        "producer of show A": make_user("oracle-producer", role=Team.PRODUCER, shows=[show_a]),
    }
    tried = oracles = 0
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for model, obj in objects.items():
            if label == "producer of show A" and model in (Person, Sponsor):
                continue  # network-wide: every team member may see them
            for view in ("change", "history", "delete"):
                name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
                existing = client.get(reverse(name, args=[obj.pk])).status_code
                missing = client.get(reverse(name, args=[obj.pk + 10_000])).status_code
                tried += 2
                oracles += existing != missing or existing != 404
    report("admin: hidden vs missing objects (2 roles, 7 models, 3 views)", tried, oracles)
    client = Client()
    client.force_login(users["producer of show A"])
    response = client.get(f"/admin/sponsors/campaign/?show={show_b.pk}")
    leaked = shared.name in response.content.decode()
    report(
        "admin: campaign filter by a hidden show",
        1,
        int(leaked),
        "requests",
        f"status {response.status_code}",
    )


def probe_headers(client):
    from django.test import RequestFactory

    from episodes.models import Transcript
    from podcastcms.media import serve_media
    from tests.factories import make_episode, make_show, text_upload

    episode = make_episode(make_show(slug="headers"), audio=True)
    transcript = Transcript.objects.create(episode=episode, file=text_upload("t.vtt", "WEBVTT\n"))
    uploads = [client.get(episode.enclosure_url), client.get(f"/transcripts/{transcript.pk}.vtt")]
    media = Path(settings.MEDIA_ROOT)
    for name in (episode.audio.name, transcript.file.name):
        uploads.append(serve_media(RequestFactory().get("/"), name, document_root=media))
    missing = sum(
        r.get("X-Content-Type-Options") != "nosniff"
        or not r.get("Content-Security-Policy", "").startswith("sandbox")
        for r in uploads
    )
    report("uploads: responses without nosniff + sandbox", len(uploads), missing)
    pages = ["/", "/shows/headers/", episode.get_absolute_url(), "/admin/login/", "/sitemap.xml", "/nothing/"]
    without = sum(
        "frame-ancestors 'none'" not in client.get(url).get("Content-Security-Policy", "") for url in pages
    )
    report("pages: responses without the Content-Security-Policy", len(pages), without)


def probe_images():
    from PIL import Image

    from podcastcms.validators import check_image_data

    figures = []
    for format_name in ("JPEG", "PNG"):
        buffer = io.BytesIO()
        Image.new("RGB", (4096, 4096), (20, 120, 200)).save(buffer, format=format_name)
        data = buffer.getvalue()
        image = Image.open(io.BytesIO(data))
        check_image_data(image, io.BytesIO(data))
        checked = image.im.size if image._im is not None else (0, 0)
        figures.append(f"{format_name} 4096x4096 keeps {checked[0] * checked[1] * 3 / 1e6:.1f} MB decoded")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(
        "images: largest accepted image checked",
        2,
        0,
        "uploads",
        "; ".join(figures) + f" (process peak {peak:.0f} MB)",
    )


def probe_import_fetch():
    import http.server

    from episodes.imports import feedreader
    from episodes.imports.feedreader import FeedImportError, read_source

    hits = {"inner": 0}

    class Public(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            target = f"http://rebind.example:{port}/x" if self.path == "/redirect" else None
            self.send_response(302 if target else 200)
            if target:
                self.send_header("Location", target)
            self.end_headers()
            self.wfile.write(
                b"" if target else b"<rss version='2.0'><channel><title>x</title></channel></rss>"
            )

        def log_message(self, *args):
            pass

    class Inner(Public):
        def do_GET(self):
            hits["inner"] += 1
            self.send_response(200)
            self.end_headers()

    public = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Public)
    port = public.server_address[1]
    inner = http.server.ThreadingHTTPServer(("127.0.0.2", port), Inner)
    for server in (public, inner):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    answers = {"rebind.example": ["127.0.0.1", "127.0.0.2"], "inner.example": ["127.0.0.2"]}
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in answers:
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    feedreader.is_public_address = lambda address: address == "127.0.0.1"
    tries = [
        f"http://rebind.example:{port}/feed",
        f"http://inner.example:{port}/",
        f"http://127.0.0.2:{port}/",
    ]
    answers_redirect = {"rebind.example": ["127.0.0.1", "127.0.0.2"]}
    try:
        for url in tries:
            with contextlib.suppress(FeedImportError):
                read_source(url, public_only=True, timeout=2)
        answers.update(answers_redirect)
        with contextlib.suppress(FeedImportError):
            read_source(f"http://127.0.0.1:{port}/redirect", public_only=True, timeout=2)
    finally:
        socket.getaddrinfo = real
        for server in (public, inner):
            server.shutdown()
    report("import fetch: rebinding, inner hosts, redirect to a rebinding host", 4, hits["inner"], "fetches")


def main():
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import logging

    logging.disable(logging.CRITICAL)  # the refused requests log warnings by design
    setup_test_environment()
    media = tempfile.mkdtemp(prefix="probe-media-")
    settings.MEDIA_ROOT = Path(media)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.test import Client

    client = Client()
    print(f"{'probe':<58} {'tried':>6} {'':<9} {'':>4}")
    try:
        probe_audio_uploads()
        probe_transcripts(client)
        probe_feeds_and_pages(client)
        probe_previews(client)
        probe_logins()
        probe_admin_oracles()
        probe_headers(client)
        probe_images()
        probe_import_fetch()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\n{len(RESULTS)} probes, {sum(RESULTS)} got through.")
    return 1 if sum(RESULTS) else 0


if __name__ == "__main__":
    sys.exit(main())
