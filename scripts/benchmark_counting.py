"""What counting adds to an enclosure request: the hot path, measured.

    python scripts/benchmark_counting.py [--requests 2000] [--agents 200]

Uses a throwaway SQLite file database (unless DATABASE_URL is set) and a real episode with a
real MP3. Times the enclosure view through the whole request stack (Django's test client,
middleware, the response closed as a server would close it) with measurement switched off and
on, for whole-file GETs and for two-byte range probes, with ``--agents`` distinct user agents
(classified once each, then cached). Prints medians and means per request, and the difference:
what measurement costs, the raw event's INSERT included.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    warnings.filterwarnings("ignore", message="No directory at")
    workdir = tempfile.mkdtemp(prefix="counting-benchmark-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/benchmark.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def user_agents(count):
    from episodes.analytics.demo import opawg_directory

    directory = opawg_directory()
    agents = []
    if directory is not None:
        import json

        for name in ("apps", "bots"):
            for entry in json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))["entries"]:
                agents.extend(entry.get("examples", [])[:1])
    agents = agents or [f"BenchmarkApp/{n}.0 (iPhone; iOS 17)" for n in range(count)]
    return (agents * (count // len(agents) + 1))[:count]


def time_requests(client, url, agents, requests, headers):
    times = []
    for n in range(requests):
        started = time.perf_counter()
        response = client.get(
            url,
            headers=headers,
            HTTP_USER_AGENT=agents[n % len(agents)],
            REMOTE_ADDR=f"10.0.{n % 250}.{n % 200}",
        )
        if response.streaming:
            for _ in response.streaming_content:
                pass
        response.close()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from episodes.analytics.models import DownloadEvent
    from episodes.audio import tone_mp3
    from episodes.models import Episode, Show

    show = Show.objects.create(title="Benchmark", slug=f"counting-benchmark-{os.getpid()}", is_public=True)
    episode = Episode(
        show=show, title="Benchmark", slug="benchmark", status=Episode.PUBLISHED, published_at=timezone.now()
    )
    episode.audio.save("benchmark.mp3", ContentFile(tone_mp3(60)), save=False)
    episode.save()
    agents = user_agents(args.agents)
    client = Client()
    print(f"{connection.vendor}, {args.requests} requests per case, {len(set(agents))} user agents")
    print(f"{'case':32} {'off median':>10} {'on median':>10} {'off mean':>9} {'on mean':>9} {'added':>9}")
    for label, headers in [("whole file (1 MB MP3)", {}), ("range probe bytes=0-1", {"Range": "bytes=0-1"})]:
        results = {}
        for enabled in (False, True, False, True):  # interleaved, so warm-up favours neither
            settings.PODCASTCMS_ANALYTICS_ENABLED = enabled
            results.setdefault(enabled, []).extend(
                time_requests(client, episode.enclosure_url, agents, args.requests // 2, headers)
            )
        off, on = results[False], results[True]
        print(
            f"{label:32} {statistics.median(off):9.3f}ms {statistics.median(on):9.3f}ms "
            f"{statistics.mean(off):8.3f}ms {statistics.mean(on):8.3f}ms "
            f"{statistics.median(on) - statistics.median(off):13.3f}ms"
        )
    direct(episode, agents, args.requests)
    from episodes.analytics.recorder import buffer

    buffer.flush()
    print(f"raw events written: {DownloadEvent.objects.filter(show_id=show.pk).count()}")


def direct(episode, agents, requests):
    """The measurement code alone, as the view and the server's close call run it: building the
    event, hashing, classifying (cached), buffering, and the batched INSERTs, amortised."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from episodes.analytics.recorder import buffer, count_response

    factory = RequestFactory()
    size = episode.audio_size
    for label, byte_range in [("whole file", None), ("range probe", (0, 1))]:
        buffer.flush()
        prepared = [
            factory.get("/", HTTP_USER_AGENT=agents[n % len(agents)], REMOTE_ADDR=f"10.1.{n % 250}.{n % 199}")
            for n in range(requests)
        ]
        started = time.perf_counter()
        for request in prepared:
            response = HttpResponse(status=206 if byte_range else 200)
            count_response(request, response, episode, byte_range, size)
            response.close()
        buffer.flush()
        elapsed = (time.perf_counter() - started) * 1000 / requests
        print(f"measurement alone, {label:12} {elapsed:.3f} ms per request (batched INSERTs included)")


if __name__ == "__main__":
    main()
