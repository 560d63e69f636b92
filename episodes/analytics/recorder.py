"""Recording enclosure requests as raw events: cheap, durable, and harmless when it fails.

The view hands over what it knows and the event is built before the response is returned: the
address is checked against the data-centre ranges and hashed with the day's salt (read from
the database once a day per process; the worker makes it a day ahead), the user agent is
classified (cached). The event is appended to this process's journal
(``episodes.analytics.journal``): one ``os.write``, no database, so a process killed at any
moment after, even in the middle of sending a long file, loses nothing, and a locked or absent
database delays nothing. The worker loads the journal into ``DownloadEvent``.

Without a journal (``PODCASTCMS_ANALYTICS_JOURNAL`` empty), or when it cannot be written, the
event joins this process's buffer once the response has been sent (in its close hook), written
with one INSERT every ``PODCASTCMS_ANALYTICS_BATCH`` events or
``PODCASTCMS_ANALYTICS_FLUSH_SECONDS`` seconds (and when the process exits); those are lost if
the process is killed. Any error is logged and the event dropped: an enclosure is
never refused, delayed or broken because measurement failed.
"""

import atexit
import hashlib
import ipaddress
import logging
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import counting, journal
from .datacenters import is_datacenter
from .models import DownloadEvent, ListenerSalt
from .sql import insert_rows
from .useragents import get_classifier

logger = logging.getLogger(__name__)

_salts = {}  # {day: salt}, this process's copy of the day's salt


def salt_for(day):
    """The day's random salt, made on first use; kept two days, then deleted (see purge)."""
    salt = _salts.get(day)
    if salt is None:
        salt = ListenerSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[0].salt
        _salts.clear()
        _salts[day] = salt
    return salt


def listener_hash(address, user_agent, day):
    """A listener, for one day: unlinkable to the address once that day's salt is gone."""
    digest = hashlib.blake2b(
        f"{address}\n{user_agent}".encode("utf-8", "replace"), digest_size=16, key=salt_for(day).encode()
    )
    return digest.hexdigest()


def _networks(values):
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise ValueError(f"PODCASTCMS_TRUSTED_PROXIES: {value!r} is not an address or network") from exc
    return networks


_trusted_cache = {}


def trusted_proxies():
    key = tuple(getattr(settings, "PODCASTCMS_TRUSTED_PROXIES", ()))
    if key not in _trusted_cache:
        _trusted_cache.clear()
        _trusted_cache[key] = _networks(key)
    return _trusted_cache[key]


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request):
    """The client's address. ``X-Forwarded-For`` is believed only when the request comes from a
    trusted proxy, and then read from the right, skipping further trusted proxies: the first
    address not ours is the client (anything left of it could be forged by the client)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address
    return forwarded[0] if forwarded else remote


def prepare_salts(now=None):
    """Make today's and tomorrow's salts ahead, so that web processes only ever read them."""
    today = (now or timezone.now()).date()
    for day in (today, today + timedelta(days=1)):
        ListenerSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})


def visitor(request, now, address=None):
    """Hash and classification of the requester, the part shared by downloads and promo clicks."""
    if address is None:
        address = client_address(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:1000]
    referrer = request.META.get("HTTP_REFERER", "")[:300]
    agent = get_classifier().classify(user_agent, referrer)
    return {
        "listener": listener_hash(address, user_agent, now.date()),
        "agent_kind": agent.kind,
        "is_bot": agent.is_bot,
        "app": (agent.name or agent.referrer_app)[:80],
        "referrer": referrer,
        "referrer_app": agent.referrer_app[:80],
    }, agent


def download_event(request, episode, byte_range, size, *, redirected=False, now=None):
    """The raw event of an enclosure GET, as {column: value} (unsaved)."""
    now = now or timezone.now()
    address = client_address(request)
    fields, agent = visitor(request, now, address)
    start, end = byte_range if byte_range else (None, None)
    return dict(
        occurred_at=now,
        episode_id=episode.pk,
        show_id=episode.show_id,
        device=agent.device[:40],
        device_category=agent.device_category[:20],
        os=agent.os[:20],
        range_start=start,
        range_end=end,
        bytes_requested=counting.requested_bytes(byte_range, size),
        bytes_needed=counting.minimum_bytes(size, episode.duration),
        redirected=redirected,
        from_datacenter=is_datacenter(address),  # the address itself is hashed, never kept
        **fields,
    )


class EventBuffer:
    """Raw events waiting for their INSERT, per process (threads share it under a lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []
        self.since = time.monotonic()

    def add(self, event):
        batch = max(1, getattr(settings, "PODCASTCMS_ANALYTICS_BATCH", 1))
        interval = getattr(settings, "PODCASTCMS_ANALYTICS_FLUSH_SECONDS", 10)
        with self.lock:
            self.events.append(event)
            if len(self.events) < batch and time.monotonic() - self.since < interval:
                return
            events, self.events, self.since = self.events, [], time.monotonic()
        write_quietly(events)

    def flush(self):
        with self.lock:
            events, self.events, self.since = self.events, [], time.monotonic()
        if events:
            write_quietly(events)


EVENT_COLUMNS = [
    "occurred_at",
    "episode_id",
    "show_id",
    "listener",
    "agent_kind",
    "is_bot",
    "app",
    "device",
    "device_category",
    "os",
    "referrer",
    "referrer_app",
    "range_start",
    "range_end",
    "bytes_requested",
    "bytes_needed",
    "redirected",
    "from_datacenter",
]


def write_events(events):
    """The buffered event dicts, in a few multi-row INSERTs (no model instances)."""
    insert_rows(
        DownloadEvent, EVENT_COLUMNS, [[event[column] for column in EVENT_COLUMNS] for event in events]
    )


def write_quietly(events):
    try:
        with transaction.atomic():
            write_events(events)
    except Exception:  # noqa: BLE001 - measurement must never break an enclosure
        logger.warning("%d download events were not recorded", len(events), exc_info=True)


buffer = EventBuffer()
atexit.register(lambda: buffer.flush())


def save_quietly(build):
    """Run ``build()`` and save what it returns, in a savepoint; log and drop any failure."""
    try:
        with transaction.atomic():
            build().save(force_insert=True)
    except Exception:  # noqa: BLE001 - measurement must never break an enclosure
        logger.warning("A download event was not recorded", exc_info=True)


def count_response(request, response, episode, byte_range, size, *, redirected=False):
    """Record this enclosure response: journaled before it is sent, so that no kill can lose it.

    Without a journal the event waits for the response's close (its buffered INSERT may wait on
    the database, which must not delay the audio).
    """
    if not getattr(settings, "PODCASTCMS_ANALYTICS_ENABLED", True):
        return response
    if not counting.is_recorded(request.method, response.status_code):
        return response
    try:
        event = download_event(request, episode, byte_range, size, redirected=redirected)
    except Exception:  # noqa: BLE001 - e.g. the salts' table unavailable
        logger.warning("A download event could not be made", exc_info=True)
        return response
    try:
        if journal.writer.append(journal.encode(event, EVENT_COLUMNS)):
            return response
    except Exception:  # noqa: BLE001
        logger.warning("A download event could not be journaled", exc_info=True)
    try:
        response._resource_closers.append(lambda: buffer.add(event))
    except Exception:  # noqa: BLE001
        logger.warning("A download event could not be scheduled", exc_info=True)
    return response


def purge(now=None):
    """Delete raw events past the retention time and salts older than yesterday's."""
    now = now or timezone.now()
    days = settings.PODCASTCMS_ANALYTICS_RETENTION_DAYS
    events = 0
    if days:
        events, _ = DownloadEvent.objects.filter(occurred_at__lt=now - timedelta(days=days)).delete()
    salts, _ = ListenerSalt.objects.filter(day__lt=now.date() - timedelta(days=1)).delete()
    return events, salts
