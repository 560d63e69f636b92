"""Requests per second for the API's episode list, a page of 50 episodes with all their parts.

    python scripts/benchmark_api.py [--episodes 200] [--seconds 5] [--page-size 50]

Uses a throwaway SQLite database unless DATABASE_URL is set (then it adds its own show and
user there). Each episode carries 2 credits, 2 links, a sponsor read, 3 chapters and a
soundbite. It measures the list twice: in process (Django's test client: the whole middleware,
authentication, throttling and rendering stack, no sockets), and over HTTP from a threaded WSGI
server on 127.0.0.1 (an OS-chosen port), one client in a loop. Prints requests per second, the
median and 95th percentile latency, the queries per request, the response size, and the CPU
time per request (with SQLite in process: the database's work included), which does not
depend on what else the machine is running.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import warnings
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    warnings.filterwarnings("ignore", message="No directory at")
    workdir = tempfile.mkdtemp(prefix="api-benchmark-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/benchmark.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    # The benchmark measures the API, not its throttle.
    os.environ["PODCASTCMS_API_RATE"] = "100000000/second"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(episodes):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from episodes.api.models import ApiToken
    from episodes.models import Chapter, Episode, EpisodeLink, Show, Soundbite, Team
    from people.models import Credit, Person
    from sponsors.models import Campaign, Sponsor, SponsorRead

    tag = uuid.uuid4().hex[:8]
    show = Show.objects.create(
        title=f"API benchmark {tag}", slug=f"api-benchmark-{tag}", description="Benchmark."
    )
    host = Person.objects.create(name=f"Host {tag}", slug=f"host-{tag}")
    guest = Person.objects.create(name=f"Guest {tag}", slug=f"guest-{tag}")
    sponsor = Sponsor.objects.create(name=f"Sponsor {tag}", slug=f"sponsor-{tag}")
    campaign = Campaign.objects.create(
        sponsor=sponsor,
        name="Benchmark",
        read_copy="<p>Try it.</p>",
        promo_url="https://sponsor.example.com/",
        starts_on=timezone.now().date(),
    )
    campaign.shows.add(show)
    now = timezone.now()
    rows = Episode.objects.bulk_create(
        Episode(
            show=show,
            title=f"Episode {n}",
            slug=f"episode-{n}",
            number=n + 1,
            summary="A summary of the episode, a sentence or two long.",
            show_notes="<p>Notes with <strong>some</strong> markup.</p>" * 5,
            external_audio_url=f"https://cdn.example.com/{tag}/{n}.mp3",
            status=Episode.PUBLISHED,
            published_at=now - timezone.timedelta(days=n),
            guid=str(uuid.uuid4()),
        )
        for n in range(episodes)
    )
    Credit.objects.bulk_create(
        [Credit(episode=e, person=host, role="host", group="cast") for e in rows]
        + [Credit(episode=e, person=guest, role="guest", group="cast") for e in rows]
    )
    EpisodeLink.objects.bulk_create(
        EpisodeLink(episode=e, title=f"Link {i}", url=f"https://example.com/{i}", order=i)
        for e in rows
        for i in range(2)
    )
    SponsorRead.objects.bulk_create(
        SponsorRead(episode=e, campaign=campaign, copy="<p>Read.</p>") for e in rows
    )
    Chapter.objects.bulk_create(
        Chapter(episode=e, start_time=60 * i, title=f"Chapter {i}") for e in rows for i in range(3)
    )
    Soundbite.objects.bulk_create(
        Soundbite(episode=e, start_time=30, duration=15, title="Bite") for e in rows
    )
    user = get_user_model().objects.create_user(f"bench-{tag}", is_staff=True)
    team = Team.objects.create(name=f"Benchmark {tag}", role=Team.EDITOR)
    team.shows.add(show)
    team.members.add(user)
    _token, key = ApiToken.create_for(user, "benchmark", shows=[show])
    return show, key


def in_process(url, key, seconds):
    from django.db import connection, reset_queries
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    connection.force_debug_cursor = True
    reset_queries()
    client.get(url)
    queries = list(connection.queries)
    connection.force_debug_cursor = False
    times, cpu = [], []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, len(queries), len(response.content), len(response.json()["results"])


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def over_http(path, key, seconds):
    from django.core.handlers.wsgi import WSGIHandler

    server = make_server(
        "127.0.0.1", 0, WSGIHandler(), server_class=ThreadingServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}{path}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}", "Host": "127.0.0.1"})
    urllib.request.urlopen(request).read()
    times = []
    end = time.perf_counter() + seconds
    try:
        while time.perf_counter() < end:
            start = time.perf_counter()
            with urllib.request.urlopen(request) as response:
                response.read()
            times.append(time.perf_counter() - start)
    finally:
        server.shutdown()
    return times


def report(label, times):
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1] if len(times) > 1 else times[0]
    print(
        f"{label:<12} {len(times) / sum(times):8.1f} req/s   median {statistics.median(times) * 1000:6.1f} ms"
        f"   p95 {p95 * 1000:6.1f} ms   ({len(times)} requests)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    setup_django()
    _show, key = build(args.episodes)
    path = f"/api/episodes/?page_size={args.page_size}"
    times, cpu, queries, size, count = in_process(path, key, args.seconds)
    print(f"GET {path}: {count} episodes, {size / 1024:.1f} KiB, {queries} queries per request")
    report("in process", times)
    # CPU time is what the request costs whatever else the machine is doing (wall time is not).
    median_cpu = statistics.median(cpu)
    print(f"{'CPU':<12} {median_cpu * 1000:6.1f} ms per request: {1 / median_cpu:.1f} req/s per busy core")
    report("over HTTP", over_http(path, key, args.seconds))


if __name__ == "__main__":
    main()
