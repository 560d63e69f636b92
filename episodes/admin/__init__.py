import os
import uuid

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from reversion.admin import VersionAdmin

from episodes import services
from episodes.access import can, is_network_admin
from episodes.admin import bulk, feed_tags, revisions
from episodes.admin.actions import (
    WORKFLOW_ACTIONS,
    EpisodeSlugHistoryInline,
    PublicationRecordInline,
    preview_link,
)
from episodes.admin.calendar import calendar_urls
from episodes.admin.uploads import AudioUploadWidget, direct_upload_origin, staged_description, upload_urls
from episodes.analytics.admin import analytics_urls
from episodes.analytics.admin import index_link as analytics_index_link
from episodes.audio_uploads import StagedAudio
from episodes.feeds.lint import feed_check as lint_feed_check
from episodes.feeds.lint import lint_episode, lint_show
from episodes.imports.admin import import_feed_urls
from episodes.models import (
    Announcement,
    Chapter,
    Episode,
    EpisodeLink,
    EpisodeSlugHistory,
    ListenLink,
    Network,
    NotificationSettings,
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
from podcastcms.validators import read_audio_metadata
from sponsors.models import SponsorRead, publication_day


def add_lint_errors(form, findings):
    """Feed-lint errors as form errors at their fields (at the top when the field is not in the form)."""
    refused = set(form.errors)  # fields whose own validation already said what is wrong
    for finding in findings:
        if not finding.is_error:
            continue
        field = finding.field if finding.field in form.fields else None
        if field and field in refused:
            continue
        form.add_error(field, finding.message)


class PlainURLInputs:
    """URL fields as plain inputs: the admin's "Currently: … Change:" repeats each address above it."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["widget"] = forms.URLInput(attrs={"class": "vURLField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CreditInline(ShowScopedInline, admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # The show's hosts are credited on their own; a credit added by hand is most often a guest.
            kwargs["initial"] = "guest"
        if db_field.name == "person":
            kwargs["help_text"] = "Type a name; add new people under People."
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PickInline(PlainURLInputs, ShowScopedInline, admin.TabularInline):
    model = Pick
    extra = 0
    fields = ["person", "title", "url", "order"]
    autocomplete_fields = ["person"]


class EpisodeLinkInline(PlainURLInputs, ShowScopedInline, admin.TabularInline):
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
        episode = self.instance
        day = publication_day(episode.published_at) if episode.status == Episode.PUBLISHED else None
        for form in self.forms:
            campaign = getattr(form, "cleaned_data", {}).get("campaign")
            if campaign is None or form.cleaned_data.get("DELETE") or show_id is None:
                continue
            if not campaign.shows.filter(pk=show_id).exists():
                form.add_error("campaign", "This campaign does not run on this show.")
            elif day is not None and episode.pk is None and (problem := campaign.flight_problem(day)):
                # A saved episode's reads are checked by SponsorRead.clean; a new one has no id yet.
                form.add_error("campaign", problem)


class SponsorReadInline(ShowScopedInline, admin.StackedInline):
    # Stacked: the copy is a rich-text editor, too wide for a table row.
    model = SponsorRead
    formset = SponsorReadFormSet
    extra = 0
    fields = [("campaign", "position", "order"), "copy"]
    autocomplete_fields = ["campaign"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["help_text"] = (
                "Campaigns in flight today come first; the others are marked. A read must fall within "
                "its campaign's flight when the episode goes out."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TimecodeField(forms.Field):
    """A time in the audio as HH:MM:SS, HH:MM:SS.mmm, MM:SS or plain seconds, stored as seconds."""

    widget = forms.TextInput(attrs={"size": 12, "placeholder": "00:00:00.000", "class": "vTimecode"})
    default_error_messages = {
        "invalid": "Enter a time in the audio as HH:MM:SS or HH:MM:SS.mmm, e.g. 00:01:02.500.",
    }

    def to_python(self, value):
        from decimal import Decimal, InvalidOperation

        value = (value or "").strip()
        if not value:
            return None
        parts = value.split(":")
        try:
            if len(parts) > 3 or any(p.strip() == "" for p in parts):
                raise ValueError
            seconds = Decimal(parts[-1])
            minutes = int(parts[-2]) if len(parts) >= 2 else 0
            hours = int(parts[-3]) if len(parts) == 3 else 0
        except (ValueError, InvalidOperation):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if seconds < 0 or minutes < 0 or hours < 0 or (len(parts) > 1 and (seconds >= 60 or minutes >= 60)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if seconds.as_tuple().exponent < -3:
            raise ValidationError(
                "Give the time to the millisecond at most (three decimals).", code="precision"
            )
        return hours * 3600 + minutes * 60 + seconds

    def prepare_value(self, value):
        from decimal import Decimal, InvalidOperation

        try:
            seconds = Decimal(value)
        except (TypeError, ValueError, InvalidOperation):
            return value
        whole, fraction = divmod(seconds, 1)
        hours, rest = divmod(int(whole), 3600)
        minutes, secs = divmod(rest, 60)
        text = f"{hours:02}:{minutes:02}:{secs:02}"
        return text + f".{int(fraction * 1000):03}" if fraction else text


class ChapterInline(PlainURLInputs, ShowScopedInline, admin.TabularInline):
    model = Chapter
    extra = 0
    fields = ["start_time", "title", "url", "image"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "start_time":
            return TimecodeField(label="starts at", help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TranscriptInline(PlainURLInputs, ShowScopedInline, admin.TabularInline):
    model = Transcript
    extra = 0
    fields = ["file", "url", "mime_type", "language", "is_captions"]


class SoundbiteInline(ShowScopedInline, admin.TabularInline):
    model = Soundbite
    extra = 0
    fields = ["start_time", "duration", "title"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "start_time":
            return TimecodeField(label="starts at", help_text="Where it starts, as HH:MM:SS(.mmm).")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EpisodeAdminForm(forms.ModelForm):
    """Checks publishing against the show chosen in the form, not only the one shown.

    On an episode that is (or is being) published or scheduled, the feed lint's errors are
    form errors at their fields and nothing is saved; on a draft the change form lists them
    at the top instead (``EpisodeAdmin.change_view``).
    """

    user = None  # set per request by EpisodeAdmin.get_form; the admin supplies Meta
    staged_audio = forms.CharField(required=False, widget=forms.HiddenInput)
    review_comment = forms.CharField(
        label="comment for the producer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Sent by e-mail with the episode when you send it back to draft.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        audio = self.fields.get("audio")
        if audio is not None and isinstance(audio.widget, AudioUploadWidget):
            audio.widget.episode = self.instance if self.instance.pk else None
            audio.widget.staged_description = staged_description(self.staged_token(), self.user)

    def staged_token(self):
        value = (self.data.get(self.add_prefix("staged_audio")) or "").strip() if self.is_bound else ""
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            return None

    def wanted_status(self, cleaned_data):
        if "status" in cleaned_data:
            return cleaned_data["status"]
        return self.instance.status if self.instance.pk else Episode.DRAFT

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        show = self.cleaned_data.get("show") or (self.instance.show if self.instance.show_id else None)
        if show is None:
            return slug
        others = Episode.objects.filter(show=show, slug=slug).exclude(pk=self.instance.pk)
        taken = others.only("title").first()
        if taken is not None:
            raise ValidationError(
                f"“{taken.title}” already uses this slug on {show}; choose another (the page address "
                "must be unique within the show)."
            )
        if (
            EpisodeSlugHistory.objects.filter(show=show, old_slug=slug)
            .exclude(episode=self.instance.pk)
            .exists()
        ):
            raise ValidationError(
                "An older address of another episode of this show uses this slug and still redirects "
                "there; choose another."
            )
        return slug

    def clean_staged(self, cleaned_data):
        token = self.staged_token()
        if token is None:
            if isinstance(cleaned_data.get("audio"), UploadedFile):
                self.instance.audio_original_name = os.path.basename(cleaned_data["audio"].name)[:255]
            return
        staged = StagedAudio.objects.filter(token=token, user=self.user).first()
        show = cleaned_data.get("show")
        if staged is None or (show is not None and staged.show_id != show.pk):
            self.add_error(
                "audio", "The uploaded audio belongs to another show or has expired; choose the file again."
            )
            return
        self.staged = staged
        cleaned_data["audio"] = staged.file.name
        self.instance.audio_original_name = staged.original_name

    def _post_clean(self):
        super()._post_clean()
        if self.wanted_status(self.cleaned_data) != Episode.PUBLISHED or self.instance.show_id is None:
            return
        episode = self.instance
        staged = getattr(self, "staged", None)
        if staged is not None:
            episode.duration, episode.audio_size, episode.audio_mime_type = (
                staged.duration,
                staged.size,
                staged.mime_type,
            )
        elif episode.audio and not getattr(episode.audio, "_committed", True):
            try:
                metadata = read_audio_metadata(episode.audio.file)
            except ValidationError:
                return  # the audio field already says why
            episode.duration, episode.audio_size, episode.audio_mime_type = (
                metadata["duration"],
                metadata["size"],
                metadata["mime_type"],
            )
        status = episode.status
        episode.status = Episode.PUBLISHED
        try:
            add_lint_errors(self, lint_episode(episode))
        finally:
            episode.status = status

    def clean(self):
        cleaned_data = super().clean()
        self.clean_staged(cleaned_data)
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


class ShowAdminForm(forms.ModelForm):
    """A public show's feed-lint errors are form errors at their fields: nothing is saved."""

    def _post_clean(self):
        super()._post_clean()
        if self.instance.is_public:
            add_lint_errors(self, lint_show(self.instance, episodes=False))


class FeedCheckField:
    """A read-only field listing what the feed lint finds on the object."""

    @admin.display(description="feed check")
    def feed_check(self, obj):
        return lint_feed_check(obj)


@admin.register(Episode)
class EpisodeAdmin(
    PlainURLInputs, FeedCheckField, ShowScopedAdmin, revisions.ScopedVersionAdmin, VersionAdmin
):
    # Producers draft and edit; deleting an episode takes it off the feed, as unpublishing does.
    delete_action = "publish"
    form = EpisodeAdminForm
    change_form_template = "admin/episodes/episode/change_form.html"
    list_display = ["title", "show", "episode_number", "state", "publication", "audio_duration"]

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        origin = direct_upload_origin()
        if origin:
            # With object storage the audio goes from the browser straight to the bucket.
            response._csp_update = {"connect-src": [origin]}
        return response

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
                "fields": ["audio", "staged_audio", "external_audio_url"],
                "description": "The file's name, length, size and type are read from it when it is uploaded.",
            },
        ),
        ("Artwork", {"fields": ["artwork", "explicit"]}),
        ("Publication", {"fields": ["status", "published_at", "published_by", "guid", "preview"]}),
        ("Feed check", {"fields": ["feed_check"], "classes": ["collapse"]}),
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
    actions = WORKFLOW_ACTIONS + bulk.EPISODE_ACTIONS
    view_on_site = True

    class Media:
        # The change form and the list fit a 1280 px window.
        css = {"all": ["episodes/admin/episode-form.css"]}

    def get_urls(self):
        return calendar_urls(self) + upload_urls(self) + revisions.revision_urls(self) + super().get_urls()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # Nothing to show yet: no guid, no publisher, no preview, no feed check.
            hidden = {"guid", "published_by", "preview", "feed_check"}
            fieldsets = [
                (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
                for name, opts in fieldsets
            ]
            fieldsets = [(name, opts) for name, opts in fieldsets if opts["fields"]]
        elif self.may_publish(request, obj) and obj.status == Episode.REVIEW:
            fieldsets = [
                (name, {**opts, "fields": [*opts["fields"], "review_comment"]})
                if name == "Publication"
                else (name, opts)
                for name, opts in fieldsets
            ]
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "audio":
            kwargs["widget"] = AudioUploadWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_view_on_site_url(self, obj=None):
        # A draft has no public page yet: "view on site" opens its preview instead.
        if obj is not None and obj.pk and not obj.is_public:
            return services.preview_url(obj, absolute=False)
        return super().get_view_on_site_url(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        problems = []
        if obj is not None and obj.status != Episode.PUBLISHED:
            problems = services.publication_problems(obj, obj.published_at or timezone.now())
        extra_context = {
            **(extra_context or {}),
            "publication_problems": problems,
            "offer_mark_ready": obj is not None and obj.status == Episode.DRAFT,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "offer_mark_ready": True}
        return super().add_view(request, form_url, extra_context)

    def get_inlines(self, request, obj):
        if obj is None:
            # A new episode has no publication or slug history to show.
            return [i for i in self.inlines if i not in (PublicationRecordInline, EpisodeSlugHistoryInline)]
        return self.inlines

    @admin.display(description="preview link")
    def preview(self, obj):
        return preview_link(obj)

    @admin.display(description="no.", ordering="number")
    def episode_number(self, obj):
        return obj.number

    @admin.display(description="publication", ordering="published_at")
    def publication(self, obj):
        if obj.published_at is None:
            return None
        return f"{timezone.localtime(obj.published_at):%-d %b %Y, %H:%M}"

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
        # service (after the inlines, whose reads it checks), which checks the role again and
        # records who published the episode and when.
        state_changed = bool({"status", "published_at"} & set(form.changed_data))
        wanted_status, wanted_time = obj.status, obj.published_at
        if "_mark_ready" in request.POST and wanted_status == Episode.DRAFT:
            # The "Save and mark ready for review" button: the producer's hand-over in one click.
            state_changed, wanted_status = True, Episode.REVIEW
        if state_changed:
            if change:
                stored = Episode.objects.only("status", "published_at").get(pk=obj.pk)
                obj.status, obj.published_at = stored.status, stored.published_at
            else:
                obj.status, obj.published_at = Episode.DRAFT, None
        super().save_model(request, obj, form, change)
        staged = getattr(form, "staged", None)
        if staged is not None:
            StagedAudio.objects.filter(pk=staged.pk).delete()  # the file is the episode's now
        form.wanted_state = (
            (wanted_status, wanted_time)
            if state_changed and (wanted_status, wanted_time) != (obj.status, obj.published_at)
            else None
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        episode = form.instance
        if getattr(form, "wanted_state", None):
            wanted_status, wanted_time = form.wanted_state
            comment = form.cleaned_data.get("review_comment", "")
            services.set_status(episode, request.user, wanted_status, wanted_time, comment=comment)
        if not change:
            services.credit_default_hosts(episode)


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


class ListenLinkInline(ShowScopedInline, admin.TabularInline):
    model = ListenLink
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = ["platform", "label", "url", "order"]
    verbose_name_plural = "“Listen on” links (shown on the show's and its episodes' pages)"


@admin.register(Show)
class ShowAdmin(FeedCheckField, ShowScopedAdmin, admin.ModelAdmin):
    form = ShowAdminForm
    show_path = None
    edit_action = add_action = delete_action = "manage"
    list_display = ["title", "slug", "is_public", "category", "show_type"]
    list_filter = ["is_public", "category"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["podcast_guid", "feed_check", "delivery_log"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "description", "artwork", "is_public"]}),
        ("Feed check", {"fields": ["feed_check", "delivery_log"]}),
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
    inlines = [ShowHostInline, AnnouncementInline, ListenLinkInline, *feed_tags.SHOW_INLINES]
    view_on_site = True

    def has_add_permission(self, request):
        return is_network_admin(request.user)

    @admin.display(description="pings sent")
    def delivery_log(self, obj):
        from episodes.notify.admin import show_delivery_log_link

        return show_delivery_log_link(obj) if obj.pk else "-"

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


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    """Each user sees and changes only their own settings (one row, made on first visit)."""

    fields = ["email_enabled"]

    def has_module_permission(self, request):
        return can(request.user, "view")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "view") and (obj is None or obj.user_id == request.user.pk)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        setting, _ = NotificationSettings.objects.get_or_create(user=request.user)
        return redirect("admin:episodes_notificationsettings_change", setting.pk)


from episodes.api import admin as api_admin  # noqa: E402, F401  (API tokens)
from episodes.notify import admin as notify_admin  # noqa: E402, F401 - deliveries, webhooks, tasks

admin.site.extend(analytics_urls, analytics_index_link)
