from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from people.models import Credit, Pick, ShowHost
from podcastcms.admin import (
    NetworkAdminOnly,
    ShowListFilter,
    ShowScopedAdmin,
    ShowScopedInline,
)
from sponsors.models import SponsorRead

from . import services
from .access import can, is_network_admin
from .models import (
    Announcement,
    Chapter,
    Episode,
    EpisodeLink,
    Network,
    Show,
    Soundbite,
    Team,
    Transcript,
)


class CreditInline(ShowScopedInline, admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class PickInline(ShowScopedInline, admin.TabularInline):
    model = Pick
    extra = 0
    fields = ["person", "title", "url", "order"]
    autocomplete_fields = ["person"]


class EpisodeLinkInline(ShowScopedInline, admin.TabularInline):
    model = EpisodeLink
    extra = 0
    fields = ["title", "url", "order"]


class SponsorReadFormSet(forms.BaseInlineFormSet):
    """Checks each read's campaign against the episode's show, also while the episode is new.

    ``SponsorRead.clean`` can only check once the episode has been saved.
    """

    def clean(self):
        super().clean()
        show_id = self.instance.show_id
        for form in self.forms:
            campaign = getattr(form, "cleaned_data", {}).get("campaign")
            if campaign is None or form.cleaned_data.get("DELETE") or show_id is None:
                continue
            if not campaign.shows.filter(pk=show_id).exists():
                form.add_error("campaign", "This campaign does not run on this show.")


class SponsorReadInline(ShowScopedInline, admin.StackedInline):
    # Stacked: the copy is a rich-text editor, too wide for a table row.
    model = SponsorRead
    formset = SponsorReadFormSet
    extra = 0
    fields = [("campaign", "position", "order"), "copy"]
    autocomplete_fields = ["campaign"]


class ChapterInline(ShowScopedInline, admin.TabularInline):
    model = Chapter
    extra = 0
    fields = ["start_time", "title", "url"]


class TranscriptInline(ShowScopedInline, admin.TabularInline):
    model = Transcript
    extra = 0
    fields = ["file", "url", "mime_type", "language", "is_captions"]


class SoundbiteInline(ShowScopedInline, admin.TabularInline):
    model = Soundbite
    extra = 0
    fields = ["start_time", "duration", "title"]


class EpisodeAdminForm(forms.ModelForm):
    """Checks publishing against the show chosen in the form, not only the one shown."""

    user = None  # set per request by EpisodeAdmin.get_form; the admin supplies Meta

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("status")
        show = cleaned_data.get("show") or (self.instance.show if self.instance.show_id else None)
        if show is None or can(self.user, "publish", show):
            if (
                status == Episode.PUBLISHED
                and not cleaned_data.get("published_at")
                and "published_at" in self.fields
            ):
                cleaned_data["published_at"] = timezone.now()
            return cleaned_data
        # The form may offer publishing because the user is an editor of another show.
        if status == Episode.PUBLISHED and {"status", "show"} & set(self.changed_data):
            self.add_error("status", f"Only editors of {show} may publish its episodes.")
        if "published_at" in self.changed_data:
            self.add_error("published_at", f"Only editors of {show} may set the publication time.")
        return cleaned_data


@admin.action(description="Publish the selected episodes now", permissions=["publish"])
def publish_episodes(modeladmin, request, queryset):
    published, refused = 0, []
    for episode in queryset.select_related("show"):
        if episode.status == Episode.PUBLISHED:
            continue
        try:
            services.publish(episode, request.user)
        except (PermissionDenied, ValidationError) as exc:
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append(f"“{episode}”: {reason}")
        else:
            published += 1
    modeladmin.message_user(request, f"Published {published} episode(s).", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not published: " + " ".join(refused), messages.WARNING)


@admin.action(description="Unpublish the selected episodes (back to draft)", permissions=["publish"])
def unpublish_episodes(modeladmin, request, queryset):
    unpublished, refused = 0, []
    for episode in queryset.select_related("show").filter(status=Episode.PUBLISHED):
        try:
            services.unpublish(episode, request.user)
        except PermissionDenied as exc:
            refused.append(f"“{episode}”: {exc}")
        else:
            unpublished += 1
    modeladmin.message_user(request, f"Unpublished {unpublished} episode(s).", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not unpublished: " + " ".join(refused), messages.WARNING)


@admin.register(Episode)
class EpisodeAdmin(ShowScopedAdmin, admin.ModelAdmin):
    # Producers draft and edit; deleting an episode takes it off the feed, as unpublishing does.
    delete_action = "publish"
    form = EpisodeAdminForm
    list_display = ["title", "show", "number", "status", "published_at", "audio_duration"]
    list_filter = [ShowListFilter, "status", "published_at"]
    list_select_related = ["show"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["guid", "audio_duration", "audio_size", "audio_mime_type", "published_by"]
    fieldsets = [
        (None, {"fields": ["show", "title", "slug", ("number", "season", "episode_type"), "summary"]}),
        ("Show notes", {"fields": ["show_notes"]}),
        (
            "Audio",
            {
                "fields": ["audio", "external_audio_url", "audio_duration", "audio_size", "audio_mime_type"],
                "description": "Duration, size and type are read from the uploaded file.",
            },
        ),
        ("Artwork", {"fields": ["artwork", "explicit"]}),
        ("Publication", {"fields": ["status", "published_at", "published_by", "guid"]}),
        ("Imported from another host", {"fields": ["link", "chapters_url"], "classes": ["collapse"]}),
    ]
    inlines = [
        CreditInline,
        PickInline,
        EpisodeLinkInline,
        SponsorReadInline,
        ChapterInline,
        TranscriptInline,
        SoundbiteInline,
    ]
    actions = [publish_episodes, unpublish_episodes]
    view_on_site = True

    @admin.display(description="duration")
    def audio_duration(self, obj):
        return obj.duration_display() or None  # None shows the admin's empty value

    def has_publish_permission(self, request):
        return can(request.user, "publish")

    def may_publish(self, request, obj=None):
        return can(request.user, "publish", obj.show if obj is not None else None)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.may_publish(request, obj):
            readonly.append("published_at")
            if obj is not None and obj.status == Episode.PUBLISHED:
                readonly.append("status")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.podcastcms_may_publish = self.may_publish(request, obj)
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not getattr(request, "podcastcms_may_publish", False):
            kwargs["choices"] = [(k, v) for k, v in db_field.choices if k != Episode.PUBLISHED]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        sole_show = self.sole_show(request)
        if sole_show is not None:
            initial.setdefault("show", sole_show.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if obj.status == Episode.PUBLISHED and (not change or "status" in form.changed_data):
            obj.published_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        episode = form.instance
        if not change and not episode.credits.filter(group="cast", role="host").exists():
            # A new episode credits the show's regular hosts unless the form named its own.
            for host in episode.show.hosts.all():
                Credit.objects.get_or_create(
                    episode=episode, person=host.person, role=host.role, defaults={"order": host.order}
                )


class ShowHostInline(ShowScopedInline, admin.TabularInline):
    model = ShowHost
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class AnnouncementInline(ShowScopedInline, admin.StackedInline):
    model = Announcement
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = ["text", ("starts_on", "ends_on", "order")]


@admin.register(Show)
class ShowAdmin(ShowScopedAdmin, admin.ModelAdmin):
    show_path = None
    edit_action = add_action = delete_action = "manage"
    list_display = ["title", "slug", "is_public", "category", "show_type"]
    list_filter = ["is_public", "category"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["podcast_guid"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "description", "artwork", "is_public"]}),
        ("Directory", {"fields": ["language", ("category", "subcategory"), "explicit", "show_type"]}),
        ("People", {"fields": ["author", ("owner_name", "owner_email"), "copyright", "website"]}),
        ("Episode pages", {"fields": ["intro", "music_credit", ("music_license", "music_license_url")]}),
        (
            "Feed",
            {
                "fields": [
                    "podcast_guid",
                    "itunes_block",
                    "itunes_complete",
                    "podcast_locked",
                    ("funding_url", "funding_text"),
                    ("new_feed_url", "feed_move_confirmed"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ShowHostInline, AnnouncementInline]
    view_on_site = True

    def has_add_permission(self, request):
        return is_network_admin(request.user)


@admin.register(Team)
class TeamAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["name", "role", "all_shows"]
    list_filter = ["role", "all_shows"]
    search_fields = ["name"]
    filter_horizontal = ["shows", "members"]


@admin.register(Network)
class NetworkAdmin(NetworkAdminOnly, admin.ModelAdmin):
    list_display = ["name", "website"]
    readonly_fields = ["podcast_guid"]

    def has_add_permission(self, request, obj=None):
        # One network per install.
        return is_network_admin(request.user) and not Network.objects.exists()
