"""The daily rollup: from one day's raw events to the figures every page and report shows.

``rollup_day(day)`` is deterministic: it reads only that day's raw events (and the episodes'
publication days), applies ``episodes.analytics.counting``, replaces the day's rollup rows in
one transaction and records a ``RollupRun`` with a checksum of the rows. Running it again for
a past day gives the identical rows and checksum; ``verify_day`` recomputes without writing.
Idempotent, so a periodic task may run it for "yesterday and today" as often as it likes.
"""

import hashlib
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, connections, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import counting
from .models import (
    Breakdown,
    DownloadEvent,
    EpisodeDay,
    EpisodeTotal,
    EpisodeWindow,
    RollingWindow,
    RollupRun,
    ShowBreakdown,
)
from .sql import insert_rows, load_rows

UNKNOWN = "Unknown"


def day_bounds(day):
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def compute_day(day):
    """(episode rows, breakdown rows, show rows, events read) for ``day``, writing nothing.

    Rows are plain tuples, sorted: (episode_id, show_id, age_days, downloads),
    (episode_id, show_id, dimension, value, downloads) and (show_id, dimension, value, downloads).
    The database counts (``counting.download_counts``): a few rows per episode come back, never
    one per event or listener. Episodes deleted since are left out; their raw events stay.
    """
    start, end = day_bounds(day)
    events = DownloadEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    events_read = events.count()
    sql, params = counting.download_counts(events)
    downloads = Counter()
    split = Counter()
    show_split = Counter()
    episodes = {}
    with connections[events.db].cursor() as cursor:
        cursor.execute(sql, params)
        for episode_id, show_id, published_at, app, device, os, count in cursor.fetchall():
            episodes[episode_id] = (show_id, published_at)
            downloads[episode_id] += count
            for dimension, value in ((Breakdown.APP, app), (Breakdown.DEVICE, device), (Breakdown.OS, os)):
                value = (value or UNKNOWN)[:80]
                split[(episode_id, show_id, dimension, value)] += count
                show_split[(show_id, dimension, value)] += count
    episode_rows = []
    for episode_id, count in downloads.items():
        show_id, published_at = episodes[episode_id]
        published_day = as_utc(published_at).date() if published_at else day
        episode_rows.append((episode_id, show_id, (day - published_day).days, count))
        show_split[(show_id, ShowBreakdown.TOTAL, "")] += count
    breakdown_rows = [(*key, count) for key, count in split.items()]
    show_rows = [(*key, count) for key, count in show_split.items()]
    return sorted(episode_rows), sorted(breakdown_rows), sorted(show_rows), events_read


def as_utc(value):
    """A datetime from a raw cursor: aware on PostgreSQL, naive UTC (or text) on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def checksum(episode_rows, breakdown_rows, show_rows):
    digest = hashlib.sha256()
    for tag, rows in (("E", episode_rows), ("B", breakdown_rows), ("S", show_rows)):
        for row in rows:
            digest.update((tag + "|".join(map(str, row)) + "\n").encode())
    return digest.hexdigest()


def insert_day_rows(model, columns, rows, day):
    load_rows(model, ["day", *columns], [(day, *row) for row in rows])


TOTALS = f"""INSERT INTO {EpisodeTotal._meta.db_table} (episode_id, downloads, first_1, first_7, first_30)
    SELECT episode_id, %(sign)s * downloads,
           %(sign)s * CASE WHEN age_days < 1 THEN downloads ELSE 0 END,
           %(sign)s * CASE WHEN age_days < 7 THEN downloads ELSE 0 END,
           %(sign)s * CASE WHEN age_days < 30 THEN downloads ELSE 0 END
    FROM {EpisodeDay._meta.db_table} WHERE day = %(day)s AND TRUE
    ON CONFLICT (episode_id) DO UPDATE SET
        downloads = {EpisodeTotal._meta.db_table}.downloads + excluded.downloads,
        first_1 = {EpisodeTotal._meta.db_table}.first_1 + excluded.first_1,
        first_7 = {EpisodeTotal._meta.db_table}.first_7 + excluded.first_7,
        first_30 = {EpisodeTotal._meta.db_table}.first_30 + excluded.first_30"""


def add_day_to_totals(day, sign):
    """Add (sign 1) or take away (sign -1) ``day``'s stored EpisodeDay rows from EpisodeTotal.
    (``AND TRUE`` lets SQLite read the upsert after a SELECT; no row is ever inserted negative,
    as a day's rows are only taken away after they were added.)"""
    with connection.cursor() as cursor:
        cursor.execute(TOTALS, {"sign": sign, "day": day})


WINDOW_DAYS = (7, 30, 90)
WINDOW = f"""INSERT INTO {EpisodeWindow._meta.db_table} (days, episode_id, downloads)
    SELECT %(days)s, episode_id,
           SUM(CASE WHEN day BETWEEN %(first)s AND %(last)s THEN downloads ELSE -downloads END)
    FROM {EpisodeDay._meta.db_table}
    WHERE (day BETWEEN %(first)s AND %(last)s OR day BETWEEN %(out_first)s AND %(out_last)s) AND TRUE
    GROUP BY episode_id
    ON CONFLICT (days, episode_id) DO UPDATE SET
        downloads = {EpisodeWindow._meta.db_table}.downloads + excluded.downloads"""


def add_days_to_window(days, first, last, leaving=None):
    """Add the EpisodeDay rows of ``first``…``last`` to the ``days``-day window's EpisodeWindow
    rows and take away those of ``leaving`` (a (first, last) pair of days), in one statement.
    (``AND TRUE`` lets SQLite read the upsert after a SELECT. A row is never inserted negative:
    the days taken away are days that were added.)"""
    out_first, out_last = leaving or (date.max, date.min)
    if first > last and out_first > out_last:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            WINDOW,
            {"days": days, "first": first, "last": last, "out_first": out_first, "out_last": out_last},
        )


def in_window(window, day):
    return window.through - timedelta(days=window.days - 1) <= day <= window.through


def move_windows(windows, day):
    """After ``day``'s new rows are written: each window gains them, or moves on to end on
    ``day`` (the days that leave it out, those that enter in), or is made (first rollup)."""
    for days in WINDOW_DAYS:
        window = windows.get(days)
        if window is None:
            window = RollingWindow.objects.create(days=days, through=day)
            EpisodeWindow.objects.filter(days=days).delete()
            add_days_to_window(days, day - timedelta(days=days - 1), day)
        elif day <= window.through:
            if in_window(window, day):
                add_days_to_window(days, day, day)
        else:
            first, new_first = window.through - timedelta(days=days - 1), day - timedelta(days=days - 1)
            leaving = (first, min(window.through, new_first - timedelta(days=1)))
            add_days_to_window(days, max(window.through + timedelta(days=1), new_first), day, leaving)
            window.through = day
            window.save(update_fields=["through"])
    EpisodeWindow.objects.filter(downloads=0).delete()


@transaction.atomic
def rollup_day(day, now=None):
    """Replace ``day``'s rollup rows with those computed from its raw events; returns the run.
    The episodes' totals and rolling windows lose the day's old figures and gain the new ones."""
    episode_rows, breakdown_rows, show_rows, events_read = compute_day(day)
    windows = {w.days: w for w in RollingWindow.objects.select_for_update()}
    for window in windows.values():
        if in_window(window, day):
            add_days_to_window(window.days, date.max, date.min, leaving=(day, day))
    add_day_to_totals(day, -1)
    EpisodeDay.objects.filter(day=day).delete()
    Breakdown.objects.filter(day=day).delete()
    ShowBreakdown.objects.filter(day=day).delete()
    insert_day_rows(EpisodeDay, ["episode_id", "show_id", "age_days", "downloads"], episode_rows, day)
    insert_day_rows(
        Breakdown, ["episode_id", "show_id", "dimension", "value", "downloads"], breakdown_rows, day
    )
    insert_day_rows(ShowBreakdown, ["show_id", "dimension", "value", "downloads"], show_rows, day)
    add_day_to_totals(day, 1)
    EpisodeTotal.objects.filter(downloads=0).delete()
    move_windows(windows, day)
    return RollupRun.objects.create(
        day=day,
        computed_at=now or timezone.now(),
        events_read=events_read,
        downloads=sum(row[3] for row in episode_rows),
        checksum=checksum(episode_rows, breakdown_rows, show_rows),
    )


def stored_day(day):
    """The rollup rows stored for ``day``, in the shape ``compute_day`` returns."""
    episode_rows = sorted(
        EpisodeDay.objects.filter(day=day).values_list("episode_id", "show_id", "age_days", "downloads")
    )
    breakdown_rows = sorted(
        Breakdown.objects.filter(day=day).values_list(
            "episode_id", "show_id", "dimension", "value", "downloads"
        )
    )
    show_rows = sorted(
        ShowBreakdown.objects.filter(day=day).values_list("show_id", "dimension", "value", "downloads")
    )
    return episode_rows, breakdown_rows, show_rows


def computed_totals():
    """EpisodeTotal's rows as EpisodeDay gives them: sorted (episode_id, downloads, first 1, 7, 30)."""
    figures = {"n": Sum("downloads")}
    for days in (1, 7, 30):
        figures[f"first_{days}"] = Coalesce(Sum("downloads", filter=Q(age_days__lt=days)), 0)
    rows = EpisodeDay.objects.order_by().values("episode_id").annotate(**figures)
    return sorted(rows.values_list("episode_id", "n", "first_1", "first_7", "first_30"))


TOTAL_COLUMNS = ["episode_id", "downloads", "first_1", "first_7", "first_30"]


def stored_totals():
    return sorted(EpisodeTotal.objects.values_list(*TOTAL_COLUMNS))


@transaction.atomic
def rebuild_totals():
    """Make EpisodeTotal again from EpisodeDay (after restoring a backup of EpisodeDay, say)."""
    EpisodeTotal.objects.all().delete()
    insert_rows(EpisodeTotal, TOTAL_COLUMNS, computed_totals())


def verify_totals():
    """(same?, stored rows, rows from EpisodeDay) of EpisodeTotal."""
    stored, fresh = stored_totals(), computed_totals()
    return stored == fresh, stored, fresh


def computed_window(window):
    """A window's EpisodeWindow rows as EpisodeDay gives them: sorted (episode_id, downloads)."""
    first = window.through - timedelta(days=window.days - 1)
    rows = EpisodeDay.objects.filter(day__range=(first, window.through)).order_by().values("episode_id")
    return sorted(rows.annotate(n=Sum("downloads")).values_list("episode_id", "n"))


def stored_window(window):
    return sorted(EpisodeWindow.objects.filter(days=window.days).values_list("episode_id", "downloads"))


@transaction.atomic
def rebuild_windows():
    """Make EpisodeWindow again from EpisodeDay, each window ending where it ends."""
    for window in RollingWindow.objects.select_for_update():
        EpisodeWindow.objects.filter(days=window.days).delete()
        first = window.through - timedelta(days=window.days - 1)
        add_days_to_window(window.days, first, window.through)


def verify_windows():
    """(same?, {days: (stored rows, rows from EpisodeDay)}) of the rolling windows."""
    found = {w.days: (stored_window(w), computed_window(w)) for w in RollingWindow.objects.all()}
    return all(stored == fresh for stored, fresh in found.values()), found


def verify_day(day):
    """Recompute ``day`` from its raw events and compare with what is stored: (same?, stored, fresh)."""
    *fresh, _ = compute_day(day)
    fresh = tuple(fresh)
    stored = stored_day(day)
    return stored == fresh, checksum(*stored), checksum(*fresh)


def days_with_events(since=None, until=None):
    """The days that have raw events, oldest first (one query)."""
    events = DownloadEvent.objects.all()
    if since:
        events = events.filter(occurred_at__gte=day_bounds(since)[0])
    if until:
        events = events.filter(occurred_at__lt=day_bounds(until)[1])
    first = events.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    last = events.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    if first is None:
        return []
    day, stop = first.astimezone(UTC).date(), last.astimezone(UTC).date()
    days = []
    while day <= stop:
        days.append(day)
        day += timedelta(days=1)
    return days


def rollup_recent(today=None, days=2):
    """The periodic job: roll up the last ``days`` days (today included). Idempotent."""
    today = today or timezone.now().astimezone(UTC).date()
    return [rollup_day(today - timedelta(days=offset)) for offset in range(days - 1, -1, -1)]


def parse_day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a day (YYYY-MM-DD)") from exc
