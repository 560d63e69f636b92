"""Time importing a generated feed of 10,000 items (or --items N), with live progress.

    python scripts/benchmark_import_feed.py [--items 10000] [--pages 1]

Writes the feed (every item with a description, show notes, a transcript, a guest, a funding
link, Podlove chapters and an alternate enclosure) to a temporary folder, imports it into a
throwaway SQLite database (unless DATABASE_URL is set) through ``import_source`` as the command
and the admin do, printing progress every 1,000 items, then imports it again (nothing changes).
With --pages N the items are split over N RFC 5005 pages served from 127.0.0.1. Prints the wall
time the CPU time and the peak memory (resident set size) of each run, and the machine's load.
"""

import argparse
import functools
import http.server
import os
import resource
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NS = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:psc="http://podlove.org/simple-chapters" xmlns:atom="http://www.w3.org/2005/Atom"'
)


def item(n):
    return (
        f'<item><title>Episode {n}: on feeds</title><guid isPermaLink="false">bench-{n}</guid>'
        f"<pubDate>Mon, 01 Jan 2024 10:{n % 60:02d}:00 +0000</pubDate>"
        f'<enclosure url="https://cdn.example.com/bench/{n}.mp3" length="{10_000_000 + n}" '
        'type="audio/mpeg"/>'
        f"<itunes:duration>{1800 + n % 600}</itunes:duration><itunes:episode>{n}</itunes:episode>"
        f"<description>Summary of episode {n}, with a few sentences of text.</description>"
        f"<content:encoded><![CDATA[<p>Notes for <b>episode {n}</b> and "
        f'<a href="https://example.com/{n}">a link</a>.</p><ul><li>One</li><li>Two</li></ul>]]>'
        "</content:encoded>"
        f'<podcast:transcript url="https://cdn.example.com/bench/{n}.vtt" type="text/vtt"/>'
        f'<podcast:person role="guest">Guest {n % 50}</podcast:person>'
        f'<podcast:funding url="https://example.com/tip/{n}">Tip</podcast:funding>'
        '<psc:chapters version="1.2"><psc:chapter start="0" title="Intro"/>'
        '<psc:chapter start="00:05:00" title="Main"/></psc:chapters>'
        '<podcast:alternateEnclosure type="audio/opus" length="5000000">'
        f'<podcast:source uri="https://cdn.example.com/bench/{n}.opus"/></podcast:alternateEnclosure>'
        "</item>"
    )


def write_pages(folder, items, pages, base):
    per_page = -(-items // pages)
    for page in range(1, pages + 1):
        links = f'<atom:link rel="self" href="{base}/page1.xml"/>'
        if page < pages:
            links += f'<atom:link rel="next" href="{base}/page{page + 1}.xml"/>'
        body = "".join(item(n) for n in range((page - 1) * per_page + 1, min(items, page * per_page) + 1))
        (folder / f"page{page}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {NS}><channel>'
            "<title>Benchmark import</title><link>https://old.example.com/</link>"
            "<description>A generated feed.</description><language>en</language>"
            '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>'
            '<podcast:person role="host">Bench Host</podcast:person>'
            f"{links}{body}</channel></rss>",
            encoding="utf-8",
        )
    return folder / "page1.xml"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=1)
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message="No directory at")
    workdir = Path(tempfile.mkdtemp(prefix="import-benchmark-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/benchmark.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from episodes.imports.paging import import_source
    from episodes.models import Episode, Show

    call_command("migrate", verbosity=0, interactive=False)
    feeds = workdir / "feeds"
    feeds.mkdir()
    server = None
    if args.pages > 1:

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(feeds))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        source = f"{base}/page1.xml"
        write_pages(feeds, args.items, args.pages, base)
    else:
        source = str(write_pages(feeds, args.items, 1, "https://old.example.com"))
    size = sum(path.stat().st_size for path in feeds.iterdir())
    print(f"Feed: {args.items} items in {args.pages} page(s), {size / 1e6:.1f} MB")

    def progress(index, total, outcome, title):
        if index % 1000 == 0 or index == total:
            print(
                f"  [{index}/{total}] {outcome}: {title}  ({time.perf_counter() - started:.1f} s)", flush=True
            )

    def on_page(page):
        print(f"  {page}", flush=True)

    try:
        for label in ("first import", "re-import (unchanged)"):
            print(f"{label}:")
            started, cpu = time.perf_counter(), time.process_time()
            result = import_source(source, progress=progress, on_page=on_page)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"  {result.summary()}")
            # CPU time is this process's own: on a shared machine the wall time also counts waiting.
            load = os.getloadavg()[0]
            print(
                f"  {label}: {elapsed:.1f} s wall, {cpu:.1f} s CPU, peak memory {peak_mb():.0f} MB "
                f"(load average {load:.1f} on {os.cpu_count()} cores)"
            )
        show = Show.objects.get()
        assert Episode.objects.filter(show=show).count() == args.items
    finally:
        if server:
            server.shutdown()


if __name__ == "__main__":
    main()
