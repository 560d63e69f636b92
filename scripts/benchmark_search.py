"""Time network search at 100 shows × 1,000 episodes with transcripts, on PostgreSQL.

    python scripts/benchmark_search.py [--server postgres://postgres@127.0.0.1:5432/postgres]
        [--shows 100] [--episodes 1000] [--long-episodes 100] [--transcript-words 6000]
        [--short-transcript-words 400] [--repeat 5] [--database search_bench]
        [--keep | --fill-only | --reuse]

Creates its own database on the server (``search_bench`` unless ``--database``), migrates it and
fills it with public shows, episodes (title, summary, show notes), hosts credited on every episode
of their show, guests on a few, and transcripts: the ``--long-episodes`` most recent episodes of
every show have a transcript of ``--transcript-words`` words (about a 40-minute conversation), the
others a shorter one. The words follow a Zipf distribution over an English vocabulary made here
without any download: the most frequent words of spoken English (stop words included), then words
built from English stems and endings, so the English configuration stems and drops them as it would
real speech. Everything is indexed the way the site indexes it (``episodes.search.index``: entries,
transcript segments, vectors), then ``episodes.search.query.search`` — the function the search page
calls — is timed for several queries of every kind. Prints the median, p90, p99 and maximum of each
kind and of all queries, and the size of the database; drops the database unless ``--keep``
(``--fill-only`` fills and keeps it, ``--reuse`` times a kept one without filling it).
"""

import argparse
import itertools
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
DATABASE = "search_bench"
TOPICS = [
    "python", "pytorch", "autograd", "tensors", "packaging", "typing", "asyncio", "django", "postgres",
    "kubernetes", "pandas", "numpy", "compilers", "testing", "security", "databases", "streaming",
    "notebooks", "rust", "webassembly",
]  # fmt: skip
# The most frequent words of spoken English, most frequent first.
COMMON_WORDS = """
the i you and a to it that of is in we know like so yeah was they it's but this on just what be
have with for not do think there all or are if about people can right get one going there's don't
really at he as an my mean me would that's go out then up when time no were because I'm lot some
how well thing more things them kind work from been by had want which something very say actually
good she now see even your our because much way other could years also different those make
little into their data need where something okay sort doing sure these project back said only
first use new many code why point able problem using any who question most part he's bit over
two year great through getting being interesting come take pretty end world probably talk give
feel already never always still same find look help same long software around maybe team
lot python people build system open source language started course users together trying
"""
STEM_WORDS = """
comput librar packag model learn train test deploy stream queue schedul render optimiz compil
interpret pars serializ encrypt authent cach index shard replic migrat monitor profil debug
benchmark contain orchestr virtualiz configur integr document translat visualiz simulat predict
classif cluster regress estimat sampl infer measur captur process transform aggreg normaliz
partition vector tensor gradient matrix kernel network protocol request respons session
transact databas storag memor thread async concurr parallel distribut resili observ telemetr
secur privac licens govern communit maintain contribut review releas version upgrad pipelin
"""
ENDINGS = ["", "s", "ed", "ing", "er", "ers", "ation", "ations", "ive", "ity", "able", "ment", "al", "ally"]
PREFIXES = ["", "re", "un", "pre", "over", "under", "co", "auto", "multi", "micro", "meta", "hyper", "de"]
PREFIXES += ["inter", "sub", "non", "post", "trans"]


def vocabulary(size=20000):
    """COMMON, then prefix + stem + ending words in a fixed shuffled order, ``size`` words in all."""
    made = [p + s + e for p, s, e in itertools.product(PREFIXES, STEM_WORDS.split(), ENDINGS)]
    random.Random(7).shuffle(made)
    words = list(dict.fromkeys(COMMON_WORDS.split() + made))
    return words[:size]


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


def setup_django(server, migrate=True):
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["DATABASE_URL"] = admin_url(server, DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


class Words:
    def __init__(self, seed=42):
        self.words = vocabulary()
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))
        self.rng = random.Random(seed)

    def text(self, count):
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))

    def cues(self, count):
        """[[start, text], …]: cues of 8 to 24 words, at 2.5 words a second."""
        cues, said = [], 0
        while said < count:
            length = min(self.rng.randint(8, 24), count - said)
            cues.append([round(said / 2.5, 1), self.text(length)])
            said += length
        return cues


def fill(args, log):
    from django.db import connection, transaction
    from django.utils import timezone

    from episodes.models import Episode, Show
    from episodes.search.index import config_for_language, stretches, write_vectors
    from episodes.search.models import SearchEntry, SearchSegment
    from people.models import Credit, Person

    words = Words()
    now = timezone.now()
    started = time.perf_counter()
    for s in range(args.shows):
        with transaction.atomic():
            # The show's and the people's own entries are written by the site's signals on commit.
            show = Show.objects.create(
                title=f"{TOPICS[s % len(TOPICS)].title()} Weekly {s}",
                slug=f"bench-{s}",
                description=words.text(40),
                is_public=True,
                language="en-us",
                podcast_guid=uuid.uuid4(),
            )
            host = Person.objects.create(name=f"Host Person {s}", slug=f"host-{s}", bio=words.text(20))
            guests = [
                Person.objects.create(name=f"Guest Person {s}-{g}", slug=f"guest-{s}-{g}", bio=words.text(20))
                for g in range(10)
            ]
            episodes = Episode.objects.bulk_create(
                Episode(
                    show=show,
                    title=f"{TOPICS[(s + n) % len(TOPICS)]} {words.text(5)}",
                    slug=f"episode-{n}",
                    number=n + 1,
                    summary=words.text(60),
                    show_notes=f"<p>{words.text(120)}</p>",
                    status=Episode.PUBLISHED,
                    published_at=now - timezone.timedelta(hours=n + 1),
                    guid=str(uuid.uuid4()),
                    external_audio_url=f"https://cdn.example.com/{s}/{n}.mp3",
                    duration=2400,
                )
                for n in range(args.episodes)
            )
            Credit.objects.bulk_create(
                [Credit(episode=e, person=host, role="host", group="cast") for e in episodes]
                + [
                    Credit(episode=e, person=guests[(n // 20) % 10], role="guest", group="cast")
                    for n, e in enumerate(episodes)
                    if n % 20 == 0
                ]
            )
            entries, transcripts = [], []
            for n, episode in enumerate(episodes):
                # Episodes are made newest first: the first ones of the show have long transcripts.
                cues = words.cues(
                    args.transcript_words if n < args.long_episodes else args.short_transcript_words
                )
                transcripts.append(cues)
                entries.append(
                    SearchEntry(
                        kind=SearchEntry.EPISODE,
                        episode=episode,
                        show=show,
                        config=config_for_language(show.language),
                        title=episode.title,
                        summary=episode.summary,
                        body=episode.show_notes[3:-4],
                        transcript=" ".join(text for _, text in cues),
                    )
                )
            created = SearchEntry.objects.bulk_create(entries, batch_size=200)
            SearchSegment.objects.bulk_create(
                (
                    SearchSegment(entry=entry, show=show, position=position, start=start, cues=segment)
                    for entry, cues in zip(created, transcripts, strict=True)
                    for position, (start, segment) in enumerate(stretches(cues))
                ),
                batch_size=2000,
            )
            write_vectors(entry.pk for entry in created)
        if (s + 1) % 5 == 0:
            log(
                f"  {s + 1} shows, {(s + 1) * args.episodes} episodes ({time.perf_counter() - started:.0f} s)"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def database_sizes(log):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        log(f"database size: {cursor.fetchone()[0]}")
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('episodes_searchentry', 'episodes_searchsegment') ORDER BY relname"
        )
        for name, size in cursor.fetchall():
            log(f"  {name} with its indexes and TOAST: {size}")
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE length(transcript) > 10000), "
            "(SELECT count(*) FROM episodes_searchsegment), "
            "round(avg(length(transcript) - length(replace(transcript, ' ', '')) + 1)) "
            "FROM episodes_searchentry WHERE kind = 'episode'"
        )
        episodes, long, segments, words = cursor.fetchone()
        log(
            f"  {episodes} episode entries, {long} with long transcripts, {segments} transcript segments, "
            f"{words} transcript words on average"
        )


def queries():
    """(kind, text, filters) of every kind of query a listener asks."""
    from episodes.models import Show
    from people.models import Person

    words = vocabulary()
    shows = list(Show.objects.order_by("pk"))
    show = shows[len(shows) // 2]
    host = Person.objects.get(slug=f"host-{len(shows) // 3}")
    guest = Person.objects.get(slug=f"guest-{len(shows) // 4}-3")
    common = [w for w in ("think", "people", "really", "know", "time", "work") if w in words]
    return [
        *(("rare word", words[n], {}) for n in (9000, 12000, 15000, 18000)),
        *(("uncommon word", words[n], {}) for n in (800, 1500, 2500)),
        *(("common word", word, {}) for word in common[:4]),
        *(("two words", f"{words[a]} {words[b]}", {}) for a, b in ((300, 2500), (150, 700), (60, 5000))),
        ('"common phrase"', '"really think"', {}),
        ('"common phrase"', '"people know"', {}),
        ('"common phrase"', '"good project"', {}),
        ('"rare phrase"', f'"{words[1000]} {words[1001]}"', {}),
        ('"rare phrase"', f'"{words[400]} {words[3000]}"', {}),
        ("topic in titles", "autograd", {}),
        ("topic in titles", "kubernetes", {}),
        ("person's name", "Host Person", {}),
        ("person's name", "Guest", {}),
        *(("within a show", w, {"show": show}) for w in (words[200], "think", words[9000])),
        *(("host's episodes", w, {"person": host}) for w in (words[200], "think", words[9000])),
        *(("guest's episodes", w, {"person": guest}) for w in (words[200], "think", words[9000])),
        ("transcript line", f"{words[2000]} {words[2001]}", {}),
        ("transcript line", f"{words[700]} {words[900]} {words[1100]}", {}),
        ("no match", "zzzzqqq", {}),
    ]


def time_queries(repeat, log):
    from episodes.search.query import search

    times, kinds = [], {}
    for kind, text, filters in queries():
        hits = search(text, **filters)  # warm the cache of this query's pages
        for _ in range(repeat):
            started = time.perf_counter()
            search(text, **filters)
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            kinds.setdefault(kind, {"times": [], "hits": [], "seconds": 0})["times"].append(elapsed)
        kinds[kind]["hits"].append(len(hits))
        kinds[kind]["seconds"] += sum(1 for hit in hits if hit.transcript_second is not None)
    log(
        f"{'kind of query':<18} {'n':>3} {'hits':>11} {'at a second':>11} "
        f"{'median':>8} {'p90':>8} {'p99':>8} {'max':>8}  (ms)"
    )
    for kind, found in [*kinds.items(), ("all", {"times": times, "hits": [], "seconds": 0})]:
        spread = found["times"]
        hits = "/".join(str(h) for h in found["hits"])
        log(
            f"{kind:<18} {len(spread):>3} {hits:>11} {found['seconds']:>11} "
            f"{statistics.median(spread):>8.1f} {percentile(spread, 0.9):>8.1f} "
            f"{percentile(spread, 0.99):>8.1f} {max(spread):>8.1f}"
        )
    return statistics.median(times)


def main():
    global DATABASE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default=os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--database", default=DATABASE, help="name of the database to create (or --reuse)")
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument(
        "--long-episodes", type=int, default=100, help="most recent episodes per show with long transcripts"
    )
    parser.add_argument("--transcript-words", type=int, default=6000)
    parser.add_argument("--short-transcript-words", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--fill-only", action="store_true", help="fill and keep the database, time nothing")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database a --keep run left, without filling it again"
    )
    args = parser.parse_args()
    DATABASE = args.database

    log = print
    if args.reuse:
        setup_django(args.server, migrate=False)
        database_sizes(log)
        time_queries(args.repeat, log)
        return
    recreate_database(args.server)
    try:
        setup_django(args.server)
        log(
            f"Filling {args.shows} shows × {args.episodes} episodes; the {args.long_episodes} most recent of "
            f"each with {args.transcript_words}-word transcripts, the others {args.short_transcript_words} …"
        )
        started = time.perf_counter()
        fill(args, log)
        log(f"Filled and indexed in {time.perf_counter() - started:.0f} s")
        database_sizes(log)
        if not args.fill_only:
            time_queries(args.repeat, log)
    finally:
        if not (args.keep or args.fill_only):
            from django.db import connections

            connections.close_all()
            drop_database(args.server)


if __name__ == "__main__":
    main()
