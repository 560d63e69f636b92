"""Download measurement at network scale on PostgreSQL: 100 shows × 1,000 episodes and
10 million raw events; times the rollup job and every dashboard page.

    createdb podcastcms_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/podcastcms_load python scripts/load_analytics_pg.py

Options: --shows 100 --episodes 1000 --events 10000000 --days 90 (and --keep to reuse the rows
of an earlier run). It refuses to run on SQLite, and on a database that has shows of its own
unless they are the ones it made. Events are generated in the database (INSERT … SELECT over
generate_series), spread evenly over the days in time order as an append-only table fills,
with downloads skewed towards each show's recent episodes. Prints the time of each step, the
rollup of one day and of all days, each dashboard page (time and queries), table and index
sizes, and the plan of the rollup's day scan.
"""

import argparse
import os
import sys
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APPS = ["Apple Podcasts", "Spotify", "Overcast", "Pocket Casts", "AntennaPod", "Podcast Addict", "Castro", ""]
OSES = ["iOS", "Android", "macOS", "Windows", ""]
DEVICES = ["mobile", "computer", "smart_speaker", "watch", ""]
PREFIX = "load-"


def setup_django():
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this (createdb podcastcms_load).")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


class Step:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        print(f"{self.label}: {self.seconds:.2f} s", flush=True)


def build(shows, episodes_per_show, events, days, start):
    from django.db import connection

    from episodes.models import Episode, Show
    from people.models import Credit, Person
    from sponsors.models import Campaign, Sponsor, SponsorRead

    with Step(f"{shows} shows × {episodes_per_show} episodes"):
        show_rows = Show.objects.bulk_create(
            [Show(title=f"Load show {n}", slug=f"{PREFIX}{n}", is_public=True) for n in range(shows)]
        )
        first_day = start - timedelta(days=episodes_per_show)
        for show in show_rows:
            Episode.objects.bulk_create(
                [
                    Episode(
                        show=show,
                        title=f"{show.title}, episode {n}",
                        slug=f"episode-{n}",
                        guid=str(uuid.uuid4()),
                        status=Episode.PUBLISHED,
                        published_at=first_day + timedelta(days=n, hours=show.pk % 24),
                        external_audio_url=f"https://cdn.example.com/{show.slug}/{n}.mp3",
                    )
                    for n in range(episodes_per_show)
                ],
                batch_size=2000,
            )
    with Step("people credited and a campaign with 300 reads"):
        people = Person.objects.bulk_create(
            [Person(name=f"Load person {n}", slug=f"{PREFIX}person-{n}") for n in range(200)]
        )
        recent = list(
            Episode.objects.filter(
                show__slug__startswith=PREFIX, published_at__gte=start - timedelta(days=60)
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Credit.objects.bulk_create(
            [
                Credit(episode_id=pk, person=people[i % len(people)], role="host")
                for i, pk in enumerate(recent)
            ],
            batch_size=5000,
        )
        sponsor = Sponsor.objects.create(name="Load sponsor", slug=f"{PREFIX}sponsor")
        campaign = Campaign.objects.create(
            sponsor=sponsor,
            name="Load campaign",
            read_copy="<p>Load</p>",
            promo_url="https://example.com/",
            starts_on=(start - timedelta(days=60)).date(),
            booked_downloads=500_000,
        )
        campaign.shows.set(show_rows)
        SponsorRead.objects.bulk_create(
            [SponsorRead(episode_id=pk, campaign=campaign) for pk in recent[::20][:300]]
        )
    first_episode = (
        Episode.objects.filter(show__slug__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)[0]
    )
    first_show = show_rows[0].pk
    with Step(f"{events:,} raw events (INSERT … SELECT generate_series)"), connection.cursor() as cursor:
        cursor.execute(
            """
                INSERT INTO episodes_downloadevent (occurred_at, episode_id, show_id, listener, agent_kind,
                    is_bot, app, device, device_category, os, referrer, referrer_app, range_start, range_end,
                    bytes_requested, bytes_needed, redirected)
                SELECT %(start)s::timestamptz + (g::float8 / %(events)s) * (%(days)s * interval '1 day'),
                       %(first_episode)s + e.offset_in_network,
                       %(first_show)s + e.offset_in_network / %(per_show)s,
                       substr(md5((g %% 2000003)::text || '/' || (g %% 7)::text), 1, 32),
                       CASE WHEN g %% 50 = 0 THEN 'bot' ELSE 'app' END,
                       g %% 50 = 0,
                       (%(apps)s::text[])[1 + (g %% 8)],
                       '',
                       (%(devices)s::text[])[1 + (g %% 5)],
                       (%(oses)s::text[])[1 + (g %% 5)],
                       '', '',
                       CASE WHEN g %% 9 = 0 THEN 0 END, CASE WHEN g %% 9 = 0 THEN 1 END,
                       CASE WHEN g %% 9 = 0 THEN 2 ELSE 30000000 END,
                       960000,
                       false
                FROM generate_series(1, %(events)s) AS g,
                LATERAL (
                    SELECT (floor(random() * %(shows)s)::int * %(per_show)s
                           + (%(per_show)s - 1 - floor(%(per_show)s * power(random(), 6))::int))
                           AS offset_in_network
                    WHERE g > 0
                ) AS e
                """,
            {
                "start": start,
                "events": events,
                "days": days,
                "first_episode": first_episode,
                "first_show": first_show,
                "per_show": episodes_per_show,
                "shows": shows,
                "apps": APPS,
                "devices": DEVICES,
                "oses": OSES,
            },
        )
    with Step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # every table: a fresh bulk load has no statistics yet
    return campaign


def measure_pages(campaign, start, days):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from episodes.models import Episode, Show

    user, _ = get_user_model().objects.get_or_create(
        username=f"{PREFIX}admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    from episodes.api.models import ApiToken

    _token, key = ApiToken.create_for(user, "load test", all_shows=True)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    end = (start + timedelta(days=days - 1)).date()
    show = Show.objects.filter(slug__startswith=PREFIX).order_by("pk").first()
    episode = Episode.objects.filter(show=show).order_by("-published_at").first()
    last30 = f"?start={end - timedelta(days=29)}&end={end}"
    all_days = f"?start={start.date()}&end={end}"
    pages = [
        ("network dashboard, 30 days", reverse("admin:analytics_network") + last30),
        (f"network dashboard, {days} days", reverse("admin:analytics_network") + all_days),
        ("network CSV of top episodes", reverse("admin:analytics_network") + all_days + "&csv=top-episodes"),
        ("show page, 30 days", reverse("admin:analytics_show", args=[show.pk]) + last30),
        (
            "show CSV of all 1,000 episodes",
            reverse("admin:analytics_show", args=[show.pk]) + all_days + "&csv=episodes",
        ),
        ("episode page, 90 days", reverse("admin:analytics_episode", args=[episode.pk]) + all_days),
        ("campaign report (300 reads)", reverse("admin:sponsors_campaign_report", args=[campaign.pk])),
        ("API: show figures, 30 days", reverse("api:show-downloads", args=[show.slug]) + last30),
        ("API: episode figures, 90 days", reverse("api:episode-downloads", args=[episode.pk]) + all_days),
        ("API: campaign report", reverse("api:campaign-report", args=[campaign.pk])),
    ]
    print(f"{'page':36} {'first':>9} {'median of 5':>12} {'queries':>8}")
    for label, url in pages:
        times = []
        for _ in range(6):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = (api if url.startswith("/api/") else client).get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        later = sorted(times[1:])
        print(f"{label:36} {times[0]:7.0f}ms {later[2]:10.0f}ms {len(queries):8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--keep", action="store_true", help="Reuse the rows of an earlier run.")
    parser.add_argument(
        "--rollup-days", type=int, default=None, help="Roll up only the last N days (default: every day)."
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from episodes.analytics import rollup
    from episodes.analytics.models import DownloadEvent
    from episodes.models import Show
    from sponsors.models import Campaign

    today = timezone.now().astimezone(UTC).date()
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=args.days - 1)
    if Show.objects.exclude(slug__startswith=PREFIX).exists():
        sys.exit("This database has shows of its own; use a database made for the load test.")
    if args.keep and Show.objects.filter(slug__startswith=PREFIX).exists():
        campaign = Campaign.objects.get(sponsor__slug=f"{PREFIX}sponsor")
        first = DownloadEvent.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE episodes_downloadevent, episodes_episodeday, episodes_episodetotal, "
                "episodes_episodewindow, "
                "episodes_rollingwindow, "
                "episodes_breakdown, episodes_showbreakdown, episodes_rolluprun, sponsors_sponsorread, "
                "people_credit, "
                "sponsors_campaign_shows, sponsors_campaign, sponsors_sponsor, episodes_episode, "
                "people_person, episodes_show CASCADE"
            )
        campaign = build(args.shows, args.episodes, args.events, args.days, start)
    print(f"raw events: {DownloadEvent.objects.count():,}")
    one_day = (start + timedelta(days=args.days // 2)).date()
    with Step(f"rollup of one day ({one_day})") as step:
        run = rollup.rollup_day(one_day)
    print(
        f"  {run.events_read:,} events read, {run.downloads:,} downloads, "
        f"{run.events_read / step.seconds:,.0f} events/s"
    )
    with Step("the same day again (recompute)"):
        again = rollup.rollup_day(one_day)
    print(f"  identical: {again.checksum == run.checksum}")
    rollup_days = min(args.rollup_days or args.days, args.days)
    with Step(f"rollup of the last {rollup_days} of {args.days} days") as step:
        for offset in range(args.days - rollup_days, args.days):
            rollup.rollup_day((start + timedelta(days=offset)).date())
    print(f"  {step.seconds / rollup_days:.1f} s per day")
    with Step("verify the totals and rolling windows against the daily rows"):
        same = rollup.verify_totals()[0], rollup.verify_windows()[0]
    print(f"  identical: totals {same[0]}, windows {same[1]}")
    with (
        Step("VACUUM ANALYZE of the rollup tables (autovacuum's work on a live database)"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "VACUUM ANALYZE episodes_episodeday, episodes_episodetotal, episodes_episodewindow, "
            "episodes_breakdown, episodes_showbreakdown"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM episodes_downloadevent WHERE occurred_at >= %s AND occurred_at < %s",
            [start + timedelta(days=3), start + timedelta(days=4)],
        )
        print("plan of the rollup's day scan:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))
        for table in [
            "episodes_downloadevent",
            "episodes_episodeday",
            "episodes_episodetotal",
            "episodes_episodewindow",
            "episodes_breakdown",
            "episodes_showbreakdown",
        ]:
            cursor.execute(
                "SELECT pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s)), "
                "(SELECT reltuples::bigint FROM pg_class WHERE relname = %s)",
                [table, table, table],
            )
            size, indexes, rows = cursor.fetchone()
            print(f"{table:26} {rows:>12,} rows  table {size:>8}  indexes {indexes:>8}")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('downloadevent_time_brin'))")
        print(f"BRIN index on occurred_at: {cursor.fetchone()[0]}")
    measure_pages(campaign, start, args.days)


if __name__ == "__main__":
    main()
