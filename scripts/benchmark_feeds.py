"""Time the show feed at 10, 100, 1,000 and 10,000 episodes.

    python scripts/benchmark_feeds.py [--sizes 10,100,1000,10000] [--repeat 3]

Uses a throwaway SQLite database unless DATABASE_URL is set (then it creates and drops the
benchmark's own shows there, leaving other rows alone). Prints, for each size: the full render
(the feed due, as after an edit) time and query count, the stored response time, the 304 time and
query count, the feed's size raw and gzipped, and the peak memory Python allocates while one full
render and its response run (tracemalloc). Times are medians over the repeats, through the whole
request stack (Django's test client, middleware included).
"""

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    # WhiteNoise warns about static files the benchmark never collects.
    warnings.filterwarnings("ignore", message="No directory at")
    workdir = tempfile.mkdtemp(prefix="feed-benchmark-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/benchmark.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_show(size, tag):
    from django.utils import timezone

    from episodes.models import Episode, Show
    from people.models import Credit, Person, ShowHost
    from podcastcms.sanitize import sanitize_html
    from sponsors.models import Campaign, Sponsor, SponsorRead

    show = Show.objects.create(
        title=f"Benchmark show of {size} episodes",
        slug=f"benchmark-{tag}-{size}",
        description="A show made by the feed benchmark.",
        is_public=True,
        author="Benchmark Author",
        owner_name="Benchmark Owner",
        owner_email="owner@example.com",
    )
    host = Person.objects.create(name=f"Host {tag}-{size}", slug=f"host-{tag}-{size}")
    guest = Person.objects.create(
        name=f"Guest {tag}-{size}", slug=f"guest-{tag}-{size}", website="https://guest.example.com"
    )
    ShowHost.objects.create(show=show, person=host, role="host")
    sponsor = Sponsor.objects.create(name=f"Sponsor {tag}-{size}", slug=f"sponsor-{tag}-{size}")
    campaign = Campaign.objects.create(
        sponsor=sponsor,
        name="Benchmark campaign",
        read_copy="<p>Try the sponsor's product.</p>",
        promo_url="https://sponsor.example.com/promo",
        starts_on=timezone.now().date(),
    )
    campaign.shows.add(show)
    now = timezone.now()
    notes = sanitize_html(
        "<p>In this episode we talk about <strong>feeds</strong>, caching and "
        '<a href="https://example.com/reading">further reading</a>.</p>'
        "<ul><li>First topic</li><li>Second topic</li><li>Third topic</li></ul>"
    )
    episodes = [
        Episode(
            show=show,
            title=f"A conversation about topic {n}",
            slug=f"topic-{n}",
            number=n,
            season=1 + n // 100,
            summary=f"We talk about topic {n} with our guest.",
            show_notes=notes,
            external_audio_url=f"https://cdn.example.com/{tag}/{size}/{n}.mp3",
            audio_size=30_000_000 + n,
            audio_mime_type="audio/mpeg",
            duration=2_700 + n,
            guid=str(uuid.uuid4()),
            status=Episode.PUBLISHED,
            published_at=now - timedelta(hours=size - n + 1),
        )
        for n in range(1, size + 1)
    ]
    Episode.objects.bulk_create(episodes, batch_size=1000)
    episodes = list(Episode.objects.filter(show=show).only("pk"))
    Credit.objects.bulk_create(
        [Credit(episode=e, person=host, role="host", group="cast") for e in episodes]
        + [Credit(episode=e, person=guest, role="guest", group="cast", order=1) for e in episodes],
        batch_size=1000,
    )
    SponsorRead.objects.bulk_create(
        [SponsorRead(episode=e, campaign=campaign, copy=campaign.read_copy) for e in episodes],
        batch_size=1000,
    )
    # bulk_create sends no signals: record the change as an edit in the admin would.
    from django.db.models import Q

    from episodes.feeds.caching import touch_shows

    touch_shows(Q(pk=show.pk))
    return show


def make_due(show):
    """Make the next request render the feed in full (an edit whose render has not run)."""
    from django.core.cache import cache
    from django.db.models import F

    try:
        from episodes.feeds.models import StoredFeed
    except ImportError:  # before the feed store: the cached body was keyed by ETag
        cache.clear()
        from episodes.models import Show

        Show.objects.filter(pk=show.pk).update(
            content_changed_at=F("content_changed_at") + timedelta(seconds=1)
        )
        return
    StoredFeed.objects.filter(show=show).update(generation=F("generation") + 1)


def median_ms(samples):
    return statistics.median(samples) * 1000


def measure(client, show, repeat):
    import tracemalloc

    url = show.get_feed_url()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    full_times, full_queries = [], []
    for _ in range(repeat):
        make_due(show)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            full_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        full_queries.append(len(queries))
    body = response.getvalue()
    # Peak memory allocated by Python while one full render and response run (tracemalloc).
    make_due(show)
    tracemalloc.start()
    peak_response = client.get(url)
    peak_response.getvalue()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    etag = peak_response.headers["ETag"]
    del peak_response

    cached_times = []
    for _ in range(max(repeat, 20)):
        started = time.perf_counter()
        response = client.get(url)
        cached_times.append(time.perf_counter() - started)
        assert response.status_code == 200

    not_modified_times = []
    for _ in range(200):
        started = time.perf_counter()
        response = client.get(url, headers={"If-None-Match": etag})
        not_modified_times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    return {
        "full_ms": median_ms(full_times),
        "full_queries": max(full_queries),
        "peak_mib": peak / 2**20,
        "cached_ms": median_ms(cached_times),
        "not_modified_ms": median_ms(not_modified_times),
        "not_modified_queries": len(queries),
        "raw_bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, compresslevel=6, mtime=0)),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    setup_django()
    from django.test import Client

    from episodes.models import Episode
    from people.models import Person
    from sponsors.models import Sponsor

    tag = uuid.uuid4().hex[:6]
    client = Client()
    rows = []
    shows = []
    try:
        for size in sizes:
            started = time.perf_counter()
            show = build_show(size, tag)
            shows.append(show)
            built = time.perf_counter() - started
            print(f"built {size} episodes in {built:.1f} s", file=sys.stderr)
            rows.append((size, measure(client, show, args.repeat)))
    finally:
        for show in shows:
            Episode.objects.filter(show=show).delete()
            campaigns = list(show.campaigns.all())
            show.delete()
            for campaign in campaigns:
                campaign.delete()
        Person.objects.filter(slug__contains=f"-{tag}-").delete()
        Sponsor.objects.filter(slug__contains=f"-{tag}-").delete()

    header = (
        f"{'episodes':>8} | {'full render':>11} | {'queries':>7} | {'cached':>8} | "
        f"{'304':>8} | {'304 q':>5} | {'raw size':>10} | {'gzip size':>10} | {'render peak':>11}"
    )
    print(header)
    print("-" * len(header))
    for size, row in rows:
        print(
            f"{size:>8} | {row['full_ms']:>8.1f} ms | {row['full_queries']:>7} | "
            f"{row['cached_ms']:>5.2f} ms | {row['not_modified_ms']:>5.2f} ms | "
            f"{row['not_modified_queries']:>5} | {row['raw_bytes']:>10,} | {row['gzip_bytes']:>10,} | "
            f"{row['peak_mib']:>7.1f} MiB"
        )


if __name__ == "__main__":
    main()
