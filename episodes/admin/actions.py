"""Workflow pieces for the episode admin: actions, each a thin call of a service function,
the preview link field and read-only history inlines.

Every selected episode goes through the service, which asks ``episodes.access.can``: what the
user may not do is skipped and named in a message, never done.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html

from episodes import access, services
from episodes.models import EpisodeSlugHistory, PublicationRecord


def _apply(modeladmin, request, queryset, change, done_message):
    done, refused = [], []
    for episode in queryset.select_related("show"):
        try:
            change(episode, request.user)
        except PermissionDenied:
            refused.append(f"“{episode}”: you may not do this on {episode.show}")
        except ValidationError as error:
            refused.append(f"“{episode}”: {' '.join(error.messages).rstrip('.')}")
        else:
            done.append(episode)
    if done:
        titles = ", ".join(f"“{episode}”" for episode in done)
        modeladmin.message_user(request, f"{done_message}: {titles}.", messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, f"Skipped {reason}.", messages.WARNING)
    return done


@admin.action(description="Mark selected episodes ready for review")
def mark_ready_for_review(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, services.mark_ready_for_review, "Ready for review")


@admin.action(description="Publish selected episodes now", permissions=["publish"])
def publish_now(modeladmin, request, queryset):
    def publish_unless_public(episode, user):
        if episode.is_public:
            # Publishing again would move its date and reorder the feed.
            raise ValidationError("it is already public")
        services.publish(episode, user)

    _apply(modeladmin, request, queryset, publish_unless_public, "Published")


@admin.action(description="Unpublish selected episodes", permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, services.unpublish, "Unpublished (now drafts)")


@admin.action(description="Duplicate selected episodes as drafts")
def duplicate(modeladmin, request, queryset):
    copies = []
    _apply(
        modeladmin,
        request,
        queryset,
        lambda episode, user: copies.append(services.duplicate_episode(episode, user)),
        "Duplicated",
    )
    if copies:
        titles = ", ".join(f"“{copy}”" for copy in copies)
        modeladmin.message_user(request, f"New drafts: {titles}.", messages.INFO)


@admin.action(description="Revoke all preview links of selected episodes")
def revoke_preview_links(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        services.revoke_preview_links,
        "Preview links revoked (links shared before no longer open)",
    )


WORKFLOW_ACTIONS = [mark_ready_for_review, publish_now, unpublish, duplicate, revoke_preview_links]


def preview_link(episode):
    """HTML for a read-only admin field: the shareable preview link, or why there is none."""
    if episode is None or episode.pk is None:
        return "Save the episode to get a preview link."
    if episode.is_public:
        return format_html(
            'Public: <a href="{}">{}</a>', episode.get_absolute_url(), episode.get_absolute_url()
        )
    # The link works on any host the admin is served from; the text is the address to share.
    path = services.preview_url(episode, absolute=False)
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a><br>'
        '<span class="help">Anyone with this link can read the episode page until it is published, '
        "the link expires, or the action “Revoke all preview links” ends it.</span>",
        path,
        settings.SITE_URL + path,
    )


class ReadOnlyInline(admin.TabularInline):
    """History that the admin shows and nobody edits."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # ``obj`` is the episode the inline sits on: whoever may see it sees its history.
        return access.can(request.user, "view", obj.show if obj is not None else None)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PublicationRecordInline(ReadOnlyInline):
    """Who published and unpublished the episode, and when."""

    model = PublicationRecord
    fields = readonly_fields = ["action", "user", "recorded_at", "published_at"]
    verbose_name_plural = "publication history"


class EpisodeSlugHistoryInline(ReadOnlyInline):
    """Old slugs that answer 301 to the episode's current URL."""

    model = EpisodeSlugHistory
    fields = readonly_fields = ["old_slug", "changed_at"]
