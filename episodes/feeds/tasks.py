"""The feed store on the task runner: feeds that fell due without an edit (a scheduled episode's
time has come) are rendered by the worker, so a proxy serving the stored files (deploy/nginx.conf)
has them within a sweep interval. Edits render their own show's feeds themselves once they commit,
and hand the rest (other shows' podrolls, the network feeds) to ``refresh_stored_feeds``."""

from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from episodes.feeds import store
from episodes.tasks import background, enqueue
from episodes.tasks.worker import periodic


def _due(now):
    return Q(next_change_at__lte=now) | Q(generation__gt=F("rendered_generation"))


@background(retries=2, backoff=30)
def refresh_due_feeds():
    """Render every due feed (as ``manage.py storefeeds --due``); returns those that changed."""
    from episodes.feeds.models import StoredFeed

    # Rows of feeds that are gone (a deleted show's) are due too: their render removes them.
    due = StoredFeed.objects.filter(_due(timezone.now())).values_list("name", flat=True)
    return store.refresh_feeds([*store.all_feed_names(), *due])


@background(retries=2, backoff=30)
def refresh_stored_feeds(names):
    """Render the feeds ``names`` that are due: those an edit concerns beyond its own show (every
    podroll when a show is renamed), rendered off the editor's request. Returns those that changed."""
    return store.refresh_feeds(names)


@periodic
def schedule_due_feeds(now=None):
    from episodes.feeds.models import StoredFeed

    now = now or timezone.now()
    due = StoredFeed.objects.filter(_due(now)).exists()
    # One enqueue per minute across workers sharing the cache.
    if due and cache.add("feeds:refresh-due", True, 60):
        enqueue(refresh_due_feeds)
    return due
