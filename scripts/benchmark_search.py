"""Time network search at 100 shows × 1,000 episodes with transcripts, on PostgreSQL.

    python scripts/benchmark_search.py [--server postgres://postgres@127.0.0.1:5432/postgres]
        [--shows 100] [--episodes 1000] [--transcript-words 400] [--repeat 15] [--keep]

Creates its own database on the server (``podcastcms_search_benchmark``), migrates it, fills it
with public shows, episodes (title, summary, show notes) and transcripts whose words follow a
Zipf distribution (a few words everywhere, most words rare, as in speech), indexes them the way
the site does (``episodes.search.index.write_vectors``) and times ``episodes.search.query.search``,
the function the search page calls, for queries of every kind. Prints the median and the 95th
percentile of each query and the median of all of them; drops the database unless ``--keep``.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "podcastcms_search_benchmark"
TOPICS = [
    "python", "pytorch", "autograd", "tensors", "packaging", "typing", "asyncio", "django", "postgres",
    "kubernetes", "pandas", "numpy", "compilers", "testing", "security", "databases", "streaming",
    "notebooks", "rust", "webassembly",
]  # fmt: skip


def vocabulary(size=20000):
    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "da", "gu", "ho", "be", "zi", "fa"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (len(w), w))


def admin_url(server, database):
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{database}"))


def recreate_database(server):
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database(server):
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


def setup_django(server):
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["DATABASE_URL"] = admin_url(server, DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill(shows, episodes_per_show, transcript_words, log):
    from django.db import connection, transaction
    from django.utils import timezone

    from episodes.models import Episode, Show
    from episodes.search.index import write_vectors
    from episodes.search.models import SearchEntry
    from people.models import Credit, Person

    words = vocabulary()
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    rng = random.Random(42)
    now = timezone.now()
    started = time.perf_counter()

    def text(count):
        return " ".join(rng.choices(words, cum_weights=cumulative, k=count))

    for s in range(shows):
        with transaction.atomic():
            show = Show.objects.create(
                title=f"{TOPICS[s % len(TOPICS)].title()} Weekly {s}",
                slug=f"bench-{s}",
                description=text(40),
                is_public=True,
                language="en-us",
                podcast_guid=uuid.uuid4(),
            )
            host = Person.objects.create(name=f"Host Person {s}", slug=f"host-{s}", bio=text(20))
            episodes = Episode.objects.bulk_create(
                Episode(
                    show=show,
                    title=f"{TOPICS[(s + n) % len(TOPICS)]} {text(5)}",
                    slug=f"episode-{n}",
                    number=n + 1,
                    summary=text(60),
                    show_notes=f"<p>{text(120)}</p>",
                    status=Episode.PUBLISHED,
                    published_at=now - timezone.timedelta(hours=n + 1),
                    guid=str(uuid.uuid4()),
                    external_audio_url=f"https://cdn.example.com/{s}/{n}.mp3",
                    duration=2400,
                )
                for n in range(episodes_per_show)
            )
            Credit.objects.bulk_create(
                Credit(episode=e, person=host, role="host", group="cast") for e in episodes
            )
            entries = []
            for episode in episodes:
                cues, spoken = [], []
                for c in range(max(transcript_words // 20, 1)):
                    line = text(20)
                    cues.append([c * 6.0, line])
                    spoken.append(line)
                entries.append(
                    SearchEntry(
                        kind=SearchEntry.EPISODE,
                        episode=episode,
                        show=show,
                        config="english",
                        title=episode.title,
                        summary=episode.summary,
                        body=episode.show_notes[3:-4],
                        transcript=" ".join(spoken),
                        cues=cues,
                    )
                )
            # The show's and the host's own entries are written by the site's signals on commit.
            created = SearchEntry.objects.bulk_create(entries, batch_size=500)
            write_vectors(entry.pk for entry in created)
        if (s + 1) % 10 == 0:
            log(
                f"  {s + 1} shows, {(s + 1) * episodes_per_show} episodes "
                f"({time.perf_counter() - started:.0f} s)"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return words


def time_queries(words, repeat, log):
    from episodes.models import Show
    from episodes.search.query import search
    from people.models import Person

    show = Show.objects.order_by("pk")[Show.objects.count() // 2]
    person = Person.objects.order_by("pk").last()
    queries = [
        ("rare word", words[8000], {}),
        ("uncommon word", words[1500], {}),
        ("two words", f"{words[300]} {words[2500]}", {}),
        ("topic in titles", "autograd", {}),
        ("phrase", f'"{words[40]} {words[41]}"', {}),
        ("person's name", "Host Person", {}),
        ("common word", words[3], {}),
        ("within a show", words[200], {"show": show}),
        ("with a person", words[200], {"person": person}),
        ("no match", "zzzzqqq", {}),
    ]
    all_times = []
    log(f"{'query':<18} {'hits':>5} {'median ms':>10} {'p95 ms':>8}")
    for label, text, filters in queries:
        search(text, **filters)  # warm the cache of this query's pages
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            hits = search(text, **filters)
            times.append((time.perf_counter() - started) * 1000)
        all_times.extend(times)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        log(f"{label:<18} {len(hits):>5} {statistics.median(times):>10.1f} {p95:>8.1f}")
    log(f"median of all queries: {statistics.median(all_times):.1f} ms")
    return statistics.median(all_times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default=os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--transcript-words", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database a --keep run left, without filling it again"
    )
    args = parser.parse_args()

    log = print
    if args.reuse:
        setup_django(args.server)
        time_queries(vocabulary(), args.repeat, log)
        return
    recreate_database(args.server)
    try:
        setup_django(args.server)
        log(
            f"Filling {args.shows} shows × {args.episodes} episodes, "
            f"{args.transcript_words}-word transcripts …"
        )
        started = time.perf_counter()
        words = fill(args.shows, args.episodes, args.transcript_words, log)
        log(f"Filled and indexed in {time.perf_counter() - started:.0f} s")
        time_queries(words, args.repeat, log)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.server)


if __name__ == "__main__":
    main()
