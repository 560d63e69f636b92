"""Validators and cached bodies for feeds that are polled far more often than they change.

Every feed has a "last change": ``Show.content_changed_at`` (bumped by the signals below on
any edit that alters the feed), ``Network.content_changed_at`` (bumped when the network or
any show changes, since podrolls, the publisher feed and the network feeds list the shows)
and the newest publication time that has already passed. The last one is read in the same
query, so a scheduled episode changes the validators the moment its time arrives, without
a cron job. Conditional requests are answered from that one query, before any XML is built.
"""

import gzip
import hashlib
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

# Part of every ETag and cache key: a release that changes the feed's markup gets new ones.
FEED_FORMAT_VERSION = "1"
FEED_MAX_AGE = 300
CACHE_TIMEOUT = 24 * 60 * 60


class Validators:
    """ETag and Last-Modified of one feed, computed from its change times."""

    def __init__(self, name, *times):
        times = [moment for moment in times if moment is not None]
        self.last_modified = max(times) if times else None
        stamp = "|".join(moment.isoformat() for moment in times)
        digest = hashlib.sha1(
            f"{FEED_FORMAT_VERSION}|{settings.SITE_URL}|{name}|{stamp}".encode(), usedforsecurity=False
        ).hexdigest()[:20]
        self.name = name
        self.etag = f'W/"{digest}"'

    def not_modified(self, request):
        """True when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in offered or self.etag.removeprefix("W/") in offered
        if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if if_modified_since is not None and self.last_modified is not None:
            return int(self.last_modified.timestamp()) <= if_modified_since
        return False


_SENTINEL_NOW = datetime(2001, 2, 3, 4, 5, 6, 70809, tzinfo=UTC)
_SENTINEL_SLUG = "prepared-query-slug-placeholder"


class PreparedQuery:
    """A values() query built and compiled once per connection, then run with new parameters.

    Feeds are polled constantly and most polls end in a 304; building and compiling the ORM
    query costs several times what running it does, so the validator queries skip that work.
    ``build(slug, now)`` returns the queryset; its parameters are found by their placeholder
    values.
    """

    def __init__(self, build):
        self.build = build
        self._local = threading.local()

    def _compile(self, connection):
        queryset = self.build(slug=_SENTINEL_SLUG, now=_SENTINEL_NOW)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        now_forms = (_SENTINEL_NOW, connection.ops.adapt_datetimefield_value(_SENTINEL_NOW))
        slots = [
            "slug" if param == _SENTINEL_SLUG else "now" if param in now_forms else None for param in params
        ]
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        return connection, sql, list(params), slots, compiler, converters, names

    def run(self, *, now, slug=None):
        connection = connections[DEFAULT_DB_ALIAS]
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or compiled[0] is not connection:
            compiled = self._local.compiled = self._compile(connection)
        _, sql, params, slots, compiler, converters, names = compiled
        values = {"slug": slug, "now": connection.ops.adapt_datetimefield_value(now)}
        params = [values[slot] if slot else param for slot, param in zip(slots, params, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]


def _show_state_query(slug, now):
    from episodes.models import Episode, Network, Show

    latest = (
        Episode.objects.filter(show=OuterRef("pk"), status=Episode.PUBLISHED, published_at__lte=now)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    network_changed = Network.objects.order_by("pk").values("content_changed_at")[:1]
    return (
        Show.objects.filter(slug=slug)
        .annotate(latest_published_at=Subquery(latest), network_changed_at=Subquery(network_changed))
        .values(
            "pk",
            "is_public",
            "new_feed_url",
            "feed_move_confirmed",
            "content_changed_at",
            "latest_published_at",
            "network_changed_at",
        )[:1]
    )


def _network_state_query(slug, now):
    from episodes.models import Episode, Network, Show

    latest = Episode.objects.published(now=now).order_by("-published_at").values("published_at")[:1]
    shows_changed = Show.objects.order_by("-content_changed_at").values("content_changed_at")[:1]
    return (
        Network.objects.order_by("pk")
        .annotate(shows_changed_at=Subquery(shows_changed), latest_published_at=Subquery(latest))
        .values("pk", "content_changed_at", "shows_changed_at", "latest_published_at")[:1]
    )


SHOW_STATE = PreparedQuery(_show_state_query)
NETWORK_STATE = PreparedQuery(_network_state_query)


def show_feed_state(show_slug, now=None):
    """The one query a show feed request costs before its body is needed."""
    rows = SHOW_STATE.run(slug=show_slug, now=now or timezone.now())
    return rows[0] if rows else None


def network_state(now=None):
    """The one query the network feeds cost before their body is needed."""
    from episodes.models import Network

    now = now or timezone.now()
    rows = NETWORK_STATE.run(now=now)
    if not rows:
        # The network row is made once, the first time a network feed is asked for.
        Network.load().save()
        rows = NETWORK_STATE.run(now=now)
    return rows[0]


def conditional_feed_response(request, validators, build, content_type):
    """Answer GET and HEAD for a feed: 304 from the validators, else the cached (gzipped) body.

    ``build`` returns the body as bytes; it runs only when the cache has no copy for these
    validators.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    headers = {
        "ETag": validators.etag,
        "Cache-Control": f"public, max-age={FEED_MAX_AGE}",
        "Vary": "Accept-Encoding",
    }
    if validators.last_modified is not None:
        headers["Last-Modified"] = http_date(validators.last_modified.timestamp())
    if validators.not_modified(request):
        return HttpResponse(status=304, headers=headers)

    key = f"feed:{validators.name}:{validators.etag}"
    bodies = cache.get(key)
    if bodies is None:
        body = build()
        bodies = (body, gzip.compress(body, compresslevel=6, mtime=0))
        cache.set(key, bodies, CACHE_TIMEOUT)
    plain, gzipped = bodies
    body = plain
    if accepts_gzip(request):
        body = gzipped
        headers["Content-Encoding"] = "gzip"
    headers["Content-Length"] = str(len(body))
    response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=content_type)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def accepts_gzip(request):
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().removeprefix("q=")
            return not (params and quality.replace(".", "").strip("0") == "")
    return False


# Bumping the change times -------------------------------------------------------------------


feeds_changed = Signal()
"""Sent after a change that feeds show has been recorded, with ``show_ids`` (the primary keys of
the shows whose feed changed) or ``network=True`` (the network feeds changed). Receivers that reach
outside the process (hubs, pings, webhooks) act in ``transaction.on_commit``."""


def touch_shows(shows_filter):
    """Record a feed-visible change on the shows matching ``shows_filter`` (a Q).

    The signals below call it on every save and delete; code that changes feed content with
    ``QuerySet.update()`` or ``bulk_create()`` (which send no signals) must call it too.
    """
    from episodes.models import Show

    show_ids = list(Show.objects.filter(shows_filter).values_list("pk", flat=True).distinct())
    if not show_ids:
        return
    Show.objects.filter(pk__in=show_ids).update(content_changed_at=timezone.now())
    feeds_changed.send(sender=Show, show_ids=show_ids, network=False)


def touch_network():
    from episodes.models import Network

    Network.objects.update(content_changed_at=timezone.now())
    feeds_changed.send(sender=Network, show_ids=[], network=True)


def _show_changed(sender, instance, raw=False, **kwargs):
    # An update, not a field set before saving: saves with update_fields count as well.
    # Podrolls, the publisher feed, the network feed and OPML list the shows, hence the network.
    if not raw:
        touch_shows(Q(pk=instance.pk))
        touch_network()


def _network_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_network()


def _episode_saving(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from episodes.models import Episode

    # An episode moved to another show leaves its old show's feed too.
    previous = Episode.objects.filter(pk=instance.pk).values_list("show_id", flat=True) if instance.pk else []
    touch_shows(Q(pk=instance.show_id) | Q(pk__in=list(previous)))


def _episode_deleted(sender, instance, **kwargs):
    touch_shows(Q(pk=instance.show_id))


def _episode_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__pk=instance.episode_id))


def _show_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(pk=instance.show_id))


def _person_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(hosts__person=instance) | Q(episodes__credits__person=instance))


def _campaign_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__sponsor_reads__campaign=instance))


def _sponsor_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__sponsor_reads__campaign__sponsor=instance))


def connect_signals():
    from episodes.models import Chapter, Episode, Network, Show, Soundbite, Transcript
    from people.models import Credit, Person, ShowHost
    from sponsors.models import Campaign, Sponsor, SponsorRead

    uid = "feeds-last-change"
    post_save.connect(_show_changed, sender=Show, dispatch_uid=uid)
    post_delete.connect(_network_changed, sender=Show, dispatch_uid=uid)
    post_save.connect(_network_changed, sender=Network, dispatch_uid=uid)
    pre_save.connect(_episode_saving, sender=Episode, dispatch_uid=uid)
    post_delete.connect(_episode_deleted, sender=Episode, dispatch_uid=uid)
    for model in (Credit, Transcript, Chapter, Soundbite, SponsorRead):
        post_save.connect(_episode_part_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_episode_part_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_show_part_changed, sender=ShowHost, dispatch_uid=uid)
    post_delete.connect(_show_part_changed, sender=ShowHost, dispatch_uid=uid)
    post_save.connect(_person_changed, sender=Person, dispatch_uid=uid)
    post_save.connect(_campaign_changed, sender=Campaign, dispatch_uid=uid)
    post_save.connect(_sponsor_changed, sender=Sponsor, dispatch_uid=uid)
