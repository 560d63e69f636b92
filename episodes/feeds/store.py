"""The feed store: each feed rendered once per change, written as files, served with its validators.

Every feed has one ``StoredFeed`` row and, while it is public, two files in ``FEED_STORE_ROOT``
laid out like its URL (``shows/<slug>/feed.xml`` and ``shows/<slug>/feed.xml.gz``). A change
that may alter a feed bumps the row's ``generation`` and takes its files away, both in the
editor's transaction (``mark_changed``); once committed, ``refresh_feeds`` renders it again, and a
render is put in place only if no edit committed since it began: no stale copy is ever served
after an edit has committed. The new bytes replace
the files only when they differ from the stored ones, and only then do the validators move and
``feeds_changed`` go out: drafts, private shows and unrelated shows change nothing.

The validators are the ones nginx computes for a static file (``"<mtime hex>-<size hex>"`` and the
file's mtime), and the files' mtime is set to ``last_modified``, so a request answers the same
whether nginx serves the file directly, through ``X-Accel-Redirect`` or Django reads it.

A feed that is due (changed, never rendered, or a scheduled episode's time has passed) is rendered
by the request that finds it so, one render at a time per feed across workers (``single_flight``).
"""

import gzip
import hashlib
import io
import logging
import os
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Min
from django.http import HttpRequest
from django.utils import timezone

from episodes.feeds.models import StoredFeed

logger = logging.getLogger(__name__)

# Part of every stored feed's format: a release that changes the feed's markup renders anew.
FEED_FORMAT_VERSION = "2"
NETWORK_FEEDS = ("network", "publisher", "opml")
# A render lock expires after LOCK_TIMEOUT (its holder died); a request waits at most LOCK_WAIT
# for another worker's render before rendering itself.
LOCK_TIMEOUT = 300
LOCK_WAIT = 30
GZIP_LEVEL = 6
# ``mark_changed`` takes an edited feed's files away inside the edit's transaction, so a stored
# file still in place once an edit has committed is the current copy (the fast path relies on it).
FILES_TAKEN_AWAY_BEFORE_COMMIT = True


def show_feed_name(show_id):
    return f"show:{show_id}"


def store_root():
    return Path(settings.FEED_STORE_ROOT)


def current_format():
    digest = hashlib.sha1(f"{FEED_FORMAT_VERSION}|{settings.SITE_URL}".encode(), usedforsecurity=False)
    return digest.hexdigest()[:16]


def etag_for(last_modified, size):
    """nginx's ETag for a static file of this mtime and size."""
    return f'"{int(last_modified.timestamp()):x}-{size:x}"'


class SiteRequest(HttpRequest):
    """A request for SITE_URL, for rendering outside any request (syndication wants one)."""

    def __init__(self):
        super().__init__()
        parts = urlsplit(settings.SITE_URL)
        self._host = parts.netloc
        self._secure = parts.scheme == "https"
        self.path = "/"

    def get_host(self):
        return self._host

    def is_secure(self):
        return self._secure


# Changes ------------------------------------------------------------------------------------


def mark_changed(names, *, deferred=()):
    """Record, in the current transaction, that the feeds ``names`` and ``deferred`` may have
    changed: bump their rows' ``generation`` and take their files out of the proxy's reach now,
    before the edit commits. Once it commits, ``names`` are rendered at once (the feeds the edit
    is about) and ``deferred`` by a background task; until then polls reach Django, which answers
    the committed content (the old one before the commit, the new one after).

    No stale copy can be put back after the commit: a render puts its files in place only while
    its row still has the generation it started from (``_put_in_place``), and the bump here holds
    the row's lock (the write lock on SQLite) until the edit commits or rolls back. Edits must
    run in a transaction for this (the admin's and the API's do): in autocommit the edit's rows
    are committed before its signals run."""
    now_names = set(names)
    every = sorted(now_names | set(deferred))
    if not every:
        return
    withdraw(every)
    # Robust: the edit has committed whatever happens there, and a feed left due renders on its
    # next poll or by the sweep. Several signals fire for one save: the callbacks after the first
    # find nothing due.
    transaction.on_commit(_Batch(now_names, set(every) - now_names), robust=True)


def withdraw(names):
    """Bump the rows of ``names`` and take their files away, in the current transaction."""
    for path in _bump_generations(sorted(set(names))):
        _remove_files(store_root() / path)


def _bump_generations(names):
    """Bump the rows of ``names`` (making those not there yet) in one statement; returns the
    stored paths. The upsert waits for, then locks, each row, so the paths are the current ones."""
    from django.db import connection

    table = connection.ops.quote_name(StoredFeed._meta.db_table)
    columns = ("name", "path", "digest", "size", "gzip_size", "format", "generation", "rendered_generation")
    rows = ", ".join(["(%s, '', '', 0, 0, '', 1, 0)"] * len(names))
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows} "
        f"ON CONFLICT (name) DO UPDATE SET generation = {table}.generation + 1 RETURNING path"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(names))
        return [path for (path,) in cursor.fetchall() if path]


class _Batch:
    """Feeds marked in a transaction, rendered once it commits: ``now`` in the committing
    request, ``deferred`` by a background task."""

    def __init__(self, now=(), deferred=()):
        self.now = set(now)
        self.deferred = set(deferred)

    def __call__(self):
        deferred = sorted(self.deferred - self.now)
        if self.now:
            refresh_feeds(self.now)
        if deferred:
            from episodes.feeds.tasks import refresh_stored_feeds
            from episodes.tasks import enqueue

            # The rows are due already: if the queue cannot be reached, the sweep (or the next
            # poll) renders them.
            enqueue(refresh_stored_feeds, deferred)


def refresh_feeds(names, *, force=False):
    """Render the feeds ``names`` that are due (all of them with ``force``) and store those whose
    bytes changed; send ``feeds_changed`` once for the changed ones. Idempotent: run it again and
    nothing changes. Returns the names whose bytes changed."""
    from episodes.feeds.caching import feeds_changed
    from episodes.models import Show

    # Show feeds first: they are the ones polled most.
    ordered = sorted(set(names), key=lambda name: (name in NETWORK_FEEDS, name))
    changed = [name for name in ordered if ensure_current(name, force=force)[1]]
    show_ids = [int(name.split(":", 1)[1]) for name in changed if name.startswith("show:")]
    network = any(name in NETWORK_FEEDS for name in changed)
    if show_ids or network:
        feeds_changed.send(sender=Show, show_ids=show_ids, network=network)
    return changed


def all_feed_names():
    from episodes.models import Show

    shows = Show.objects.order_by("pk").values_list("pk", flat=True)
    return [*NETWORK_FEEDS, *(show_feed_name(pk) for pk in shows)]


# Rendering ----------------------------------------------------------------------------------


def is_due(stored, now):
    return (
        stored is None
        or stored.generation > stored.rendered_generation
        or stored.format != current_format()
        or (stored.next_change_at is not None and stored.next_change_at <= now)
    )


def needs_render(stored, now):
    """Due, or current but with its files gone (an edit that took them away rolled back)."""
    return is_due(stored, now) or (bool(stored.path) and not stored_files_present(stored))


# A render whose feed was edited meanwhile is thrown away and made again, at most this many
# times; the last attempt renders holding the row, so that edits of this feed wait for it.
RENDER_ATTEMPTS = 3


def ensure_current(name, *, force=False):
    """The current ``StoredFeed`` of ``name``, rendering it first when due, and whether its bytes
    changed. One render at a time per feed; a request that waits for another's render uses it."""
    stored = _row(name)
    if not force and not needs_render(stored, timezone.now()):
        return stored, False
    with single_flight(name):
        for attempt in range(1, RENDER_ATTEMPTS + 1):
            if attempt < RENDER_ATTEMPTS:
                stored = _row(name)
                if not force and not needs_render(stored, timezone.now()):
                    return stored, False
                result = render_and_store(name, stored)
            else:
                with transaction.atomic():
                    # An UPDATE first: it takes the row's lock (the write lock on SQLite), so the
                    # render below reads the rows as they are once any pending edit committed.
                    StoredFeed.objects.filter(name=name).update(generation=F("generation"))
                    result = render_and_store(name, _row(name))
            if result is not OUTDATED:
                return result
            logger.info("Feed %s was edited while it rendered (attempt %d); rendering again.", name, attempt)
    raise AssertionError("unreachable: the last attempt holds the row")  # pragma: no cover


def _row(name):
    """The ``StoredFeed`` of ``name``, made first if missing, so a render always starts from a
    generation an edit can move (an edit makes the rows it needs too: ``mark_changed``)."""
    stored = StoredFeed.objects.filter(name=name).first()
    if stored is None:
        StoredFeed.objects.bulk_create([StoredFeed(name=name)], ignore_conflicts=True)
        stored = StoredFeed.objects.get(name=name)
    return stored


_local_locks = {}
_local_locks_guard = threading.Lock()


@contextmanager
def single_flight(name):
    """Hold the render lock of one feed: a thread lock in this process, and a cache key that all
    workers share (Redis in production). With the cache down, the thread lock alone holds."""
    with _local_locks_guard:
        local = _local_locks.setdefault(name, threading.Lock())
    with local:
        key = f"feed-render-lock:{name}"
        token = f"{os.getpid()}:{threading.get_ident()}:{time.monotonic_ns()}"
        held = _acquire_shared(key, token)
        try:
            yield
        finally:
            if held:
                _release_shared(key, token)


def _acquire_shared(key, token, wait=LOCK_WAIT):
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            if cache.add(key, token, LOCK_TIMEOUT):
                return True
        except Exception as error:  # noqa: BLE001 - any cache failure: render without the shared lock
            logger.warning("Feed render lock unavailable (cache error: %s); rendering without it.", error)
            return False
        if time.monotonic() >= deadline:
            logger.warning("Feed render lock %s still held after %ss; rendering anyway.", key, wait)
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _release_shared(key, token):
    try:
        # Only our own lock: one that expired may have been taken by another worker since.
        if cache.get(key) == token:
            cache.delete(key)
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not release feed render lock %s: %s", key, error)


class _Tee(io.RawIOBase):
    """A binary file object that writes the plain file, its gzip copy and the digest in one pass."""

    def __init__(self, plain, gzipped):
        super().__init__()
        self.plain = plain
        # No name and no time in the header: the same body always compresses to the same bytes.
        self.gzip = gzip.GzipFile(filename="", fileobj=gzipped, mode="wb", compresslevel=GZIP_LEVEL, mtime=0)
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data):
        data = bytes(data)
        self.plain.write(data)
        self.gzip.write(data)
        self.hash.update(data)
        self.size += len(data)
        return len(data)

    def writable(self):
        return True


def _renderer(name, now):
    """(path, write(outfile), next_change_at) for the feed ``name``, or None if it has no feed."""
    from episodes.feeds import rss
    from episodes.models import Episode, Network, Show

    if name.startswith("show:"):
        show = Show.objects.public().filter(pk=int(name.split(":", 1)[1])).first()
        if show is None or (show.new_feed_url and show.feed_move_confirmed):
            return None
        scheduled = Episode.objects.filter(
            show=show, status=Episode.PUBLISHED, published_at__gt=now
        ).aggregate(first=Min("published_at"))["first"]

        def write(outfile):
            feed = rss.ShowFeed(now)
            rss.write_feed(feed.get_feed(show, SiteRequest()), outfile)

        return f"shows/{show.slug}/feed.xml", write, scheduled, show
    network = Network.objects.order_by("pk").first()
    if network is None:
        # The network row is made once, the first time a network feed is rendered (without the
        # signals of save(): this render is what they would ask for).
        network = Network.load()
        network.podcast_guid = network.feed_guid()
        Network.objects.bulk_create([network])
    if name == "opml":
        return "network/shows.opml", lambda outfile: outfile.write(rss.build_opml(network)), None, None
    if name == "publisher":

        def write(outfile):
            rss.write_feed(rss.PublisherFeed().get_feed(network, SiteRequest()), outfile)

        return "network/publisher.xml", write, None, None
    if name == "network":
        scheduled = Episode.objects.filter(
            status=Episode.PUBLISHED, published_at__gt=now, show__is_public=True
        ).aggregate(first=Min("published_at"))["first"]

        def write(outfile):
            rss.write_feed(rss.NetworkFeed(now).get_feed(network, SiteRequest()), outfile)

        return "network/feed.xml", write, scheduled, None
    raise ValueError(f"Unknown feed {name!r}: expected show:<id>, network, publisher or opml.")


OUTDATED = object()
"""What ``render_and_store`` returns for a render that an edit committed during made outdated."""


@contextmanager
def _put_in_place(stored):
    """A short transaction that yields whether the render started from ``stored`` may still be
    put in place, holding the row until the files are replaced.

    Its first statement is the guarded UPDATE: on PostgreSQL it waits for the lock of an edit
    that bumped the row and then re-checks the generation against the committed row; on SQLite
    it takes the write lock, so it sees every edit committed before. An edit that comes after
    waits for this transaction, then takes the files away again. Either way no render started
    before an edit puts its bytes in place after the edit committed. ``rendered_at`` is checked
    too: of two renders of one generation (a lock that expired), the older one gives way.
    """
    with transaction.atomic():
        guard = StoredFeed.objects.filter(pk=stored.pk, generation=stored.generation)
        if stored.rendered_at is None:
            guard = guard.filter(rendered_at__isnull=True)
        else:
            guard = guard.filter(rendered_at=stored.rendered_at)
        yield guard


def render_and_store(name, stored):
    """Render ``name`` to temporary files beside its place, and put them in place if the feed was
    not edited meanwhile. Returns ``(row, changed)``, or ``OUTDATED``. Memory stays bounded: the
    body streams to disk as it is built."""
    now = timezone.now()
    generation = stored.generation
    target = _renderer(name, now)
    root = store_root()
    if target is None:
        changed = bool(stored.path)
        show_id = _show_id(name)
        with _put_in_place(stored) as row:
            if show_id is not None and not _show_exists(show_id):
                if not row.delete()[0]:
                    return OUTDATED
                if stored.path:
                    _remove_files(root / stored.path)
                return None, changed
            updated = row.update(
                show_id=show_id,
                path="",
                digest="",
                size=0,
                gzip_size=0,
                next_change_at=None,
                format=current_format(),
                rendered_generation=generation,
                rendered_at=now,
            )
            if not updated:
                return OUTDATED
            if stored.path:
                _remove_files(root / stored.path)
        return StoredFeed.objects.get(name=name), changed
    path, write, next_change_at, _ = target
    destination = root / path
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Closed by the with below; kept on disk to be moved into place.
    plain = tempfile.NamedTemporaryFile(dir=destination.parent, prefix=".render-", delete=False)  # noqa: SIM115
    gzipped = tempfile.NamedTemporaryFile(dir=destination.parent, prefix=".render-", delete=False)  # noqa: SIM115
    try:
        with plain, gzipped:
            tee = _Tee(plain, gzipped)
            # The XML writer hands over every few bytes: buffer them into large writes.
            buffered = io.BufferedWriter(tee, buffer_size=1 << 16)
            write(buffered)
            buffered.flush()
            tee.gzip.close()
            gzip_size = gzipped.tell()
        digest = tee.hash.hexdigest()
        first = stored.last_modified is None
        same = not first and stored.digest == digest and stored.path == path
        if same:
            last_modified = stored.last_modified
        else:
            # Whole seconds (HTTP dates have no more), strictly later than the previous copy's,
            # so two different bodies never share validators.
            last_modified = now.replace(microsecond=0)
            if stored.last_modified and last_modified <= stored.last_modified:
                last_modified = stored.last_modified + timedelta(seconds=1)
        # The same bytes are put back too (their files may have been withdrawn), with the same mtime.
        stamp = last_modified.timestamp()
        for written in (plain.name, gzipped.name):
            os.utime(written, (stamp, stamp))
            os.chmod(written, 0o644)
        with _put_in_place(stored) as row:
            updated = row.update(
                show_id=_show_id(name),
                path=path,
                digest=digest,
                size=tee.size,
                gzip_size=gzip_size,
                last_modified=last_modified,
                next_change_at=next_change_at,
                format=current_format(),
                rendered_generation=generation,
                rendered_at=now,
            )
            if not updated:
                return OUTDATED
            # The gzip copy first: nginx's gzip_static prefers it, and it is never older than the plain.
            os.replace(gzipped.name, f"{destination}.gz")
            os.replace(plain.name, destination)
            if stored.path and stored.path != path:
                _remove_files(root / stored.path)
    finally:
        for leftover in (plain.name, gzipped.name):
            if os.path.exists(leftover):
                os.unlink(leftover)
    # A first render counts as a change: the feed is new to the hubs and directories told of it.
    return StoredFeed.objects.get(name=name), not same


def _show_exists(show_id):
    from episodes.models import Show

    return Show.objects.filter(pk=show_id).exists()


def _show_id(name):
    return int(name.split(":", 1)[1]) if name.startswith("show:") else None


def remove_files(relative_path):
    _remove_files(store_root() / relative_path)


def _remove_files(path):
    for candidate in (path, Path(f"{path}.gz")):
        with suppress(FileNotFoundError):
            candidate.unlink()


def stored_files_present(stored):
    root = store_root()
    return bool(stored.path) and (root / stored.path).exists() and (root / f"{stored.path}.gz").exists()
