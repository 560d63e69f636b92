"""What a campaign delivered: its reads on published episodes, their downloads and the clicks
on its promo link. Plain query functions, shared by the admin, the sponsor's link and the API."""

import csv
from dataclasses import dataclass

from django.db.models.functions import TruncDate
from django.http import HttpResponse

from episodes.analytics.queries import episode_figures
from episodes.models import Episode

from .models import PromoClick, SponsorRead


@dataclass
class ReportRow:
    read: SponsorRead
    episode: Episode
    to_date: int
    first_7: int
    first_30: int


@dataclass
class CampaignReport:
    campaign: object
    rows: list
    delivered: int  # downloads to date of the distinct episodes carrying a read
    clicks: int | None  # None where the viewer may not see every show the campaign runs on
    complete: bool  # the report covers every show of the campaign

    @property
    def booked(self):
        return self.campaign.booked_downloads

    @property
    def delivered_share(self):
        """Delivered as a percentage of booked, one decimal; None without a booking."""
        if not self.booked:
            return None
        return round(100 * self.delivered / self.booked, 1)

    @property
    def remaining(self):
        return max(self.booked - self.delivered, 0) if self.booked else None


def promo_clicks(campaign):
    """Clicks on the campaign's /go/ link: one per listener per day, bots excluded (as downloads)."""
    return (
        PromoClick.objects.filter(campaign=campaign, is_bot=False)
        .annotate(day=TruncDate("occurred_at"))
        .values("listener", "day")
        .distinct()
        .count()
    )


def campaign_report(campaign, shows=None):
    """The report of ``campaign`` over ``shows`` (a queryset; None: every show). Four queries."""
    episodes = Episode.objects.published()
    if shows is not None:
        episodes = episodes.filter(show__in=shows)
    reads = list(
        SponsorRead.objects.filter(campaign=campaign, episode__in=episodes)
        .select_related("episode__show")
        .order_by("episode__published_at", "episode__pk", "order", "pk")
    )
    figures, empty = episode_figures(sorted({read.episode_id for read in reads}))
    rows = []
    for read in reads:
        f = figures.get(read.episode_id, empty)
        rows.append(ReportRow(read, read.episode, f["to_date"], f["first_7"], f["first_30"]))
    delivered = sum(figures.get(pk, empty)["to_date"] for pk in {read.episode_id for read in reads})
    complete = shows is None or not campaign.shows.exclude(pk__in=shows.values("pk")).exists()
    return CampaignReport(
        campaign=campaign,
        rows=rows,
        delivered=delivered,
        clicks=promo_clicks(campaign) if complete else None,
        complete=complete,
    )


def report_csv(report, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["show", "episode", "position", "published", "downloads to date", "first 7 days", "first 30 days"]
    )
    for row in report.rows:
        writer.writerow(
            [
                row.episode.show.title,
                row.episode.title,
                row.read.get_position_display(),
                row.episode.published_at.date().isoformat(),
                row.to_date,
                row.first_7,
                row.first_30,
            ]
        )
    writer.writerow(["total", "", "", "", report.delivered, "", ""])
    writer.writerow(["booked", "", "", "", report.booked if report.booked is not None else "", "", ""])
    if report.clicks is not None:
        writer.writerow(["promo link clicks", "", "", "", report.clicks, "", ""])
    return response


__all__ = ["CampaignReport", "ReportRow", "campaign_report", "promo_clicks", "report_csv"]
