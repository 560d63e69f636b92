"""Download figures and campaign delivery reports, read-only, from the same query functions as the
admin's dashboards (``episodes.analytics.queries``, ``sponsors.reports``) and with the same access:
``analytics`` on the show (``episodes.access``, narrowed by the token). A show, episode or campaign
whose figures the request may not see answers 404; a role with no figures at all answers 403.
"""

from datetime import UTC, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from episodes.analytics import queries
from episodes.analytics.models import Breakdown
from episodes.models import Episode
from sponsors.models import Campaign
from sponsors.reports import campaign_report

from . import access
from .permissions import ApiPermission

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30
SHARE_DIMENSIONS = {"apps": Breakdown.APP, "devices": Breakdown.DEVICE, "os": Breakdown.OS}


class DateRangeSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (UTC), YYYY-MM-DD.")
    end = serializers.DateField(required=False, help_text="Last day (UTC), included, YYYY-MM-DD.")

    def validate(self, attrs):
        today = timezone.now().astimezone(UTC).date()
        start, end = attrs.get("start"), attrs.get("end")
        end = end or today
        if start is None:
            try:
                start = end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
            except OverflowError:
                raise serializers.ValidationError({"end": ["This date is out of range."]}) from None
        if end < start:
            raise serializers.ValidationError({"end": ["The range must end on or after its start."]})
        if (end - start).days >= MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"end": [f"A range is at most {MAX_RANGE_DAYS} days; this one has {(end - start).days + 1}."]}
            )
        return queries.DateRange(start, end)


def date_range_of(request):
    serializer = DateRangeSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


RANGE_PARAMETERS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        OpenApiParameter.QUERY,
        description=f"First day (UTC). Default: {DEFAULT_RANGE_DAYS - 1} days before `end`.",
    ),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        OpenApiParameter.QUERY,
        description=f"Last day (UTC), included. Default: today. At most {MAX_RANGE_DAYS} days in all.",
    ),
]


class DayFigureSerializer(serializers.Serializer):
    day = serializers.DateField()
    downloads = serializers.IntegerField()


class ShareSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The app, device or operating system.")
    downloads = serializers.IntegerField()
    share = serializers.FloatField(help_text="Percentage of the downloads of this list, one decimal.")


class SharesSerializer(serializers.Serializer):
    apps = ShareSerializer(many=True)
    devices = ShareSerializer(many=True)
    os = ShareSerializer(many=True)


class EpisodeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class TopEpisodeSerializer(EpisodeRefSerializer):
    downloads = serializers.IntegerField(help_text="Downloads in the range.")


class FirstDaysSerializer(EpisodeRefSerializer):
    downloads = serializers.IntegerField(help_text="Downloads on the publication day and the 6 after it.")


class RangeSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()


class ShowDownloadsSerializer(serializers.Serializer):
    show = serializers.CharField(help_text="The show's slug.")
    range = RangeSerializer()
    in_range = serializers.IntegerField(help_text="Downloads in the range.")
    to_date = serializers.IntegerField(help_text="Downloads since the first one counted.")
    by_day = DayFigureSerializer(many=True, help_text="Every day of the range, zeros included.")
    shares = SharesSerializer()
    top_episodes = TopEpisodeSerializer(many=True, help_text="The 20 most downloaded in the range.")
    first_7_days = FirstDaysSerializer(
        many=True, help_text="The 10 latest published episodes, oldest first, and their first 7 days."
    )


class EpisodeDownloadsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    show = serializers.CharField(help_text="The show's slug.")
    title = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    range = RangeSerializer()
    in_range = serializers.IntegerField()
    to_date = serializers.IntegerField()
    first_1 = serializers.IntegerField(help_text="Downloads on the publication day.")
    first_7 = serializers.IntegerField(help_text="On the publication day and the 6 after it.")
    first_30 = serializers.IntegerField(help_text="On the publication day and the 29 after it.")
    by_day = DayFigureSerializer(many=True)
    shares = SharesSerializer()


class ReportReadSerializer(serializers.Serializer):
    episode = EpisodeRefSerializer()
    show = serializers.CharField(help_text="The show's slug.")
    position = serializers.ChoiceField(choices=["pre", "mid", "post"])
    to_date = serializers.IntegerField()
    first_7 = serializers.IntegerField()
    first_30 = serializers.IntegerField()


class CampaignReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sponsor = serializers.CharField(help_text="The sponsor's slug.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    booked = serializers.IntegerField(allow_null=True, help_text="Downloads booked; null without a booking.")
    delivered = serializers.IntegerField(
        help_text="Downloads to date of the distinct published episodes carrying a read."
    )
    delivered_share = serializers.FloatField(allow_null=True, help_text="Delivered as a % of booked.")
    remaining = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField(
        allow_null=True,
        help_text="Clicks on the promo link; null unless the report covers every show of the campaign.",
    )
    complete = serializers.BooleanField(help_text="The report covers every show the campaign runs on.")
    reads = ReportReadSerializer(many=True)


def with_shares(rows):
    total = sum(n for _, n in rows) or 1
    return [{"value": value, "downloads": n, "share": round(100 * n / total, 1)} for value, n in rows]


def by_day(points):
    return [{"day": day, "downloads": n} for day, n in points]


def episode_ref(episode):
    return {
        "id": episode.pk,
        "title": episode.title,
        "slug": episode.slug,
        "published_at": episode.published_at,
    }


def range_data(date_range):
    return {"start": date_range.start, "end": date_range.end, "days": date_range.days}


class AnalyticsView(APIView):
    """Read-only figures: ``analytics`` on some show, else 403; the object on one of them, else 404."""

    permission_classes = [ApiPermission]
    http_method_names = ["get", "head", "options"]
    action = "figures"  # not an object with an ETag: no 304

    def allows(self, request, obj):
        return access.can(request, "analytics")

    def shows(self):
        return access.shows_for(self.request, "analytics")


class ShowDownloadsView(AnalyticsView):
    """A show's figures, as on its admin dashboard: analysts, producers and editors of the show
    and network admins."""

    @extend_schema(
        summary="The show's downloads: by day, totals, apps and devices, top episodes, first 7 days",
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[-a-zA-Z0-9_]+$"),
            *RANGE_PARAMETERS,
        ],
        responses=ShowDownloadsSerializer,
    )
    def get(self, request, slug):
        show = get_object_or_404(self.shows(), slug=slug)
        date_range = date_range_of(request)
        one = self.shows().filter(pk=show.pk)
        [(_, in_range, to_date)] = queries.show_totals(one, date_range)
        data = {
            "show": show.slug,
            "range": range_data(date_range),
            "in_range": in_range,
            "to_date": to_date,
            "by_day": by_day(queries.downloads_by_day(one, date_range)),
            "shares": {
                name: with_shares(queries.shares(one, date_range, dimension))
                for name, dimension in SHARE_DIMENSIONS.items()
            },
            "top_episodes": [
                {**episode_ref(episode), "downloads": n}
                for episode, n in queries.top_episodes(one, date_range)
            ],
            "first_7_days": [
                {**episode_ref(episode), "downloads": n}
                for episode, n in queries.first_days_comparison(one, days=7, count=10)
            ],
        }
        return Response(ShowDownloadsSerializer(data).data)


class EpisodeDownloadsView(AnalyticsView):
    """An episode's figures, as on its admin dashboard; `in_range` and `by_day` follow the range."""

    @extend_schema(
        summary="The episode's downloads: to date, first 1, 7 and 30 days, by day, apps and devices",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), *RANGE_PARAMETERS],
        responses=EpisodeDownloadsSerializer,
    )
    def get(self, request, id):
        episode = get_object_or_404(
            Episode.objects.filter(show__in=self.shows()).select_related("show"), pk=id
        )
        date_range = date_range_of(request)
        figures, empty = queries.episode_figures([episode.pk], date_range)
        data = {
            "id": episode.pk,
            "show": episode.show.slug,
            "title": episode.title,
            "published_at": episode.published_at,
            "range": range_data(date_range),
            **figures.get(episode.pk, empty),
            "by_day": by_day(queries.downloads_by_day(None, date_range, episode=episode)),
            "shares": {
                name: with_shares(queries.shares(None, date_range, dimension, episode=episode))
                for name, dimension in SHARE_DIMENSIONS.items()
            },
        }
        return Response(EpisodeDownloadsSerializer(data).data)


class CampaignReportView(AnalyticsView):
    """A campaign's delivery report, as in the admin: campaigns running on shows whose figures
    you may see."""

    @extend_schema(
        summary="What the campaign delivered on the shows whose figures you may see",
        description="Its reads on published episodes and their downloads. A network administrator "
        "with a token for all shows sees every show; anyone else sees the reads on their shows, "
        "with `complete: false` and no `clicks` when the campaign also runs elsewhere.",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=CampaignReportSerializer,
    )
    def get(self, request, id):
        shows = self.shows()
        running = Campaign.objects.filter(shows__in=shows).values("pk")
        campaign = get_object_or_404(Campaign.objects.select_related("sponsor").filter(pk__in=running), pk=id)
        report = campaign_report(campaign, None if access.sees_whole_network(request) else shows)
        data = {
            "id": campaign.pk,
            "name": campaign.name,
            "sponsor": campaign.sponsor.slug,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "booked": report.booked,
            "delivered": report.delivered,
            "delivered_share": report.delivered_share,
            "remaining": report.remaining,
            "clicks": report.clicks,
            "complete": report.complete,
            "reads": [
                {
                    "episode": episode_ref(row.episode),
                    "show": row.episode.show.slug,
                    "position": row.read.position,
                    "to_date": row.to_date,
                    "first_7": row.first_7,
                    "first_30": row.first_30,
                }
                for row in report.rows
            ],
        }
        return Response(CampaignReportSerializer(data).data)
