from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from episodes.access import can, is_network_admin, shows_for
from episodes.scoped_admin import NetworkWideAdmin, ShowListFilter

from .models import Campaign, Sponsor, SponsorReportLink
from .reports import campaign_report, report_csv
from .views import report_link_token

REPORT_LINK_DAYS = 90


class CampaignInline(NetworkWideAdmin, admin.TabularInline):
    """The sponsor's campaigns as a list; a campaign needs shows and copy, so it has its own page."""

    model = Campaign
    extra = 0
    fields = readonly_fields = ["name", "starts_on", "ends_on", "promo_code"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return CampaignAdmin.scoped(request, super().get_queryset(request))


@admin.register(Sponsor)
class SponsorAdmin(NetworkWideAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CampaignInline]


class ReportLinkForm(forms.ModelForm):
    class Meta:
        model = SponsorReportLink
        fields = ["label", "expires_at", "revoked_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["expires_at"].initial = timezone.now() + timedelta(days=REPORT_LINK_DAYS)


class SponsorReportLinkInline(NetworkWideAdmin, admin.TabularInline):
    """Read-only report links for the sponsor: add one, send its address; revoke it at any time."""

    model = SponsorReportLink
    form = ReportLinkForm
    extra = 0
    fields = ["label", "expires_at", "revoked_at", "address"]
    readonly_fields = ["address"]
    verbose_name_plural = "sponsor report links (read-only, no account needed)"

    def has_view_permission(self, request, obj=None):
        return is_network_admin(request.user)

    @admin.display(description="address to send")
    def address(self, link):
        if not link.pk:
            return "Saved links get their address here."
        url = settings.SITE_URL + reverse("sponsors:report", args=[report_link_token(link)])
        state = "revoked" if link.revoked_at else ("expired" if not link.is_valid() else "works")
        return format_html('<a href="{}">{}</a> ({})', url, url, state)


class CampaignShowFilter(ShowListFilter):
    show_path = "shows"


@admin.register(Campaign)
class CampaignAdmin(NetworkWideAdmin, admin.ModelAdmin):
    """Campaigns are listed, and offered in autocomplete, for the shows they run on.

    Reads are not listed here: they would name other shows' unpublished episodes.
    """

    list_display = ["__str__", "promo_code", "starts_on", "ends_on", "booked_downloads", "delivery"]
    list_filter = [CampaignShowFilter, "starts_on"]
    list_select_related = ["sponsor"]
    search_fields = ["name", "sponsor__name", "promo_code"]
    autocomplete_fields = ["sponsor"]
    filter_horizontal = ["shows"]
    fieldsets = [
        (None, {"fields": ["sponsor", "name", "shows"]}),
        ("The read", {"fields": ["read_copy", "promo_url", "promo_code", ("track_clicks", "click_code")]}),
        ("Flight", {"fields": [("starts_on", "ends_on"), "booked_downloads"]}),
    ]
    inlines = [SponsorReportLinkInline]

    def get_inlines(self, request, obj):
        # Links name a saved campaign; the add form stays as it was.
        return self.inlines if obj is not None and is_network_admin(request.user) else []

    @admin.display(description="report")
    def delivery(self, campaign):
        return format_html(
            '<a href="{}">Delivery report</a>', reverse("admin:sponsors_campaign_report", args=[campaign.pk])
        )

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        reports = self.admin_site.admin_view(self.reports_view)
        return [
            path("reports/", reports, name="sponsors_campaign_reports"),
            path("<int:campaign_id>/report/", report, name="sponsors_campaign_report"),
            *super().get_urls(),
        ]

    @staticmethod
    def reportable(request):
        if not can(request.user, "analytics"):
            raise PermissionDenied
        running = Campaign.objects.filter(shows__in=shows_for(request.user, "analytics")).values("pk")
        return Campaign.objects.select_related("sponsor").filter(pk__in=running)

    def reports_view(self, request):
        """The campaigns on the user's shows, each linking to its delivery report."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Campaign delivery reports",
            "campaigns": list(self.reportable(request).order_by("-starts_on", "name")),
        }
        return render(request, "admin/sponsors/campaign/reports.html", context)

    def report_view(self, request, campaign_id):
        """What the campaign delivered on the shows whose figures the user may see."""
        campaign = get_object_or_404(self.reportable(request), pk=campaign_id)
        shows = shows_for(request.user, "analytics")
        report = campaign_report(campaign, None if is_network_admin(request.user) else shows)
        if request.GET.get("format") == "csv":
            return report_csv(report, slugify(f"{campaign.sponsor.name}-{campaign.name}"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Delivery report: {campaign}",
            "report": report,
            "campaign_url": reverse("admin:sponsors_campaign_change", args=[campaign.pk])
            if self.has_view_permission(request, campaign)
            else "",
        }
        return render(request, "admin/sponsors/campaign/report.html", context)

    @staticmethod
    def scoped(request, queryset):
        if is_network_admin(request.user):
            return queryset
        running = Campaign.objects.filter(shows__in=shows_for(request.user, "view")).values("pk")
        return queryset.filter(pk__in=running)

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            # Campaigns in flight today first; the others follow, marked (autocomplete_text).
            queryset = queryset.in_flight_first()
        return queryset, may_have_duplicates

    def autocomplete_text(self, campaign):
        today = timezone.localdate()
        if campaign.in_flight_on(today):
            return f"{campaign} · in flight, {campaign.flight_display()}"
        state = "ended" if campaign.ends_on and campaign.ends_on < today else "not started"
        return f"{campaign} · not in flight ({state}: {campaign.flight_display()})"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_network_admin(request.user):
            return fieldsets
        # A campaign may also run on shows this user must not know of (a private show).
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "shows"]})
            for name, opts in fieldsets
        ]


def reports_index_link(request):
    if can(request.user, "analytics"):
        return ("Campaign delivery reports", reverse("admin:sponsors_campaign_reports"))
    return None


admin.site.extend(lambda site: [], reports_index_link)
