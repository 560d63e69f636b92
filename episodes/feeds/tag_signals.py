"""The Podcasting 2.0 tag rows (funding, location, txt, image, trailer, block, live item, social
interaction, alternate enclosure) are in the feeds: saving or deleting one changes its show's
feed (its ETag and Last-Modified), like the receivers of ``caching.connect_signals``."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from episodes.feeds.caching import touch_shows


def _tag_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    show_id = getattr(instance, "show_id", None)
    episode_id = getattr(instance, "episode_id", None)
    if show_id:
        touch_shows(Q(pk=show_id))
    elif episode_id:
        touch_shows(Q(episodes__pk=episode_id))


def connect_tag_signals():
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

    uid = "feeds-last-change-tags"
    for model in (
        AlternateEnclosure,
        FundingLink,
        LiveItem,
        Location,
        PlatformBlock,
        PodcastImage,
        SocialInteract,
        Trailer,
        TxtRecord,
    ):
        post_save.connect(_tag_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_tag_changed, sender=model, dispatch_uid=uid)
