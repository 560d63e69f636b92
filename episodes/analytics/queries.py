"""The figures, as plain query functions over the rollups: the admin pages, the sponsor report
and (later) the API all call these. Every function takes the shows the caller may see
(``episodes.access.shows_for(user, "analytics")``) and runs a fixed number of queries,
whatever the number of shows, episodes or days.
"""

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from .models import Breakdown, EpisodeDay, ShowBreakdown

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


def episode_figures(episodes, date_range=None):
    """{episode_id: {"to_date", "first_1", "first_7", "first_30", "in_range"}} in one query.

    ``episodes`` is a queryset (or list of ids). First N days are the publication day and the
    N - 1 days after it, as the daily rollup counts them.
    """
    aggregates = {"to_date": Sum("downloads")}
    for days in FIRST_DAYS:
        aggregates[f"first_{days}"] = Sum("downloads", filter=Q(age_days__lt=days))
    if date_range is not None:
        aggregates["in_range"] = Sum("downloads", filter=Q(day__range=(date_range.start, date_range.end)))
    rows = EpisodeDay.objects.filter(episode__in=episodes).values("episode_id").annotate(**aggregates)
    empty = dict.fromkeys(aggregates, 0)
    figures = {}
    for row in rows:
        figures[row.pop("episode_id")] = {key: value or 0 for key, value in row.items()}
    return figures, empty


def episode_table(episodes, date_range):
    """[(episode, figures)] for an episode queryset (already limited and ordered): two queries."""
    episodes = list(episodes.select_related("show"))
    figures, empty = episode_figures([e.pk for e in episodes], date_range)
    return [(episode, figures.get(episode.pk, empty)) for episode in episodes]


def top_episodes(shows, date_range, limit=20):
    """The most downloaded episodes in the range: [(episode, downloads in range)]."""
    from ..models import Episode

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

    credits = list(
        Credit.objects.filter(episode__show__in=shows).values_list("person_id", "episode_id").distinct()
    )
    figures, empty = episode_figures(sorted({episode_id for _, episode_id in credits}), date_range)
    totals, episode_counts = {}, {}
    for person_id, episode_id in credits:
        totals[person_id] = totals.get(person_id, 0) + figures.get(episode_id, empty)["in_range"]
        episode_counts[person_id] = episode_counts.get(person_id, 0) + 1
    ranked = sorted(totals, key=lambda pk: (-totals[pk], pk))[:limit]
    people = Person.objects.in_bulk(ranked)
    return [(people[pk], episode_counts[pk], totals[pk]) for pk in ranked if pk in people]
