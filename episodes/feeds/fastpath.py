"""Feed polls answered from the stored copy before the rest of the site's machinery runs.

Feeds are polled by every podcast app, all day, and almost every poll is for a copy that has not
changed. ``FeedFastPathMiddleware`` (first in ``MIDDLEWARE``) answers a GET or HEAD for exactly
the stored-feed URLs (``/shows/<slug>/feed.xml``, ``/network/feed.xml``,
``/network/publisher.xml``, ``/network/shows.opml``) without URL resolution, sessions, CSRF,
authentication or messages:

- A poll ``stat()``s the two stored files; missing files fall through to the view (which
  renders). Otherwise it reads the feed's row (the view's one query) and answers if the copy is
  current and the files are the ones the row describes (their size and mtime are its
  validators).
- Where edits take the files away in their own transaction (``files_vouch_for_rows``), each
  process keeps the row it read with the identity of the files seen with it (inode, mtime, size,
  ctime), and later polls with the same identity answer without a query: a render always puts
  new files in place (a new inode) and a committed edit has taken the files away, so a changed
  copy is never mistaken for the remembered one. A row is trusted for at most ``ROW_TTL``
  seconds, and only once its files have been in place for ``SETTLED_AFTER`` seconds (a render
  replaces the files shortly before its new row commits: a row read in between is not kept).
- The answer is the one the feed view gives (``caching.stored_feed_response``), decorated by the
  very middleware that would decorate it (security headers, CSP, X-Frame-Options, Content-Length)
  in the same order, so headers and bodies are byte for byte the ones of the full view.

Any doubt falls through to the full view, which then answers as it always did: an unknown or
private show, a moved feed, a query string, cookies, a feed that is due (changed or a scheduled
episode's time has passed), missing or changing files, a host not allowed, a redirect that
the security middleware would make, or a ``MIDDLEWARE`` list with entries this module does not
know to be inert for such a request (the fast path then switches itself off).
"""

import os
import re
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

from episodes.feeds import store

# Middleware that only decorate responses (or redirect/refuse in process_request): run as is.
DECORATING = {
    "django.middleware.security.SecurityMiddleware",
    "podcastcms.security.ContentSecurityPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}
# Middleware that do nothing for a cookie-less GET or HEAD of a feed answered 200 or 304 (the
# view touches no session, CSRF token, user or message; error pages act on 404 and 500 only).
INERT = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "podcastcms.error_pages.OwnErrorPagesMiddleware",
    "episodes.middleware.SlugHistoryRedirectMiddleware",
}
FEED_URL = re.compile(
    r"/(?:shows/(?P<slug>[-a-zA-Z0-9_]+)/feed\.xml|network/(?P<network>feed\.xml|publisher\.xml|shows\.opml))"
)
NETWORK_NAMES = {"feed.xml": "network", "publisher.xml": "publisher", "shows.opml": "opml"}
FEED_VIEWS = {"show-feed", "network-feed", "publisher-feed", "opml"}
ROW_TTL = 1.0
SETTLED_AFTER = 2.0


class Entry:
    """One feed's stored row as last read, with the identity of its files when it was read."""

    __slots__ = ("state", "content_type", "identity", "next_change", "expires")

    def __init__(self, state, content_type, identity, expires):
        self.state = state
        self.content_type = content_type
        self.identity = identity
        self.next_change = state.next_change_at.timestamp() if state.next_change_at else None
        self.expires = expires


def file_identity(path):
    """What changes whenever a stored file is replaced or removed: ``None`` once it is gone."""
    try:
        plain = os.stat(path)
        gzipped = os.stat(f"{path}.gz")
    except OSError:
        return None
    return (
        (plain.st_ino, plain.st_mtime_ns, plain.st_size, plain.st_ctime_ns),
        (gzipped.st_ino, gzipped.st_mtime_ns, gzipped.st_size, gzipped.st_ctime_ns),
    )


def describes(state, identity):
    """True when the row's validators are the files' own (nginx's ETag and Last-Modified)."""
    plain, gzipped = identity
    mtime = int(state.last_modified.timestamp())
    return (
        plain[2] == state.size
        and gzipped[2] == state.gzip_size
        and plain[1] // 1_000_000_000 == mtime
        and gzipped[1] // 1_000_000_000 == mtime
    )


def files_vouch_for_rows():
    """True when the feed store takes an edited feed's files away in the edit's own transaction
    (``store.FILES_TAKEN_AWAY_BEFORE_COMMIT``): a stored file still in place once an edit has
    committed is then the current copy, and a poll may trust a row it read earlier for as long
    as the files it saw with that row are still the same ones. Otherwise every poll reads the
    row (one query), as the feed view does."""
    return store.FILES_TAKEN_AWAY_BEFORE_COMMIT


class FeedFastPathMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "FEED_FAST_PATH", True):
            raise MiddlewareNotUsed("FEED_FAST_PATH is off.")
        names = list(settings.MIDDLEWARE)
        own = f"{__name__}.{type(self).__name__}"
        others = [name for name in names if name != own]
        unknown = [name for name in others if name not in DECORATING | INERT]
        if unknown or names[0] != own or getattr(settings, "WHITENOISE_ROOT", None):
            # Something this module cannot vouch for would run on feed requests: let it.
            raise MiddlewareNotUsed(f"Feed fast path off: {', '.join(unknown) or 'not first'}.")
        self.get_response = get_response
        # The decorating middleware, outermost first, each wrapping nothing: their
        # process_request and process_response are called in the order the chain calls them.
        self.decorators = [
            _SamePolicy(middleware) if isinstance(middleware, CSPMiddleware) else middleware
            for middleware in (import_string(name)(_unreachable) for name in others if name in DECORATING)
        ]
        self.entries = {}
        self.feed_urls = set()
        # Rows are remembered between polls only where a file still in place after an edit's
        # commit is the current copy: where edits take the files away before they commit.
        self.remember = files_vouch_for_rows()

    def __call__(self, request):
        response = None
        if request.method in ("GET", "HEAD") and not request.META.get("QUERY_STRING"):
            match = FEED_URL.fullmatch(request.path_info)
            if match is not None and not request.META.get("HTTP_COOKIE"):
                response = self.answer(request, match)
        return response if response is not None else self.get_response(request)

    def answer(self, request, match):
        for decorator in self.decorators:
            if hasattr(decorator, "process_request"):
                try:
                    if decorator.process_request(request) is not None:
                        return None  # a redirect (to https, to www): the chain makes it
                except Exception:  # noqa: BLE001 - a refused host or agent: the chain refuses it
                    return None
        from episodes.feeds.caching import StoredCopyChanged, stored_feed_response

        entry = self.current_entry(request, match)
        if entry is None:
            return None
        try:
            response = stored_feed_response(request, entry.state, entry.content_type)
        except StoredCopyChanged:
            self.entries.pop(entry.state.name, None)
            return None
        for decorator in reversed(self.decorators):
            if hasattr(decorator, "process_response"):
                response = decorator.process_response(request, response)
        return response

    def current_entry(self, request, match):
        slug = match["slug"]
        name_key = ("show", slug) if slug is not None else ("network", match["network"])
        relative = request.path_info[1:]
        path = os.path.join(settings.FEED_STORE_ROOT, relative)
        identity = file_identity(path)
        if identity is None:
            self.entries.pop(name_key, None)
            return None
        now = time.time()
        entry = self.entries.get(name_key)
        if entry is None or entry.identity != identity or entry.expires <= now:
            entry = self.read_entry(request, name_key, relative, path, now)
            if entry is None:
                self.entries.pop(name_key, None)
                return None
            if self.remember and entry.identity[0][3] <= (now - SETTLED_AFTER) * 1_000_000_000:
                self.entries[name_key] = entry
        if entry.next_change is not None and entry.next_change <= now:
            return None  # a scheduled episode's time has passed: the view renders it
        return entry

    def read_entry(self, request, name_key, relative, path, now):
        """The feed's row (the one query of the view), if its stored copy is current and is
        these files; ``None`` otherwise."""
        from django.utils import timezone

        from episodes.feeds import caching, rss

        kind, key = name_key
        content_type = rss.PodcastFeedGenerator.content_type
        if kind == "show":
            row = caching.show_feed_state(key)
            if row is None or not row["is_public"] or (row["new_feed_url"] and row["feed_move_confirmed"]):
                return None
            state = row["stored"]
        else:
            state = caching.stored_state(NETWORK_NAMES[key])
            if key == "shows.opml":
                content_type = "text/x-opml; charset=utf-8"
        if not state.exists or state.path != relative or store.is_due(state, timezone.now()):
            return None
        identity = file_identity(path)
        if identity is None or not describes(state, identity) or not self.is_feed_url(request.path_info):
            return None
        return Entry(state, content_type, identity, now + ROW_TTL)

    def is_feed_url(self, path):
        """True when the URLconf sends ``path`` to a feed view (remembered for stored feeds)."""
        if path in self.feed_urls:
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        if match.url_name not in FEED_VIEWS:
            return False
        self.feed_urls.add(path)
        return True


class _SamePolicy:
    """The CSP middleware, remembering the headers it gave a feed answer.

    Its policy depends on the request's path (excluded prefixes), the response's status, its
    clickjacking decision and its own CSP attributes, and on a nonce that feed answers never use;
    the fast path's answers carry no CSP attributes, so the headers it set for one answer are
    the ones it sets for any other with the same path, status and framing.
    """

    HEADERS = (HEADER, HEADER_REPORT_ONLY)

    def __init__(self, middleware):
        self.middleware = middleware
        self.process_request = middleware.process_request
        self.remembered = {}

    def process_response(self, request, response):
        key = (
            request.path_info,
            response.status_code,
            response.get("X-Frame-Options"),
            getattr(response, "xframe_options_exempt", False),
        )
        headers = self.remembered.get(key)
        if headers is None or any(name in response for name in self.HEADERS):
            before = {name: response.get(name) for name in self.HEADERS}
            response = self.middleware.process_response(request, response)
            if all(value is None for value in before.values()):
                self.remembered[key] = [(name, response[name]) for name in self.HEADERS if name in response]
            return response
        for name, value in headers:
            response.headers[name] = value
        return response


def _unreachable(request):
    raise AssertionError("The feed fast path answers by itself.")
