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

Downloads are attributed to the day of the window and to the app, device and operating
system of the listener's first request in it (one user agent per listener, as the hash
includes the user agent).
"""

from dataclasses import dataclass

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


@dataclass
class Window:
    """The requests of one listener on one episode in one day's window."""

    bytes_requested: int = 0
    bytes_needed: int = 0
    is_bot: bool = False
    first_id: int | None = None
    app: str = ""
    device: str = ""
    os: str = ""

    def add(self, event_id, is_bot, bytes_requested, bytes_needed, app, device, os):
        self.bytes_requested += bytes_requested
        self.bytes_needed = max(self.bytes_needed, bytes_needed)
        self.is_bot = self.is_bot or is_bot
        if self.first_id is None or event_id < self.first_id:
            self.first_id, self.app, self.device, self.os = event_id, app, device, os

    @property
    def is_download(self):
        """Rules 2 and 3 (rule 4 is the grouping itself)."""
        return not self.is_bot and self.bytes_requested >= self.bytes_needed


def count_windows(rows):
    """Windows keyed by (episode_id, listener) from rows of
    (id, episode_id, listener, is_bot, bytes_requested, bytes_needed, app, device, os),
    all of one day. The order of the rows does not matter."""
    windows = {}
    for event_id, episode_id, listener, is_bot, requested, needed, app, device, os in rows:
        window = windows.get((episode_id, listener))
        if window is None:
            window = windows[(episode_id, listener)] = Window()
        window.add(event_id, is_bot, requested, needed, app, device, os)
    return windows
