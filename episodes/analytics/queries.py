"""The figures, as plain query functions over the rollups: the admin pages, the sponsor report
and (later) the API all call these. Every function takes the shows the caller may see
(``episodes.access.shows_for(user, "analytics")``) and runs a fixed number of queries,
whatever the number of shows, episodes or days.
"""

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db.models import F, Max, Q, Sum
from django.utils import timezone

from .models import Breakdown, EpisodeDay, EpisodeTotal, EpisodeWindow, RollingWindow, ShowBreakdown

PRESETS = {"7": 7, "30": 30, "90": 90, "365": 365}
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def each_day(self):
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    @classmethod
    def from_query(cls, params, today=None):
        """From ``?days=30`` or ``?start=YYYY-MM-DD&end=YYYY-MM-DD``; the last 30 days by default.
        Returns (range, error message or None): bad input falls back to the default, saying why."""
        today = today or timezone.now().astimezone(UTC).date()
        default = cls(today - timedelta(days=29), today)
        if params.get("start") or params.get("end"):
            try:
                start = date.fromisoformat(params.get("start", ""))
                end = date.fromisoformat(params.get("end", "")) if params.get("end") else today
            except ValueError:
                return default, "Dates must be written YYYY-MM-DD; showing the last 30 days."
            if end < start:
                return default, "The range must end on or after its first day; showing the last 30 days."
            if (end - start).days >= MAX_DAYS:
                return cls(end - timedelta(days=MAX_DAYS - 1), end), "Ranges are at most three years."
            return cls(start, end), None
        days = PRESETS.get(params.get("days", "30"))
        if days is None:
            return default, "Choose 7, 30, 90 or 365 days; showing the last 30 days."
        return cls(today - timedelta(days=days - 1), today), None


def latest_download_day(shows, episode=None):
    """The latest day with downloads of ``episode``, or of any of ``shows``: one query."""
    if episode is not None:
        rows = EpisodeDay.objects.filter(episode=episode, downloads__gt=0)
    else:
        rows = ShowBreakdown.objects.filter(show__in=shows, dimension=ShowBreakdown.TOTAL, downloads__gt=0)
    return rows.aggregate(latest=Max("day"))["latest"]


def range_with_figures(params, shows, episode=None, today=None):
    """The range a dashboard shows: ``DateRange.from_query``, except that a preset range (the
    last 7, 30, 90 or 365 days) with no downloads at all, where earlier days have some, ends on
    the latest day with downloads instead, and the message says so. Dates asked for are kept."""
    date_range, message = DateRange.from_query(params, today=today)
    if message is not None or params.get("start") or params.get("end"):
        return date_range, message
    latest = latest_download_day(shows, episode)
    if latest is None or latest >= date_range.start:
        return date_range, message
    shifted = DateRange(latest - timedelta(days=date_range.days - 1), latest)
    return shifted, (
        f"No downloads in the last {date_range.days} days: showing the {date_range.days} days up to "
        f"{latest.isoformat()}, the latest day with downloads."
    )


def rolling_window(date_range):
    """The rolling window that is exactly ``date_range`` (the last 7, 30 or 90 days up to the
    latest day rolled up, as the dashboards open), or None: one query."""
    if date_range is None or date_range.days not in (7, 30, 90):
        return None
    found = RollingWindow.objects.filter(days=date_range.days, through=date_range.end).exists()
    return date_range.days if found else None


def downloads_by_day(shows, date_range, episode=None):
    """[(day, downloads)] for every day of the range, zeros included."""
    if episode is not None:
        rows = EpisodeDay.objects.filter(episode=episode, day__range=(date_range.start, date_range.end))
        found = dict(rows.values_list("day", "downloads"))
    else:
        rows = ShowBreakdown.objects.filter(
            show__in=shows, dimension=ShowBreakdown.TOTAL, day__range=(date_range.start, date_range.end)
        )
        found = dict(rows.values("day").annotate(n=Sum("downloads")).values_list("day", "n"))
    return [(day, found.get(day, 0)) for day in date_range.each_day()]


def shares(shows, date_range, dimension, episode=None):
    """[(value, downloads)] of one dimension (app, device, os), largest first."""
    if episode is not None:
        rows = Breakdown.objects.filter(episode=episode)
    else:
        rows = ShowBreakdown.objects.filter(show__in=shows)
    rows = rows.filter(dimension=dimension, day__range=(date_range.start, date_range.end))
    return list(
        rows.values("value").annotate(n=Sum("downloads")).order_by("-n", "value").values_list("value", "n")
    )


def show_totals(shows, date_range):
    """[(show, downloads in range, downloads to date)] for ``shows``, by title."""
    totals = ShowBreakdown.objects.filter(show__in=shows, dimension=ShowBreakdown.TOTAL)
    figures = {
        row["show_id"]: row
        for row in totals.values("show_id").annotate(
            in_range=Sum("downloads", filter=Q(day__range=(date_range.start, date_range.end))),
            to_date=Sum("downloads"),
        )
    }
    return [
        (
            show,
            (figures.get(show.pk) or {}).get("in_range") or 0,
            (figures.get(show.pk) or {}).get("to_date") or 0,
        )
        for show in shows.order_by("title")
    ]


FIRST_DAYS = (1, 7, 30)


def episode_figures(episodes, date_range=None, totals=True):
    """{episode_id: {"to_date", "first_1", "first_7", "first_30", "in_range"}}, and the figures of
    an episode without downloads.

    ``episodes`` is a queryset (or list of ids). To date and first N days (the publication day
    and the N - 1 days after it, as the daily rollup counts them) come from ``EpisodeTotal``, one
    row per episode (one query; none with ``totals=False``); downloads in ``date_range`` from its
    rolling window when it is one, else from the days of the range (two queries).
    """
    keys = ["to_date", *(f"first_{days}" for days in FIRST_DAYS)] if totals else []
    if date_range is not None:
        keys.append("in_range")
    empty = dict.fromkeys(keys, 0)
    figures = {}
    if totals:
        rows = EpisodeTotal.objects.filter(episode__in=episodes).values_list(
            "episode_id", "downloads", *(f"first_{days}" for days in FIRST_DAYS)
        )
        for episode_id, to_date, *first in rows:
            figures[episode_id] = dict(empty, to_date=to_date, **dict(zip(keys[1:4], first, strict=True)))
    if date_range is not None:
        window = rolling_window(date_range)
        if window:
            rows = EpisodeWindow.objects.filter(days=window, episode__in=episodes).values_list(
                "episode_id", "downloads"
            )
        else:
            rows = (
                EpisodeDay.objects.filter(episode__in=episodes, day__range=(date_range.start, date_range.end))
                .values("episode_id")
                .annotate(n=Sum("downloads"))
                .values_list("episode_id", "n")
            )
        for episode_id, n in rows:
            figures.setdefault(episode_id, dict(empty))["in_range"] = n
    return figures, empty


def episode_table(episodes, date_range):
    """[(episode, figures)] for an episode queryset (already limited and ordered): two queries."""
    episodes = list(episodes.select_related("show"))
    figures, empty = episode_figures([e.pk for e in episodes], date_range)
    return [(episode, figures.get(episode.pk, empty)) for episode in episodes]


def top_episodes(shows, date_range, limit=20):
    """The most downloaded episodes in the range: [(episode, downloads in range)]. Three queries:
    the window of the range, when it is one, gives them from one row per episode; any
    other range sums its days."""
    from ..models import Episode

    window = rolling_window(date_range)
    if window:
        rows = list(
            EpisodeWindow.objects.filter(days=window, episode__show__in=shows)
            .order_by("-downloads", "episode_id")
            .values("episode_id", n=F("downloads"))[:limit]
        )
    else:
        rows = list(
            EpisodeDay.objects.filter(show__in=shows, day__range=(date_range.start, date_range.end))
            .values("episode_id")
            .annotate(n=Sum("downloads"))
            .order_by("-n", "episode_id")[:limit]
        )
    episodes = Episode.objects.select_related("show").in_bulk([row["episode_id"] for row in rows])
    return [(episodes[row["episode_id"]], row["n"]) for row in rows if row["episode_id"] in episodes]


def first_days_comparison(shows, days=7, count=10):
    """The ``count`` most recently published episodes and their first ``days`` days: [(episode, n)]."""
    from ..models import Episode

    recent = list(
        Episode.objects.published()
        .filter(show__in=shows)
        .select_related("show")
        .order_by("-published_at")[:count]
    )
    figures, empty = episode_figures([e.pk for e in recent])
    return [(episode, figures.get(episode.pk, empty)[f"first_{days}"]) for episode in reversed(recent)]


def people_table(shows, date_range, limit=50):
    """People by the downloads of the episodes they are credited on: [(person, episodes, downloads)].

    A download of an episode counts once for each person credited on it."""
    from people.models import Credit, Person

    credited = Credit.objects.filter(episode__show__in=shows)
    credits = list(credited.order_by().values_list("person_id", "episode_id").distinct())
    credited_episodes = sorted({episode_id for _, episode_id in credits})
    if len(credited_episodes) > 20_000:  # beyond what SQLite takes as parameters: a subquery
        credited_episodes = credited.values("episode_id")
    figures, empty = episode_figures(credited_episodes, date_range, totals=False)
    totals, episode_counts = {}, {}
    for person_id, episode_id in credits:
        totals[person_id] = totals.get(person_id, 0) + figures.get(episode_id, empty)["in_range"]
        episode_counts[person_id] = episode_counts.get(person_id, 0) + 1
    ranked = sorted(totals, key=lambda pk: (-totals[pk], pk))[:limit]
    people = Person.objects.in_bulk(ranked)
    return [(people[pk], episode_counts[pk], totals[pk]) for pk in ranked if pk in people]
