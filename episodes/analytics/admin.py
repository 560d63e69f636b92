"""The download dashboards in the admin: the network, a show, an episode.

Each page draws its charts from the same tables it lists, and every table downloads as CSV
(``?csv=<table>``). Who sees what is ``episodes.access``: ``shows_for(user, "analytics")``;
another show's page answers 404.
"""

import csv
from dataclasses import dataclass, field

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify

from ..access import can, shows_for
from ..models import Episode
from . import queries
from .datacenters import get_ranges
from .models import Breakdown, RollupRun
from .useragents import get_classifier

SHARE_TITLES = {Breakdown.APP: "Apps", Breakdown.DEVICE: "Devices", Breakdown.OS: "Operating systems"}


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list = field(default_factory=list)  # cells: a value, or (text, admin URL)
    note: str = ""

    def display_rows(self):
        for row in self.rows:
            yield [
                {"text": c[0], "url": c[1]} if isinstance(c, tuple) else {"text": c, "url": ""} for c in row
            ]

    def csv_rows(self):
        yield self.columns
        for row in self.rows:
            yield [cell[0] if isinstance(cell, tuple) else cell for cell in row]


def csv_response(table, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.name}.csv"'
    writer = csv.writer(response)
    for row in table.csv_rows():
        writer.writerow(row)
    return response


def by_day_table(points):
    return Table(
        "by-day", "Downloads by day", ["day", "downloads"], [[day.isoformat(), n] for day, n in points]
    )


def share_table(dimension, rows):
    title = SHARE_TITLES[dimension]
    return Table(dimension, title, [dimension, "downloads", "share %"], with_shares(rows))


def with_shares(rows):
    total = sum(n for _, n in rows) or 1
    return [[value, n, round(100 * n / total, 1)] for value, n in rows]


def chart(kind, table_name, title, labels, values):
    return {"kind": kind, "table": table_name, "title": title, "labels": labels, "values": values}


def share_charts(tables, limit=8):
    charts = []
    for table in tables:
        rows = table.rows[:limit]
        rest = sum(row[1] for row in table.rows[limit:])
        labels, values = [row[0] for row in rows], [row[1] for row in rows]
        if rest:
            labels.append("Others")
            values.append(rest)
        charts.append(chart("doughnut", table.name, f"{table.title} share", labels, values))
    return charts


def show_url(show):
    return reverse("admin:analytics_show", args=[show.pk])


def episode_url(episode):
    return reverse("admin:analytics_episode", args=[episode.pk])


def figures_row(figures):
    return [
        figures["in_range"],
        figures["first_1"],
        figures["first_7"],
        figures["first_30"],
        figures["to_date"],
    ]


FIGURE_COLUMNS = ["in range", "first day", "first 7 days", "first 30 days", "to date"]


def analytics_shows(request):
    if not can(request.user, "analytics"):
        raise PermissionDenied
    return shows_for(request.user, "analytics")


def render_report(request, *, title, crumbs, tables, charts, filename, date_range, message, extra=None):
    wanted = request.GET.get("csv")
    if wanted:
        for table in tables:
            if table.name == wanted:
                return csv_response(table, filename)
        raise Http404("No such table.")
    params = request.GET.copy()
    for table in tables:
        params["csv"] = table.name
        table.csv_url = f"?{params.urlencode()}"
    for number, one in enumerate(charts, 1):
        one["id"] = f"chart-{number}"
    classifier_info = get_classifier().info
    context = {
        **admin.site.each_context(request),
        "title": title,
        "crumbs": crumbs,
        "tables": tables,
        "charts": charts,
        "date_range": date_range,
        "range_message": message,
        "presets": queries.PRESETS,
        "list_info": classifier_info,
        "datacenter_info": get_ranges().info,
        "last_rollup": RollupRun.objects.order_by("-day", "-computed_at").first(),
        **(extra or {}),
    }
    return render(request, "admin/analytics/report.html", context)


def network_dashboard(request):
    shows = analytics_shows(request)
    date_range, message = queries.range_with_figures(request.GET, shows)
    by_day = by_day_table(queries.downloads_by_day(shows, date_range))
    show_table = Table(
        "shows",
        "Shows",
        ["show", "in range", "to date"],
        [
            [(show.title, show_url(show)), n, total]
            for show, n, total in queries.show_totals(shows, date_range)
        ],
    )
    shares = [share_table(d, queries.shares(shows, date_range, d)) for d in SHARE_TITLES]
    top = Table(
        "top-episodes",
        "Most downloaded episodes in the range",
        ["episode", "show", "downloads"],
        [[(e.title, episode_url(e)), e.show.title, n] for e, n in queries.top_episodes(shows, date_range)],
    )
    people = Table(
        "people",
        "People, by the downloads of the episodes they are credited on",
        ["person", "episodes", "downloads in range"],
        [[p.name, count, n] for p, count, n in queries.people_table(shows, date_range)],
    )
    charts = [
        chart("line", "by-day", "Downloads by day", [r[0] for r in by_day.rows], [r[1] for r in by_day.rows]),
        *share_charts(shares[:2]),
    ]
    return render_report(
        request,
        title="Downloads: the network",
        crumbs=[],
        tables=[by_day, show_table, *shares, top, people],
        charts=charts,
        filename="network",
        date_range=date_range,
        message=message,
    )


RECENT_EPISODES = 50


def show_dashboard(request, show_id):
    shows = analytics_shows(request)
    show = get_object_or_404(shows, pk=show_id)
    one = shows.filter(pk=show.pk)
    date_range, message = queries.range_with_figures(request.GET, one)
    by_day = by_day_table(queries.downloads_by_day(one, date_range))
    comparison = queries.first_days_comparison(one, days=7, count=10)
    first_week = Table(
        "first-7-days",
        "First 7 days of the latest episodes",
        ["episode", "published", "first 7 days"],
        [[(e.title, episode_url(e)), e.published_at.date().isoformat(), n] for e, n in comparison],
    )
    shares = [share_table(d, queries.shares(one, date_range, d)) for d in SHARE_TITLES]
    recent = Episode.objects.filter(
        show=show, status=Episode.PUBLISHED, published_at__lte=timezone.now()
    ).order_by("-published_at")
    if request.GET.get("csv") != "episodes":
        recent = recent[:RECENT_EPISODES]
    episodes = Table(
        "episodes",
        "Episodes, latest first",
        ["episode", "published", *FIGURE_COLUMNS],
        [
            [(e.title, episode_url(e)), e.published_at.date().isoformat(), *figures_row(f)]
            for e, f in queries.episode_table(recent, date_range)
        ],
        note=f"The {RECENT_EPISODES} latest here; the CSV has every episode.",
    )
    charts = [
        chart("line", "by-day", "Downloads by day", [r[0] for r in by_day.rows], [r[1] for r in by_day.rows]),
        chart(
            "bar",
            "first-7-days",
            "First 7 days of the latest episodes",
            [row[0][0][:40] for row in first_week.rows],
            [row[2] for row in first_week.rows],
        ),
        *share_charts(shares[:2]),
    ]
    return render_report(
        request,
        title=f"Downloads: {show.title}",
        crumbs=[("Downloads", reverse("admin:analytics_network"))],
        tables=[by_day, first_week, *shares, episodes],
        charts=charts,
        filename=slugify(show.slug),
        date_range=date_range,
        message=message,
    )


def episode_dashboard(request, episode_id):
    shows = analytics_shows(request)
    episode = get_object_or_404(Episode.objects.filter(show__in=shows).select_related("show"), pk=episode_id)
    date_range, message = queries.range_with_figures(request.GET, None, episode=episode)
    by_day = by_day_table(queries.downloads_by_day(None, date_range, episode=episode))
    figures, empty = queries.episode_figures([episode.pk], date_range)
    summary = Table("summary", "Figures", FIGURE_COLUMNS, [figures_row(figures.get(episode.pk, empty))])
    shares = [share_table(d, queries.shares(None, date_range, d, episode=episode)) for d in SHARE_TITLES]
    charts = [
        chart("line", "by-day", "Downloads by day", [r[0] for r in by_day.rows], [r[1] for r in by_day.rows]),
        *share_charts(shares),
    ]
    return render_report(
        request,
        title=f"Downloads: {episode.title}",
        crumbs=[
            ("Downloads", reverse("admin:analytics_network")),
            (episode.show.title, show_url(episode.show)),
        ],
        tables=[summary, by_day, *shares],
        charts=charts,
        filename=slugify(f"{episode.show.slug}-{episode.slug}"),
        date_range=date_range,
        message=message,
    )


def analytics_urls(admin_site):
    return [
        path("downloads/", admin_site.admin_view(network_dashboard), name="analytics_network"),
        path("downloads/shows/<int:show_id>/", admin_site.admin_view(show_dashboard), name="analytics_show"),
        path(
            "downloads/episodes/<int:episode_id>/",
            admin_site.admin_view(episode_dashboard),
            name="analytics_episode",
        ),
    ]


def index_link(request):
    if can(request.user, "analytics"):
        return ("Downloads: network, shows and episodes", reverse("admin:analytics_network"))
    return None
