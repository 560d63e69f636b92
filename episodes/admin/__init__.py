from django import forms
from django.contrib import admin
from django.utils import timezone

from episodes import services
from episodes.access import can, is_network_admin
from episodes.admin import feed_tags
from episodes.admin.actions import (
    WORKFLOW_ACTIONS,
    EpisodeSlugHistoryInline,
    PublicationRecordInline,
    preview_link,
)
from episodes.feeds.lint import feed_check as lint_feed_check
from episodes.imports.admin import import_feed_urls
from episodes.models import (
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
from episodes.scoped_admin import (
    NetworkAdminOnly,
    ShowListFilter,
    ShowScopedAdmin,
    ShowScopedInline,
)
from people.models import Credit, Pick, ShowHost
from sponsors.models import SponsorRead


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
    fields = ["start_time", "title", "url", "image"]


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
        stored = (
            Episode.objects.filter(pk=self.instance.pk).values("show_id", "status").first()
            if self.instance.pk
            else None
        )
        # A read-only status is not posted: the stored one still applies.
        status = cleaned_data.get("status", stored["status"] if stored else Episode.DRAFT)
        show = cleaned_data.get("show") or (self.instance.show if self.instance.show_id else None)
        if stored and stored["status"] == Episode.PUBLISHED:
            self.check_published_episode(stored, status, show)
        if (
            status != Episode.PUBLISHED
            and cleaned_data.get("published_at")
            and "published_at" in self.changed_data
        ):
            self.add_error(
                "published_at", "A publication time applies to published episodes: choose Published."
            )
        if show is None or can(self.user, "publish", show):
            if (
                status == Episode.PUBLISHED
                and not cleaned_data.get("published_at")
                and "published_at" in self.fields
            ):
                cleaned_data["published_at"] = timezone.now()
            return cleaned_data
        # The form may offer publishing because the user is an editor of another show.
        if (
            "status" in self.fields
            and status == Episode.PUBLISHED
            and {"status", "show"} & set(self.changed_data)
        ):
            self.add_error("status", f"Only editors of {show} may publish its episodes.")
        if "published_at" in self.changed_data:
            self.add_error("published_at", f"Only editors of {show} may set the publication time.")
        return cleaned_data

    def check_published_episode(self, stored, status, show):
        """Moving a published episode takes it off one feed and onto another: publishing twice."""
        moved = show is not None and show.pk != stored["show_id"]
        if moved and not (can(self.user, "publish", stored["show_id"]) and can(self.user, "publish", show)):
            self.add_error(
                "show", "Only an editor of both shows may move a published episode to another show."
            )
        if status == Episode.REVIEW:
            self.add_error(
                "status", "This episode is published: choose Draft to unpublish it before a review."
            )


class FeedCheckField:
    """A read-only field listing what the feed lint finds on the object."""

    @admin.display(description="feed check")
    def feed_check(self, obj):
        return lint_feed_check(obj)


@admin.register(Episode)
class EpisodeAdmin(FeedCheckField, ShowScopedAdmin, admin.ModelAdmin):
    # Producers draft and edit; deleting an episode takes it off the feed, as unpublishing does.
    delete_action = "publish"
    form = EpisodeAdminForm
    list_display = ["title", "show", "number", "state", "published_at", "audio_duration"]
    list_filter = [ShowListFilter, "status", "published_at"]
    list_select_related = ["show"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "guid",
        "audio_duration",
        "audio_size",
        "audio_mime_type",
        "published_by",
        "preview",
        "feed_check",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "show",
                    "title",
                    "slug",
                    ("number", "season", "episode_type"),
                    "summary",
                    "interview_topic",
                ]
            },
        ),
        ("Show notes", {"fields": ["show_notes"]}),
        (
            "Audio",
            {
                "fields": ["audio", "external_audio_url", "audio_duration", "audio_size", "audio_mime_type"],
                "description": "Duration, size and type are read from the uploaded file.",
            },
        ),
        ("Artwork", {"fields": ["artwork", "explicit"]}),
        ("Publication", {"fields": ["status", "published_at", "published_by", "guid", "preview"]}),
        ("Feed check", {"fields": ["feed_check"]}),
        (
            "Imported from another host",
            {
                "fields": ["link", "artwork_url", "chapters_url", ("season_name", "episode_display")],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [
        CreditInline,
        PickInline,
        EpisodeLinkInline,
        SponsorReadInline,
        ChapterInline,
        TranscriptInline,
        SoundbiteInline,
        *feed_tags.EPISODE_INLINES,
        PublicationRecordInline,
        EpisodeSlugHistoryInline,
    ]
    actions = WORKFLOW_ACTIONS
    view_on_site = True

    def get_inlines(self, request, obj):
        if obj is None:
            # A new episode has no publication or slug history to show.
            return [i for i in self.inlines if i not in (PublicationRecordInline, EpisodeSlugHistoryInline)]
        return self.inlines

    @admin.display(description="preview link")
    def preview(self, obj):
        return preview_link(obj)

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

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
        # The form saves the content; a change of status or time goes through the workflow
        # service, which checks the role again and records who published the episode and when.
        state_changed = bool({"status", "published_at"} & set(form.changed_data))
        wanted_status, wanted_time = obj.status, obj.published_at
        if state_changed:
            if change:
                stored = Episode.objects.only("status", "published_at").get(pk=obj.pk)
                obj.status, obj.published_at = stored.status, stored.published_at
            else:
                obj.status, obj.published_at = Episode.DRAFT, None
        super().save_model(request, obj, form, change)
        if state_changed and (wanted_status, wanted_time) != (obj.status, obj.published_at):
            services.set_status(obj, request.user, wanted_status, wanted_time)

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
class ShowAdmin(FeedCheckField, ShowScopedAdmin, admin.ModelAdmin):
    show_path = None
    edit_action = add_action = delete_action = "manage"
    list_display = ["title", "slug", "is_public", "category", "show_type"]
    list_filter = ["is_public", "category"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["podcast_guid", "feed_check"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "description", "artwork", "is_public"]}),
        ("Feed check", {"fields": ["feed_check"]}),
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
                    "medium",
                    ("license", "license_url"),
                    "more_categories",
                    ("update_frequency", "update_frequency_rrule"),
                    ("update_frequency_complete", "update_frequency_dtstart"),
                    "artwork_url",
                    ("new_feed_url", "feed_move_confirmed"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ShowHostInline, AnnouncementInline, *feed_tags.SHOW_INLINES]
    view_on_site = True

    def has_add_permission(self, request):
        return is_network_admin(request.user)

    def get_urls(self):
        return import_feed_urls(self.admin_site) + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_feeds": is_network_admin(request.user)}
        return super().changelist_view(request, extra_context)


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
