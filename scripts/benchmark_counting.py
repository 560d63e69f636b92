"""What counting adds to an enclosure request: the hot path, measured.

    python scripts/benchmark_counting.py [--requests 2000] [--agents 200] [--ranges 20000]

Uses a throwaway SQLite file database (unless DATABASE_URL is set) and a real episode with a
real MP3. Times the enclosure view through the whole request stack (Django's test client,
middleware, the response closed as a server would close it) with measurement switched off and
on, for whole-file GETs and for two-byte range probes, with ``--agents`` distinct user agents
(classified once each, then cached) and ``--ranges`` data-centre ranges (IPv4 and IPv6) to
check each address against. Three ways of storing the event are compared:

- ``journal``: one line appended to the process's journal file (the default), loaded later;
- ``batched INSERT``: no journal, the process's buffer written every 200 events;
- ``INSERT per request``: no journal, one INSERT and commit per request.

Prints medians and means per request and the difference: what measurement costs. Then the
loader's rate (journal lines into the events table).
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


MODES = [
    ("journal", {"journal": True, "batch": 200}),
    ("batched INSERT", {"journal": False, "batch": 200}),
    ("INSERT per request", {"journal": False, "batch": 1}),
]


def datacenter_ranges(path, count):
    """``count`` disjoint networks, half IPv4 /24s and half IPv6 /48s, in a shuffled file."""
    import random

    rng = random.Random(7)
    lines = [f"{10 + n // 65536 % 200}.{n // 256 % 256}.{n % 256}.0/24" for n in range(0, count, 2)]
    lines += [f"2001:db8:{n:x}::/48" for n in range(1, count, 2)]
    rng.shuffle(lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def configure(settings, mode, journal_dir):
    from episodes.analytics import journal

    journal.writer.close()
    settings.PODCASTCMS_ANALYTICS_JOURNAL = str(journal_dir) if mode["journal"] else ""
    settings.PODCASTCMS_ANALYTICS_BATCH = mode["batch"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--ranges", type=int, default=20_000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from episodes.analytics import journal
    from episodes.analytics.datacenters import get_ranges
    from episodes.analytics.models import DownloadEvent
    from episodes.analytics.recorder import buffer
    from episodes.audio import tone_mp3
    from episodes.models import Episode, Show

    workdir = Path(tempfile.mkdtemp(prefix="counting-journal-"))
    journal_dir = workdir / "journal"
    settings.PODCASTCMS_DATACENTER_RANGES = str(datacenter_ranges(workdir / "ranges.txt", args.ranges))
    show = Show.objects.create(title="Benchmark", slug=f"counting-benchmark-{os.getpid()}", is_public=True)
    episode = Episode(
        show=show, title="Benchmark", slug="benchmark", status=Episode.PUBLISHED, published_at=timezone.now()
    )
    episode.audio.save("benchmark.mp3", ContentFile(tone_mp3(60)), save=False)
    episode.save()
    agents = user_agents(args.agents)
    client = Client()
    print(
        f"{connection.vendor}, {args.requests} requests per case, {len(set(agents))} user agents, "
        f"{sum(get_ranges().info['ranges'].values())} data-centre ranges"
    )
    print(f"{'case':44} {'off median':>10} {'on median':>10} {'off mean':>9} {'on mean':>9} {'added':>9}")
    for mode_label, mode in MODES:
        configure(settings, mode, journal_dir)
        for label, headers in [
            ("whole file (1 MB MP3)", {}),
            ("range probe bytes=0-1", {"Range": "bytes=0-1"}),
        ]:
            results = {}
            for enabled in (False, True, False, True):  # interleaved, so warm-up favours neither
                settings.PODCASTCMS_ANALYTICS_ENABLED = enabled
                results.setdefault(enabled, []).extend(
                    time_requests(client, episode.enclosure_url, agents, args.requests // 2, headers)
                )
            off, on = results[False], results[True]
            case = f"{mode_label}, {label}"
            print(
                f"{case:44} {statistics.median(off):9.3f}ms {statistics.median(on):9.3f}ms "
                f"{statistics.mean(off):8.3f}ms {statistics.mean(on):8.3f}ms "
                f"{statistics.median(on) - statistics.median(off):13.3f}ms"
            )
        buffer.flush()
    for mode_label, mode in MODES:
        configure(settings, mode, journal_dir)
        direct(episode, agents, args.requests, mode_label)
    journal.writer.close()
    started = time.perf_counter()
    loaded = journal.load(journal_dir)
    elapsed = time.perf_counter() - started
    print(
        f"loader: {loaded['events']} journal lines into the events table in {elapsed:.2f} s "
        f"({loaded['events'] / elapsed:.0f} lines/s), {loaded['files']} files deleted"
    )
    print(f"raw events written: {DownloadEvent.objects.filter(show_id=show.pk).count()}")


def direct(episode, agents, requests, mode_label):
    """The measurement code alone, as the view and the server's close call run it: building the
    event, checking the data-centre ranges, hashing, classifying (cached), then storing it."""
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
        print(f"measurement alone, {mode_label + ', ' + label:34} {elapsed:.3f} ms per request")


if __name__ == "__main__":
    main()
