"""Classifying user agents with the Open Podcast Analytics Working Group's lists (v2).

The lists are read from the directory in ``settings.PODCASTCMS_USER_AGENT_LISTS``
(``manage.py refresh_user_agents`` fills it from a downloaded copy; nothing is fetched at run
time). As their ``comments`` say, a user agent is tried against ``bots``, ``apps``, ``libraries``
and ``browsers`` in that order, each file's entries in file order, and the first match wins;
when it is not a bot, ``devices`` names the device, and for a browser the ``Referer`` is tried
against ``referrers`` (web players cannot set their own user agent).

Without a configured directory the classifier falls back to the ``podcast-app-user-agents``
package (OPAWG's earlier list, with apps, bots, devices and operating systems) and to
``crawlerdetect`` for bots that list does not know.

Each distinct user agent is classified once per process (an LRU cache); regular expressions
are compiled once, when the lists are loaded.
"""

import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

LIST_FILES = ["bots", "apps", "libraries", "browsers", "devices", "referrers"]
MATCH_ORDER = [("bots", "bot"), ("apps", "app"), ("libraries", "library"), ("browsers", "browser")]
VERSION_FILE = "VERSION.json"

# The OPAWG lists name devices but not operating systems; these few rules do, first match wins.
OS_RULES = [
    ("watchOS", re.compile(r"watchOS|Apple Watch|^Watch/\d")),
    ("iOS", re.compile(r"iPhone|iPad|iPod|\biOS\b|CFNetwork|AppleCoreMedia/1\.\d.*\((?:iPhone|iPad)")),
    ("Android", re.compile(r"[Aa]ndroid")),
    ("macOS", re.compile(r"Macintosh|Mac OS X|Darwin|macOS")),
    ("Windows", re.compile(r"Windows")),
    ("Linux", re.compile(r"Linux|X11")),
]


@dataclass(frozen=True)
class Classification:
    kind: str  # bot, app, library, browser or unknown
    name: str = ""
    device: str = ""
    device_category: str = ""
    os: str = ""
    referrer_app: str = ""

    @property
    def is_bot(self):
        return self.kind == "bot"


UNKNOWN = Classification(kind="unknown")


def detect_os(user_agent):
    for name, pattern in OS_RULES:
        if pattern.search(user_agent):
            return name
    return ""


def compile_entries(entries, source):
    """(compiled pattern, entry) pairs; a pattern Python cannot read is skipped and logged."""
    compiled, skipped = [], 0
    for entry in entries:
        try:
            compiled.append((re.compile(entry["pattern"]), entry))
        except (re.error, KeyError, TypeError):
            skipped += 1
    if skipped:
        logger.warning("%s: %d patterns could not be compiled and are skipped", source, skipped)
    return compiled, skipped


class OpawgClassifier:
    """The v2 lists from a directory of their JSON files."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.lists = {}
        self.skipped = 0
        for name in LIST_FILES:
            path = self.directory / f"{name}.json"
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
            except (OSError, ValueError, KeyError) as exc:
                raise ListError(f"{path}: not a readable OPAWG list ({exc})") from exc
            self.lists[name], skipped = compile_entries(entries, path.name)
            self.skipped += skipped
        self.info = list_info(self.directory)
        self.info["skipped_patterns"] = self.skipped

    @staticmethod
    def first_match(compiled, text):
        for pattern, entry in compiled:
            if pattern.search(text):
                return entry
        return None

    def classify(self, user_agent):
        for list_name, kind in MATCH_ORDER:
            entry = self.first_match(self.lists[list_name], user_agent)
            if entry is not None:
                if list_name == "libraries" and entry.get("category") == "bot":
                    kind = "bot"
                break
        else:
            kind, entry = "unknown", None
        if kind == "bot":
            return Classification(kind="bot", name=entry["name"])
        device = self.first_match(self.lists["devices"], user_agent)
        return Classification(
            kind=kind,
            name=entry["name"] if entry else "",
            device=device["name"] if device else "",
            device_category=device.get("category", "") if device else "",
            os=detect_os(user_agent),
        )

    def classify_referrer(self, referrer):
        entry = self.first_match(self.lists["referrers"], referrer)
        return entry["name"] if entry else ""


class PackageClassifier:
    """The fallback: podcast-app-user-agents' list, and crawlerdetect for other bots."""

    def __init__(self):
        from crawlerdetect import CrawlerDetect
        from podcast_app_user_agents import __version__ as list_version
        from podcast_app_user_agents.parser import Parser, default_file

        self.parser = Parser()
        self.crawlers = CrawlerDetect()
        from importlib.metadata import version

        self.info = {
            "source": f"podcast-app-user-agents {list_version} with crawlerdetect {version('crawlerdetect')}",
            "date": datetime.fromtimestamp(Path(default_file).stat().st_mtime, UTC).date().isoformat(),
            "commit": "",
            "directory": "",
            "skipped_patterns": 0,
        }

    def classify_referrer(self, referrer):
        return ""

    def classify(self, user_agent):
        entry = self.parser.parse(user_agent)
        if entry is not None and entry.get("bot"):
            return Classification(kind="bot", name=entry.get("app", ""))
        if entry is None and user_agent and self.crawlers.isCrawler(user_agent):
            return Classification(kind="bot", name=self.crawlers.getMatches() or "crawler")
        if not user_agent:
            return UNKNOWN
        category = {"phone": "mobile", "tablet": "mobile", "pc": "computer", "speaker": "smart_speaker"}
        return Classification(
            kind="app" if entry else "unknown",
            name=entry.get("app", "") if entry else "",
            device=entry.get("device", "") if entry else "",
            device_category=category.get(entry.get("device", ""), entry.get("device", "")) if entry else "",
            os=detect_os(user_agent),
        )


class ListError(Exception):
    """The configured directory does not hold the OPAWG v2 lists."""


def list_info(directory):
    """Where the lists came from and their date: VERSION.json written by the refresh command,
    else the copy's SOURCE.txt (commit and date), else the newest file's time."""
    directory = Path(directory)
    info = {"source": "OPAWG user-agents v2", "directory": str(directory), "commit": "", "date": ""}
    version_file = directory / VERSION_FILE
    if version_file.is_file():
        try:
            info.update(json.loads(version_file.read_text(encoding="utf-8")))
            return info
        except ValueError:
            pass
    source = directory / "SOURCE.txt"
    if source.is_file():
        text = source.read_text(encoding="utf-8", errors="replace")
        commit = re.search(r"\b[0-9a-f]{40}\b", text)
        day = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
        info["commit"] = commit.group(0) if commit else ""
        info["date"] = day.group(1) if day else ""
    if not info["date"]:
        times = [p.stat().st_mtime for p in directory.glob("*.json")]
        if times:
            info["date"] = datetime.fromtimestamp(max(times), UTC).date().isoformat()
    return info


class CachedClassifier:
    """Classifies each distinct user agent (and a browser's referrer) once per process."""

    def __init__(self, classifier, cache_size=10_000):
        self.classifier = classifier
        self.info = classifier.info
        self.classify_agent = lru_cache(maxsize=cache_size)(classifier.classify)
        self.classify_referrer = lru_cache(maxsize=cache_size)(classifier.classify_referrer)

    def classify(self, user_agent, referrer=""):
        result = self.classify_agent(user_agent)
        if result.kind == "browser" and referrer:
            return replace(result, referrer_app=self.classify_referrer(referrer))
        return result


_current = {}


def get_classifier():
    """The process's classifier for the configured lists (loaded on first use)."""
    directory = getattr(settings, "PODCASTCMS_USER_AGENT_LISTS", "") or ""
    classifier = _current.get(directory)
    if classifier is None:
        base = OpawgClassifier(directory) if directory else PackageClassifier()
        classifier = _current[directory] = CachedClassifier(base)
    return classifier


def reset_classifier():
    """Forget the loaded lists (after a refresh, or when a test changes the setting)."""
    _current.clear()
