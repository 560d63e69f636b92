"""The feed store on the task runner: feeds that fell due without an edit (a scheduled episode's
time has come) are rendered by the worker, so a proxy serving the stored files (deploy/nginx.conf)
has them within a sweep interval. Edits render their feeds themselves, once they commit."""

from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from episodes.feeds import store
from episodes.tasks import background, enqueue
from episodes.tasks.worker import periodic


@background(retries=2, backoff=30)
def refresh_due_feeds():
    """Render every due feed (as ``manage.py storefeeds --due``); returns those that changed."""
    return store.refresh_feeds(store.all_feed_names())


@periodic
def schedule_due_feeds(now=None):
    from episodes.feeds.models import StoredFeed

    now = now or timezone.now()
    due = StoredFeed.objects.filter(
        Q(next_change_at__lte=now) | Q(generation__gt=F("rendered_generation"))
    ).exists()
    # One enqueue per minute across workers sharing the cache.
    if due and cache.add("feeds:refresh-due", True, 60):
        enqueue(refresh_due_feeds)
    return due
