from django.contrib import admin
from django.utils import timezone

from episodes.access import is_network_admin, shows_for
from episodes.scoped_admin import NetworkWideAdmin, ShowListFilter

from .models import Campaign, Sponsor


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


class CampaignShowFilter(ShowListFilter):
    show_path = "shows"


@admin.register(Campaign)
class CampaignAdmin(NetworkWideAdmin, admin.ModelAdmin):
    """Campaigns are listed, and offered in autocomplete, for the shows they run on.

    Reads are not listed here: they would name other shows' unpublished episodes.
    """

    list_display = ["__str__", "promo_code", "starts_on", "ends_on"]
    list_filter = [CampaignShowFilter, "starts_on"]
    list_select_related = ["sponsor"]
    search_fields = ["name", "sponsor__name", "promo_code"]
    autocomplete_fields = ["sponsor"]
    filter_horizontal = ["shows"]
    fieldsets = [
        (None, {"fields": ["sponsor", "name", "shows"]}),
        ("The read", {"fields": ["read_copy", "promo_url", "promo_code"]}),
        ("Flight", {"fields": [("starts_on", "ends_on")]}),
    ]

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
