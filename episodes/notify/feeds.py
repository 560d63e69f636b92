"""Which of our feeds changed, and the pings each change sends.

``feeds_changed`` (episodes.feeds.caching) says which shows' feeds may have changed. Once the
transaction commits, the feeds concerned are queued for a check; the check renders each feed as
the public gets it and compares a hash of its body with the one last announced. Only a feed
whose body changed is announced, once: to every WebSub hub, through podping and to Podcast
Index. An edit that the feed does not show changes no hash and notifies nobody, and a check
run twice announces nothing the second time.

A scheduled publication changes the feed at its time without any write: each check queues
another for the show's next publication time (``run_after``), and the periodic sweep compares
every feed's validators with the last check's, catching any that was missed.
"""

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from episodes.feeds import rss, store
from episodes.feeds.caching import feeds_changed, stored_state
from episodes.models import Episode, Show
from episodes.tasks import background, later, queue_is_transactional
from episodes.tasks.worker import periodic

from .delivery import deliver
from .models import Delivery, FeedState

NETWORK_KEYS = ("network", "publisher")
# Parts of a body that change with no change of content.
VOLATILE = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>")


def feed_path(key):
    if key.startswith("show:"):
        return None
    return reverse("episodes:network-feed" if key == "network" else "episodes:publisher-feed")


def _request(path):
    # The request a podcast app makes for the feed at SITE_URL; RequestFactory builds it.
    site = urlsplit(settings.SITE_URL)
    return RequestFactory().get(
        path, HTTP_HOST=site.netloc, secure=site.scheme == "https", HTTP_ACCEPT_ENCODING="identity"
    )


def render(key):
    """(feed URL, body) of the feed as the public gets it now; body None when it is not public."""
    if key.startswith("show:"):
        show = Show.objects.filter(pk=int(key.removeprefix("show:"))).first()
        if show is None:
            return None, None
        url = rss.absolute_url(show.get_feed_url())
        try:
            response = rss.show_feed(_request(show.get_feed_url()), show.slug)
        except Http404:  # the show is not public (any more)
            return url, None
    else:
        path = feed_path(key)
        url = rss.absolute_url(path)
        response = (rss.network_feed if key == "network" else rss.publisher_feed)(_request(path))
    if response.status_code != 200:
        return url, None
    return url, response.content


def content_hash(body):
    return hashlib.sha256(VOLATILE.sub(b"", body)).hexdigest()


def ping_targets(feed_url, medium="podcast"):
    """(kind, method, target URL, body) of every notification one changed feed gets."""
    targets = []
    for hub in settings.WEBSUB_HUBS:
        targets.append(
            (Delivery.WEBSUB, "POST", hub, urlencode({"hub.mode": "publish", "hub.url": feed_url}))
        )
    if settings.PODPING_URL:
        query = urlencode({"url": feed_url, "reason": "update", "medium": medium})
        targets.append((Delivery.PODPING, "GET", f"{settings.PODPING_URL}?{query}", ""))
    if settings.PODCASTINDEX_PUBNOTIFY_URL:
        query = urlencode({"url": feed_url})
        targets.append((Delivery.PUBNOTIFY, "GET", f"{settings.PODCASTINDEX_PUBNOTIFY_URL}?{query}", ""))
    return targets


def current_etag(key, now):
    """A fingerprint of what the feed shows: its generation (bumped by every edit it may show) and
    whether a scheduled episode of it has come out since it was rendered. The periodic sweep checks
    again every feed whose fingerprint moved since its last check."""
    name = store.show_feed_name(int(key.removeprefix("show:"))) if key.startswith("show:") else key
    state = stored_state(name, now)
    if not state.exists:
        return ""
    scheduled_out = state.next_change_at is not None and state.next_change_at <= now
    return f"{state.generation}:{'scheduled-out' if scheduled_out else ''}"


def check_feed(key):
    """Announce ``key``'s feed if its body changed since it was last announced; True if it did."""
    now = timezone.now()
    state, _ = FeedState.objects.get_or_create(key=key)
    FeedState.objects.filter(pk=state.pk).update(check_queued=False, etag=current_etag(key, now))
    feed_url, body = render(key)
    new_hash = content_hash(body) if body is not None else ""
    schedule_next_check(key, now)
    with transaction.atomic():
        state = FeedState.objects.select_for_update().get(pk=state.pk)
        if new_hash == state.content_hash:
            return False
        state.content_hash = new_hash
        state.feed_url = feed_url or ""
        if key.startswith("show:"):
            state.show_id = int(key.removeprefix("show:"))
        if body is None:  # it left the public: nothing new to fetch there
            state.save()
            return False
        state.announced_at = now
        state.save()
        medium = "publisher" if key == "publisher" else "podcast"
        for kind, method, target, payload in ping_targets(feed_url, medium):
            delivery = Delivery.objects.create(
                kind=kind,
                show_id=state.show_id,
                event=key,
                feed_url=feed_url,
                target_url=target,
                method=method,
                body=payload,
            )
            later(deliver, delivery.pk)
    return True


@background(retries=3, backoff=30)
def check_feeds(keys):
    return [key for key in keys if check_feed(key)]


def schedule_next_check(key, now):
    """Queue a check for the show's next scheduled publication, once per publication time."""
    if not key.startswith("show:"):
        return
    show_id = int(key.removeprefix("show:"))
    upcoming = (
        Episode.objects.filter(show_id=show_id, status=Episode.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if upcoming is None:
        return
    changed = FeedState.objects.filter(key=key).exclude(next_check_at=upcoming).update(next_check_at=upcoming)
    if changed:
        later(publication_due, show_id, run_after=upcoming)


@background(retries=3, backoff=30)
def publication_due(show_id):
    """A scheduled episode's time has come: its webhooks, and a check of the feeds it is in."""
    from .webhooks import announce_due_publications

    announce_due_publications()
    request_checks([f"show:{show_id}", *NETWORK_KEYS])


def request_checks(keys):
    """Queue one check for the feeds among ``keys`` not already waiting for one."""
    keys = sorted(set(keys))
    with transaction.atomic():  # one commit, however many feeds
        known = set(FeedState.objects.filter(key__in=keys).values_list("key", flat=True))
        FeedState.objects.bulk_create(
            [FeedState(key=key) for key in keys if key not in known], ignore_conflicts=True
        )
        queued = list(
            FeedState.objects.select_for_update()
            .filter(key__in=keys, check_queued=False)
            .values_list("key", flat=True)
        )
        if queued:
            FeedState.objects.filter(key__in=queued).update(check_queued=True, check_queued_at=timezone.now())
            if later(check_feeds, sorted(queued)) is None and queue_is_transactional(check_feeds):
                # The queue refused the task: leave the feeds to the next change or the sweep.
                FeedState.objects.filter(key__in=queued).update(check_queued=False)
    return sorted(queued)


def _flush(pending):
    keys = set(pending)
    pending.clear()
    if keys:
        request_checks(keys)


@receiver(feeds_changed, dispatch_uid="notify-feeds-changed")
def collect_changed_feeds(sender, show_ids=(), network=False, **kwargs):
    # Every show's change may change the network feeds (they list episodes and shows); their
    # check tells. Keys gather per transaction, so one commit queues one check per feed.
    keys = {f"show:{pk}" for pk in show_ids} | set(NETWORK_KEYS)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        request_checks(keys)
        return
    outermost = connection.atomic_blocks[0]
    pending = getattr(outermost, "podcastcms_feed_keys", None)
    if pending is None:
        pending = outermost.podcastcms_feed_keys = set()
    pending.update(keys)
    # Registered each time: a savepoint rolled back drops its callbacks; the first that runs
    # takes every key and the others find the set empty.
    transaction.on_commit(lambda: _flush(pending))


@periodic
def sweep_feeds(now=None):
    """Feeds whose validators moved since their last check (a missed scheduled time, say)."""
    now = now or timezone.now()
    # A check queued long ago and never run (its task was lost): the feed may be checked again.
    FeedState.objects.filter(check_queued=True, check_queued_at__lt=now - timedelta(minutes=10)).update(
        check_queued=False
    )
    keys = [f"show:{pk}" for pk in Show.objects.public().values_list("pk", flat=True)] + list(NETWORK_KEYS)
    known = dict(FeedState.objects.filter(key__in=keys).values_list("key", "etag"))
    due = [key for key in keys if known.get(key) != current_etag(key, now)]
    return request_checks(due) if due else []
