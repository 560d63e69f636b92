"""The counting rules: which requests of an enclosure make a download. Every figure we publish
is derived with these rules and no others (``episodes.analytics.rollup`` applies them).

Written after the IAB Tech Lab *Podcast Measurement Technical Guidelines* v2.x (v2.0, December
2017; v2.1, March 2021; https://iabtechlab.com/standards/podcast-measurement-guidelines/),
"Recommended Process for Measurement" and its filtering rules, as the hosts certified against
them apply them:

1. **HEAD is never counted**, and is not even recorded (guidelines: only requests that
   transfer content can be downloads). Only GET is recorded as a raw event.
2. **Bots and known crawlers are excluded** (guidelines: filter "known bots and crawlers",
   using a list maintained by an industry body). We use the OPAWG lists, the field's shared
   reference (``episodes.analytics.useragents``); libraries OPAWG marks ``"category": "bot"``
   count as bots. Events are still stored, marked ``is_bot``, so the exclusion can be audited.
3. **A download needs enough bytes to play** (guidelines: "a download is counted when the
   bytes downloaded are equal to or greater than one minute of content", or the whole file
   when it is shorter). The minimum is ``minimum_bytes()``: one minute at the file's own
   average bit rate (size ÷ duration), capped at the file's size. Without a known duration we
   assume 128 kbit/s. The bytes asked for by one listener on one episode in one window are
   *summed* (our reading of "bytes downloaded": per listener and window, not per request),
   so a player that streams in chunks of ranges makes one download, while ``Range: bytes=0-1`` and similar
   probes (Apple's players send one before playing) never reach the minimum on their own.
4. **One download per listener per episode per 24-hour window** (guidelines: de-duplicate
   by IP address + user agent within a 24-hour window). A listener is the salted hash of
   address and user agent. We use the fixed calendar-day window (midnight to midnight UTC)
   that the guidelines describe; they also recognise a rolling window, which we cannot
   use: the salt that makes listeners unlinkable rotates at midnight
   UTC, so a rolling window would need to link one listener across two days' salts.
5. **A redirect to remote storage counts like a file we serve ourselves**: the request
   reached us and asked for those bytes; the storage's own logs are not consulted.
6. **Data-centre traffic is excluded** (guidelines v2.0 and v2.1, "Filtering": exclude
   requests from known data-centre and hosting IP ranges, since servers are not listeners).
   The ranges are the operator's configured list (``episodes.analytics.datacenters``); the
   address is checked before hashing and the event keeps only ``from_datacenter``, so the
   exclusion can be audited. As with bots, one such request marks the whole window.

Downloads are attributed to the day of the window and to the app, device and operating
system of the listener's first request in it (one user agent per listener, as the hash
includes the user agent).
"""

from django.db.models import F, IntegerField, Max, Min, Sum
from django.db.models.functions import Cast

ONE_MINUTE = 60
ASSUMED_BIT_RATE = 128_000  # bit/s, when the duration is unknown


def minimum_bytes(size, duration):
    """Bytes a listener must ask for, in one window, for a download to count (rule 3)."""
    needed = size * ONE_MINUTE // duration if duration and size else ASSUMED_BIT_RATE // 8 * ONE_MINUTE
    return max(1, min(needed, size)) if size else needed


def requested_bytes(byte_range, size):
    """Bytes a GET asks for: the range's length, or the whole file."""
    if byte_range is None:
        return size
    start, end = byte_range
    return max(0, min(end, size - 1) - start + 1) if size else end - start + 1


def is_recorded(method, status_code):
    """Only GETs that were answered with content or a redirect become raw events (rule 1)."""
    return method == "GET" and status_code in (200, 206, 301, 302, 303, 307, 308)


def downloads(events):
    """Rules 2 to 4 and 6 over the raw events of one day, as one grouped query: a row
    (episode_id, app, device category, os) for each (episode, listener) window that is a download.

    The window's requests are summed (rule 3); one bot request (rule 2) or one request from a
    data centre (rule 6) marks the window. The
    app, device and operating system are the listener's: the hash includes the user agent, so
    they are the same for every request of the window (should the lists be refreshed during
    the day, the alphabetically first name is taken, so that recomputing gives the same).
    """
    return (
        events.order_by()
        .values("episode_id", "listener")
        .annotate(
            requested=Sum("bytes_requested"),
            needed=Max("bytes_needed"),
            bot=Max(Cast("is_bot", IntegerField())),
            hosted=Max(Cast("from_datacenter", IntegerField())),
            window_app=Min("app"),
            window_device=Min("device_category"),
            window_os=Min("os"),
        )
        .filter(bot=0, hosted=0, requested__gte=F("needed"))
        .values_list("episode_id", "window_app", "window_device", "window_os")
    )


def download_counts(events):
    """``downloads(events)`` counted in the database: an SQL string and its parameters giving rows
    (episode_id, show_id, published_at, app, device category, os, downloads), one for each
    combination that has downloads, of episodes that still exist.

    The rules stay those of ``downloads`` (its query is the inner one here); this only groups the
    windows it finds, so that the rollup receives a few rows per episode instead of one per
    listener. ``downloads_in_python`` is the same rules written out in Python, for the tests.
    """
    from ..models import Episode

    inner, params = downloads(events).query.sql_with_params()
    sql = (
        "SELECT w.episode_id, e.show_id, e.published_at, w.window_app, w.window_device, w.window_os, "
        f"COUNT(*) FROM ({inner}) w INNER JOIN {Episode._meta.db_table} e ON e.id = w.episode_id "
        "GROUP BY w.episode_id, e.show_id, e.published_at, w.window_app, w.window_device, w.window_os"
    )
    return sql, params


def downloads_in_python(events):
    """Rules 2 to 4 and 6, the same as ``downloads``, over event objects in Python: a sorted list of
    (episode_id, app, device category, os), one for each window that is a download. The
    reference the database's form is tested against."""
    windows = {}
    for event in events:
        window = windows.setdefault(
            (event.episode_id, event.listener),
            {
                "requested": 0,
                "needed": 0,
                "bot": False,
                "hosted": False,
                "app": None,
                "device": None,
                "os": None,
            },
        )
        window["requested"] += event.bytes_requested
        window["needed"] = max(window["needed"], event.bytes_needed)
        window["bot"] = window["bot"] or event.is_bot
        window["hosted"] = window["hosted"] or event.from_datacenter
        for key, value in (("app", event.app), ("device", event.device_category), ("os", event.os)):
            window[key] = value if window[key] is None else min(window[key], value)
    return sorted(
        (episode_id, w["app"], w["device"], w["os"])
        for (episode_id, _listener), w in windows.items()
        if not w["bot"] and not w["hosted"] and w["requested"] >= w["needed"]
    )
