"""Serving feeds that are polled far more often than they change, and recording their changes.

Each feed's current rendered copy lives in the feed store (``episodes.feeds.store``): files laid
out like the feed URLs, and a ``StoredFeed`` row with the validators. A request costs one query
(the show, or the network feed, and its stored row) before it answers 304 or hands over the
stored bytes: read by Django, or served by nginx through ``X-Accel-Redirect`` when
``FEED_ACCEL_REDIRECT`` is set. A feed that is due (edited, or a scheduled episode's time has
passed) is rendered by the first request that finds it so, once for all workers.

Changes are recorded by the signals at the bottom: every save or delete that may alter a feed
marks the feeds it may alter, and those are rendered again once the transaction commits. Only
the feeds whose bytes then differ get new validators and a ``feeds_changed`` signal.
"""

import logging
import os
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from episodes.feeds import store

logger = logging.getLogger(__name__)

FEED_MAX_AGE = 300
# Bodies up to this size are read whole (faster); larger ones stream from the stored file.
STREAM_ABOVE = 8 * 1024 * 1024
STORED_FIELDS = (
    "path",
    "size",
    "gzip_size",
    "last_modified",
    "next_change_at",
    "format",
    "generation",
    "rendered_generation",
)


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
    from episodes.models import Show

    return Show.objects.filter(slug=slug).values(
        "pk",
        "is_public",
        "new_feed_url",
        "feed_move_confirmed",
        *(f"stored_feed__{field}" for field in STORED_FIELDS),
    )[:1]


def _stored_state_query(slug, now):
    from episodes.feeds.models import StoredFeed

    # ``slug`` carries the feed's name here.
    return StoredFeed.objects.filter(name=slug).values(*STORED_FIELDS)[:1]


SHOW_STATE = PreparedQuery(_show_state_query)
STORED_STATE = PreparedQuery(_stored_state_query)


class StoredState:
    """A feed's stored row as the one request query read it (``None`` fields: never rendered)."""

    def __init__(self, name, row, prefix=""):
        self.name = name
        for field in STORED_FIELDS:
            setattr(self, field, row.get(prefix + field))
        self.exists = self.format is not None

    def etags(self):
        return {
            store.etag_for(self.last_modified, self.size).strip('"'),
            store.etag_for(self.last_modified, self.gzip_size).strip('"'),
        }


def show_feed_state(show_slug, now=None):
    """The one query a show feed request costs when its stored copy is current."""
    rows = SHOW_STATE.run(slug=show_slug, now=now or timezone.now())
    if not rows:
        return None
    row = rows[0]
    row["stored"] = StoredState(store.show_feed_name(row["pk"]), row, prefix="stored_feed__")
    return row


def stored_state(name, now=None):
    rows = STORED_STATE.run(slug=name, now=now or timezone.now())
    return StoredState(name, rows[0] if rows else {})


def current_copy(state, now):
    """``state`` if the stored copy is current, else the copy after rendering it (once for all)."""
    current = state.exists and not store.is_due(state, now) and state.path
    # Current but its files gone (an edit that took them away rolled back): rendered again.
    if current and store.stored_files_present(state):
        return state
    store.refresh_feeds([state.name])
    return stored_state(state.name)


def not_modified(request, state):
    """True when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        offered = {tag.strip().removeprefix("W/").strip('"') for tag in if_none_match.split(",")}
        return "*" in offered or bool(offered & state.etags())
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if if_modified_since is not None:
        return int(state.last_modified.timestamp()) <= if_modified_since
    return False


class StoredCopyChanged(Exception):
    """The stored file was replaced or taken away after its validators were read."""


def open_stored(path, size, last_modified):
    """The stored file at ``path``, if it is still the copy of this size and mtime (a copy with
    other bytes always has a later mtime); else ``StoredCopyChanged``."""
    try:
        stored_file = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except FileNotFoundError:
        raise StoredCopyChanged(path) from None
    found = os.fstat(stored_file.fileno())
    if found.st_size != size or int(found.st_mtime) != int(last_modified.timestamp()):
        stored_file.close()
        raise StoredCopyChanged(path)
    return stored_file


def stored_feed_response(request, state, content_type):
    """Answer GET and HEAD for a feed from its stored copy: 304 from the validators, else the
    stored plain or gzip bytes (or an ``X-Accel-Redirect`` to them for nginx to send).

    Raises ``StoredCopyChanged`` when the file to send is no longer the copy ``state`` names."""
    gzipped = accepts_gzip(request)
    size = state.gzip_size if gzipped else state.size
    headers = {
        "ETag": store.etag_for(state.last_modified, size),
        "Last-Modified": http_date(state.last_modified.timestamp()),
        "Cache-Control": f"public, max-age={FEED_MAX_AGE}",
        "Vary": "Accept-Encoding",
    }
    if not_modified(request, state):
        return HttpResponse(status=304, headers=headers)
    if settings.FEED_ACCEL_REDIRECT:
        # nginx sends the file (its .gz twin to clients that ask) with these same validators.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FEED_ACCEL_REDIRECT.rstrip("/") + "/" + state.path
        response["Cache-Control"] = headers["Cache-Control"]
        return response
    path = os.path.join(settings.FEED_STORE_ROOT, state.path + (".gz" if gzipped else ""))
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    else:
        stored_file = open_stored(path, size, state.last_modified)
        if size > STREAM_ABOVE or "wsgi.file_wrapper" in request.META:
            # The server sends the file itself (sendfile) where it can; a large feed streams
            # from its file anyway: a worker never holds tens of megabytes for it.
            response = FileResponse(stored_file, content_type=content_type)
            # The same headers, in the same order, as a body read whole.
            del response.headers["Content-Length"]
            response.headers.pop("Content-Disposition", None)
        else:
            with stored_file:
                response = HttpResponse(stored_file.read(), content_type=content_type)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Length"] = str(size)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def serve_feed(request, state, content_type):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    for _ in range(3):
        state = current_copy(state, timezone.now())
        if not state.path:
            raise Http404("No such feed.")
        try:
            return stored_feed_response(request, state, content_type)
        except StoredCopyChanged:
            # Replaced while this request read its validators: read them again. Files that are
            # not the copy a row unchanged since names (replaced by hand, or left by a render
            # that died before recording its row) are rendered again.
            fresh = stored_state(state.name)
            if _same_copy(fresh, state):
                store.refresh_feeds([state.name], force=True)
                fresh = stored_state(state.name)
            state = fresh
    return HttpResponse(status=503, headers={"Retry-After": "1"})


def _same_copy(one, other):
    return all(
        getattr(one, field) == getattr(other, field)
        for field in ("path", "size", "gzip_size", "last_modified")
    )


def accepts_gzip(request):
    for coding in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().removeprefix("q=")
            return not (params and quality.replace(".", "").strip("0") == "")
    return False


# Recording changes ---------------------------------------------------------------------------


feeds_changed = Signal()
"""Sent when feeds' bytes have changed (and only then), with ``show_ids`` (the primary keys of the
shows whose feed changed) and ``network`` (True when a network feed changed). It goes out after
the change has committed, once the feeds are rendered again. Receivers that reach outside the
process (hubs, pings, webhooks) act in ``transaction.on_commit``."""

# What other shows' feeds (podroll), the publisher feed and OPML say of a show.
LISTED_SHOW_FIELDS = ("title", "slug", "podcast_guid", "is_public", "medium", "website")


def touch_shows(shows_filter, *, also=()):
    """Record a change that may alter the feeds of the shows matching ``shows_filter`` (a Q),
    and the network feed that carries their latest episodes.

    The signals below call it on saves and deletes; code that changes feed content with
    ``QuerySet.update()`` or ``bulk_create()`` (which send no signals) must call it too.
    """
    from episodes.models import Show

    show_ids = list(Show.objects.filter(shows_filter).values_list("pk", flat=True).distinct())
    if not show_ids:
        return
    Show.objects.filter(pk__in=show_ids).update(content_changed_at=timezone.now())
    # The shows' own feeds are rendered once the edit commits; the network feed, which carries
    # every show's latest episodes, and the feeds ``also`` names, by a background task (polls
    # meanwhile reach Django).
    store.mark_changed([store.show_feed_name(pk) for pk in show_ids], deferred=["network", *also])


def touch_network(*, podrolls=False):
    """Record a change to the network feeds (the publisher feed, OPML, the network feed) and,
    with ``podrolls``, to every public show's podroll.

    A change to the network itself renders the network feeds once it commits. A change to how
    a show is listed (``podrolls``) concerns every show: those feeds are rendered by a background
    task, so the editor's request does not grow with the network (polls meanwhile reach Django,
    which renders the feed asked for)."""
    names = _network_changed_names(podrolls)
    if podrolls:
        store.mark_changed([], deferred=names)
    else:
        store.mark_changed(names)


def _network_changed_names(podrolls):
    from episodes.models import Network, Show

    Network.objects.update(content_changed_at=timezone.now())
    names = list(store.NETWORK_FEEDS)
    if podrolls:
        names += [store.show_feed_name(pk) for pk in Show.objects.public().values_list("pk", flat=True)]
    return names


def _listed(values):
    return {field: values.get(field) for field in LISTED_SHOW_FIELDS}


def _show_saving(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._listed_before = None
        return
    before = sender.objects.filter(pk=instance.pk).values(*LISTED_SHOW_FIELDS).first()
    instance._listed_before = _listed(before) if before else None


def _show_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_listed_before", None)
    after = _listed({field: getattr(instance, field) for field in LISTED_SHOW_FIELDS})
    was_listed = bool(before and before["is_public"])
    # Other shows list this one in their podroll only while it is public.
    listing_changed = (was_listed or instance.is_public) and before != after
    # Its own feed in this request, the network feeds (and every podroll) by one task.
    touch_shows(Q(pk=instance.pk), also=_network_changed_names(podrolls=listing_changed))


def _show_deleting(sender, instance, **kwargs):
    # Its files go now, before the deletion commits, holding its row (a render waits for it).
    store.withdraw([store.show_feed_name(instance.pk)])


def _show_deleted(sender, instance, **kwargs):
    touch_network(podrolls=instance.is_public)


def _network_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_network()


def _episode_saving(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from episodes.models import Episode

    rows = Episode.objects.filter(pk=instance.pk).values("show_id", "status") if instance.pk else None
    instance._feed_before = rows.first() if rows is not None else None


def _episode_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from episodes.models import Episode

    before = getattr(instance, "_feed_before", None)
    # A draft or an episode in review is in no feed: saving it changes none. A published episode
    # (or a scheduled one, whose time the feed keeps) does, and leaves its old show's feed if moved.
    shows = set()
    if instance.status == Episode.PUBLISHED:
        shows.add(instance.show_id)
    if before and before["status"] == Episode.PUBLISHED:
        shows.add(before["show_id"])
    if shows:
        touch_shows(Q(pk__in=shows))


def _episode_deleted(sender, instance, **kwargs):
    from episodes.models import Episode

    if instance.status == Episode.PUBLISHED:
        touch_shows(Q(pk=instance.show_id))


def _published(prefix):
    from episodes.models import Episode

    return Q(**{f"{prefix}status": Episode.PUBLISHED})


def _episode_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__pk=instance.episode_id) & _published("episodes__"))


def _show_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(pk=instance.show_id))


def _person_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(
            Q(hosts__person=instance) | (Q(episodes__credits__person=instance) & _published("episodes__"))
        )


def _campaign_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__sponsor_reads__campaign=instance) & _published("episodes__"))


def _sponsor_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_shows(Q(episodes__sponsor_reads__campaign__sponsor=instance) & _published("episodes__"))


def connect_signals():
    from episodes.models import Chapter, Episode, Network, Show, Soundbite, Transcript
    from people.models import Credit, Person, ShowHost
    from sponsors.models import Campaign, Sponsor, SponsorRead

    uid = "feeds-last-change"
    pre_save.connect(_show_saving, sender=Show, dispatch_uid=uid)
    post_save.connect(_show_changed, sender=Show, dispatch_uid=uid)
    pre_delete.connect(_show_deleting, sender=Show, dispatch_uid=uid)
    post_delete.connect(_show_deleted, sender=Show, dispatch_uid=uid)
    post_save.connect(_network_changed, sender=Network, dispatch_uid=uid)
    pre_save.connect(_episode_saving, sender=Episode, dispatch_uid=uid)
    post_save.connect(_episode_saved, sender=Episode, dispatch_uid=uid)
    post_delete.connect(_episode_deleted, sender=Episode, dispatch_uid=uid)
    for model in (Credit, Transcript, Chapter, Soundbite, SponsorRead):
        post_save.connect(_episode_part_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_episode_part_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_show_part_changed, sender=ShowHost, dispatch_uid=uid)
    post_delete.connect(_show_part_changed, sender=ShowHost, dispatch_uid=uid)
    post_save.connect(_person_changed, sender=Person, dispatch_uid=uid)
    post_save.connect(_campaign_changed, sender=Campaign, dispatch_uid=uid)
    post_save.connect(_sponsor_changed, sender=Sponsor, dispatch_uid=uid)
