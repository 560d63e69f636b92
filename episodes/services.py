"""Changes to an episode's publication, made by a user who must be allowed to make them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .access import can
from .models import Episode


@transaction.atomic
def publish(episode, user, when=None):
    """Publish now, or schedule for ``when``; records who published it."""
    if not can(user, "publish", episode.show):
        raise PermissionDenied(f"You may not publish episodes of {episode.show}.")
    episode.status = Episode.PUBLISHED
    episode.published_at = when or timezone.now()
    episode.published_by = user
    episode.clean()
    episode.save()
    return episode


@transaction.atomic
def unpublish(episode, user):
    """Take the episode back to draft; it leaves the site and the feed at once."""
    if not can(user, "publish", episode.show):
        raise PermissionDenied(f"You may not unpublish episodes of {episode.show}.")
    episode.status = Episode.DRAFT
    episode.save()
    return episode
