"""Admin inlines of the Podcasting 2.0 tags a show or an episode carries in its feed."""

from django.contrib import admin

from episodes.models import (
    AlternateEnclosure,
    FundingLink,
    LiveItem,
    Location,
    PlatformBlock,
    PodcastImage,
    SocialInteract,
    Trailer,
    TxtRecord,
)
from episodes.scoped_admin import ShowScopedInline

TAG_FIELDS = {
    FundingLink: ["url", "text", "order"],
    Location: ["name", "geo", "osm", "rel", "country", "order"],
    TxtRecord: ["purpose", "value", "order"],
    PodcastImage: ["href", "alt", "purpose", "aspect_ratio", "width", "height", "mime_type", "order"],
}


def _inline(model, owner, base=admin.TabularInline):
    attrs = {"model": model, "fk_name": owner, "extra": 0, "fields": TAG_FIELDS[model]}
    if owner == "show":
        attrs.update(parent_show_path=None, edit_action="manage")
    return type(f"{owner.title()}{model.__name__}Inline", (ShowScopedInline, base), attrs)


SHOW_TAG_INLINES = [_inline(model, "show") for model in TAG_FIELDS]
EPISODE_TAG_INLINES = [_inline(model, "episode") for model in TAG_FIELDS]


class TrailerInline(ShowScopedInline, admin.TabularInline):
    model = Trailer
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = ["title", "url", "pub_date", "length", "mime_type", "season", "order"]


class PlatformBlockInline(ShowScopedInline, admin.TabularInline):
    model = PlatformBlock
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = ["platform", "blocked", "order"]


class LiveItemInline(ShowScopedInline, admin.StackedInline):
    model = LiveItem
    extra = 0
    parent_show_path = None
    edit_action = "manage"
    fields = [
        ("title", "guid", "status"),
        ("start", "end"),
        "summary",
        "link",
        ("enclosure_url", "enclosure_type", "enclosure_length"),
        "content_links",
    ]


class SocialInteractInline(ShowScopedInline, admin.TabularInline):
    model = SocialInteract
    extra = 0
    fields = ["protocol", "uri", "account_id", "account_url", "priority", "order"]


class AlternateEnclosureInline(ShowScopedInline, admin.StackedInline):
    model = AlternateEnclosure
    extra = 0
    fields = [
        "file",
        ("mime_type", "length", "bitrate", "duration"),
        ("title", "language", "rel", "codecs", "height", "default"),
        "sources",
        "integrity",
        "order",
    ]
    readonly_fields = ["duration"]


SHOW_INLINES = [*SHOW_TAG_INLINES, TrailerInline, PlatformBlockInline, LiveItemInline]
EPISODE_INLINES = [*EPISODE_TAG_INLINES, SocialInteractInline, AlternateEnclosureInline]
