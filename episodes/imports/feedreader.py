"""Reading a feed: from a file or URL to feedparser's result, refusing what cannot be a feed.

Feeds are read with feedparser only. feedparser keeps unknown namespaced elements such as
``podcast:person`` as a dict of the *last* element's attributes and drops their text (the
person's name, the ``yes`` of ``podcast:locked``). ``PodcastNamespace`` below adds handlers in
feedparser's own ``_start_<prefix>_<element>`` style that keep every element with its text
as ``podcast_<element>_list``, and records ``itunes:category`` nesting, which feedparser
flattens into its tags.
"""

import http.client
import ipaddress
import math
import re
import socket
import ssl
import threading
import urllib.parse
from pathlib import Path

import defusedxml.ElementTree
import feedparser
import feedparser.api
from defusedxml import DefusedXmlException

MAX_FEED_BYTES = 50 * 1024 * 1024
FETCH_TIMEOUT = 30  # seconds
MAX_TEXT_BYTES = 4000  # Apple's limit for descriptions, in UTF-8 bytes
# No episode runs a week; a longer duration is a typo or garbage, not a value to store.
MAX_DURATION_SECONDS = 7 * 24 * 3600

PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    # The namespace's first URI, still used by many feeds.
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
PSC_NAMESPACE = "http://podlove.org/simple-chapters"
# Podcasting 2.0 elements that may repeat or carry their value as text next to attributes
# (feedparser lowercases element and attribute names: ``socialInteract`` is ``socialinteract``).
LISTED_PODCAST_ELEMENTS = (
    "person",
    "transcript",
    "funding",
    "locked",
    "txt",
    "location",
    "trailer",
    "image",
    "block",
    "socialinteract",
    "updatefrequency",
    "chapters",
    "soundbite",
    "season",
    "episode",
    "source",
    "integrity",
    "contentlink",
    "alternateenclosure",
)
# Children of podcast:alternateEnclosure, kept inside it rather than on the item.
ALTERNATE_CHILDREN = {"source": "sources", "integrity": "integrity"}
EXPLICIT_VALUES = {
    "yes": True,
    "true": True,
    "explicit": True,
    "no": False,
    "false": False,
    "clean": False,
}

# Expat's messages when a document stops before its end: a cut-off download, not a messy feed.
TRUNCATION_ERRORS = ("no element found", "unclosed token", "unclosed CDATA section")


class FeedImportError(Exception):
    """The feed cannot be imported at all; nothing was written."""


class PodcastNamespace:
    """feedparser handlers keeping repeated Podcasting 2.0 elements with their text.

    What feedparser itself stores under ``podcast_<element>`` is left as it is; each element
    is added to ``podcast_<element>_list`` as its attributes plus ``value`` (its text).
    """

    namespaces = {
        **feedparser.api._FeedParserMixin.namespaces,
        **dict.fromkeys(PODCAST_NAMESPACES, "podcast"),
        PSC_NAMESPACE: "psc",
    }
    # feedparser fills this lookup table lazily per class; ours must not share the base's.
    _matchnamespaces = {}

    def _podcast_open(self, attrs):
        self.__dict__.setdefault("_podcast_stack", []).append(attrs)

    def _podcast_close(self, name):
        attrs = self._podcast_stack.pop()
        key = f"podcast_{name}"
        text = self.pop(key) or ""
        context = self._get_context()
        # The text is "value", unless the element has a value attribute (podcast:integrity).
        element = {"value": text.strip() if isinstance(text, str) else "", **attrs}
        alternates = self.__dict__.get("_alternate_stack")
        if name in ALTERNATE_CHILDREN and alternates:
            alternates[-1].setdefault(ALTERNATE_CHILDREN[name], []).append(element)
            context.pop(key, None)
            return
        if name == "alternateenclosure":
            element.update(self._alternate_stack.pop())
        if attrs:
            context[key] = attrs  # what feedparser would have kept
        context.setdefault(f"{key}_list", []).append(element)

    def _start_podcast_alternateenclosure(self, attrs):
        self.__dict__.setdefault("_alternate_stack", []).append({"sources": [], "integrity": []})
        self._podcast_open(attrs)
        self.push("podcast_alternateenclosure", 1)

    # A live item is an item of its own, never part of the channel: feedparser, which does
    # not know it, would fold its title, description and image into the show's.
    def _start_podcast_liveitem(self, attrs):
        self._start_item(attrs)
        self.entries[-1]["podcast_liveitem"] = dict(attrs)

    def _end_podcast_liveitem(self):
        self._end_item()

    # itunes:author as written: feedparser merges it with managingEditor and the owner's name.
    def _start_itunes_author(self, attrs):
        self.push("itunes_author_text", 1)

    def _end_itunes_author(self):
        self.pop("itunes_author_text")

    # itunes:subtitle and itunes:summary apart from <description>, which feedparser folds in.
    def _start_itunes_subtitle(self, attrs):
        self.push("itunes_subtitle_text", 1)

    def _end_itunes_subtitle(self):
        self.pop("itunes_subtitle_text")

    def _start_itunes_summary(self, attrs):
        self.push("itunes_summary_text", 1)

    def _end_itunes_summary(self):
        self.pop("itunes_summary_text")

    # itunes:explicit as written; feedparser understands only "yes" and "clean".
    def _end_itunes_explicit(self):
        value = self.pop("itunes_explicit", 0) or ""
        context = self._get_context()
        context["itunes_explicit_text"] = value.strip()
        context["itunes_explicit"] = EXPLICIT_VALUES.get(value.strip().lower())

    # Podlove Simple Chapters.
    def _start_psc_chapters(self, attrs):
        self._get_context().setdefault("psc_chapters", [])

    def _end_psc_chapters(self):
        pass

    def _start_psc_chapter(self, attrs):
        self._get_context().setdefault("psc_chapters", []).append(dict(attrs))

    def _end_psc_chapter(self):
        pass

    def _start_itunes_category(self, attrs):
        stack = self.__dict__.setdefault("_category_stack", [])
        text = attrs.get("text", "")
        pair = (stack[-1], text) if stack else (text, "")
        self._get_context().setdefault("itunes_categories", []).append(pair)
        stack.append(text)
        super()._start_itunes_category(attrs)

    def _end_itunes_category(self):
        self._category_stack.pop()
        super()._end_itunes_category()


def _add_podcast_handlers(cls):
    for name in LISTED_PODCAST_ELEMENTS:
        if name == "alternateenclosure":
            setattr(cls, f"_end_podcast_{name}", lambda self: self._podcast_close("alternateenclosure"))
            continue

        def start(self, attrs, _name=name):
            self._podcast_open(attrs)
            self.push(f"podcast_{_name}", 1)

        def end(self, _name=name):
            self._podcast_close(_name)

        setattr(cls, f"_start_podcast_{name}", start)
        setattr(cls, f"_end_podcast_{name}", end)
    return cls


_add_podcast_handlers(PodcastNamespace)
StrictPodcastParser = type("StrictPodcastParser", (PodcastNamespace, feedparser.api.StrictFeedParser), {})
LoosePodcastParser = type("LoosePodcastParser", (PodcastNamespace, feedparser.api.LooseFeedParser), {})
_parser_lock = threading.Lock()


def parse_feed(data):
    """feedparser's result for ``data`` (bytes), with the podcast namespace kept whole.

    ``feedparser.parse`` builds its parsers from two module attributes; they are pointed at
    our subclasses for the length of the call only, so other users of feedparser in this
    process see its usual behaviour.
    """
    with _parser_lock:
        saved = feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser
        feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser = (
            StrictPodcastParser,
            LoosePodcastParser,
        )
        try:
            # Our own sanitiser (nh3) cleans every HTML value we keep; feedparser's would only
            # double the parsing time.
            return feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
        finally:
            feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser = saved


def read_source(source, max_bytes=MAX_FEED_BYTES, timeout=FETCH_TIMEOUT, public_only=False):
    """The bytes of a feed given as a file path or an http(s) URL, at most ``max_bytes``.

    ``public_only`` refuses URLs (and redirects) to loopback, private and link-local
    addresses: the admin fetches what a web user typed, and must not reach inside our network.
    """
    source = str(source)
    limit_mb = max_bytes / (1024 * 1024)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        if not source.lower().startswith(("http://", "https://")):
            raise FeedImportError(f"Only http and https feed URLs can be imported, not “{source}”.")
        data = fetch_url(source, max_bytes=max_bytes, timeout=timeout, public_only=public_only)
        if len(data) > max_bytes:
            raise FeedImportError(f"The feed is larger than {limit_mb:g} MB; it was not imported.")
        return data
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FeedImportError(
                f"The feed is {size / (1024 * 1024):.1f} MB; at most {limit_mb:g} MB are accepted."
            )
        return path.read_bytes()
    except IsADirectoryError:
        raise FeedImportError(f"“{source}” is a folder, not a feed file.") from None
    except OSError as exc:
        raise FeedImportError(f"The feed file “{source}” cannot be read: {exc.strerror}.") from None


MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def is_public_address(address):
    """May the import connect to ``address``? Only to addresses routed on the public internet."""
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def fetch_url(url, *, max_bytes, timeout, public_only):
    """The body of ``url`` (at most ``max_bytes`` + 1 bytes), following up to five redirects.

    With ``public_only`` every hop's host is resolved once, each address is checked with
    ``is_public_address``, and the connection is made to the checked address itself (the
    Host header and the TLS certificate check still use the name). A second DNS answer
    (rebinding) or a redirect to an inner address therefore never reaches our network.
    """
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FeedImportError(f"The feed URL redirects to “{url}”, which is not http(s).")
        host = parts.hostname or ""
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FeedImportError(f"The feed URL “{url}” has an invalid port.") from None
        address = _resolve(host, port, public_only)
        if scheme == "https":
            connection = _PinnedHTTPSConnection(
                host, port, address=address, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            connection.request(
                "GET", target, headers={"User-Agent": "podcastcms-feed-import", "Accept-Encoding": "identity"}
            )
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES and response.getheader("Location"):
                url = urllib.parse.urljoin(url, response.getheader("Location"))
                continue
            if response.status >= 400:
                raise FeedImportError(f"The feed URL answered HTTP {response.status} ({response.reason}).")
            return response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise FeedImportError(f"The feed URL could not be fetched: {exc}.") from None
        finally:
            connection.close()
    raise FeedImportError(f"The feed URL redirects more than {MAX_REDIRECTS} times; it was not fetched.")


def check_public_url(url):
    """Refuse, before anything is queued, a feed URL whose host resolves to a non-public address.

    ``fetch_url`` checks again, hop by hop, when the feed is fetched: this only spares the
    producer a background import that could never succeed.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FeedImportError(f"The feed URL “{url}” has an invalid port.") from None
    _resolve(parts.hostname or "", port, public_only=True)


def _resolve(host, port, public_only):
    """The one address to connect to for ``host``: resolved once, and checked when asked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FeedImportError(f"The feed URL's host “{host}” cannot be found.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FeedImportError(f"The feed URL's host “{host}” cannot be found.")
    if public_only:
        for address in sorted(set(addresses)):
            if not is_public_address(address):
                raise FeedImportError(
                    f"The feed URL points to a non-public address ({address}); it was not fetched."
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a given address, whatever the host name resolves to now."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given address; the certificate is still checked against the host name."""

    def __init__(self, host, port, *, address, context, **kwargs):
        super().__init__(host, port, context=context, **kwargs)
        self.address = address
        self.tls_context = context

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def parse_duration(value):
    """Seconds from the forms feeds use: "1:02:03", "62:03", "3723", "3723.5"; None if empty.

    ValueError for anything else, including non-finite numbers and durations over a week.
    """
    value = (value or "").strip()
    if not value:
        return None
    parts = value.split(":")
    if len(parts) > 3:
        raise ValueError(value)
    seconds = 0.0
    for part in parts:
        number = float(part) if part.strip() else 0.0
        # float() also reads "inf", "nan" and "1e400" (infinite): none is a duration.
        if not math.isfinite(number) or number < 0:
            raise ValueError(value)
        seconds = seconds * 60 + number
    if seconds > MAX_DURATION_SECONDS:
        raise ValueError(value)
    return round(seconds)


def truncate_utf8(text, limit=MAX_TEXT_BYTES):
    """``text`` cut to at most ``limit`` UTF-8 bytes without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    return encoded[:limit].decode("utf-8", "ignore").rstrip(), True


def read_feed(data):
    """feedparser's result for the feed ``data``, and warnings; FeedImportError if unreadable."""
    warnings = []
    if not data or not data.strip():
        raise FeedImportError("The feed is empty.")
    if len(data) > MAX_FEED_BYTES:
        raise FeedImportError(f"The feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB.")
    # Whitespace before the XML declaration makes the strict parser give up on the whole
    # document (and with it on noticing a truncated one); without it the feed reads strictly.
    if data.lstrip().startswith(b"<?xml"):
        data = data.lstrip()
    refuse_declarations(data)
    parsed = parse_feed(data)
    # Live items are read apart from the episodes (and never into the channel).
    parsed["live_items"] = [entry for entry in parsed.entries if "podcast_liveitem" in entry]
    if parsed["live_items"]:
        parsed["entries"] = [entry for entry in parsed.entries if "podcast_liveitem" not in entry]
    error = parsed.get("bozo_exception")
    message = getattr(error, "getMessage", lambda: str(error))() if error else ""
    if not parsed.get("version"):
        if b"<html" in data[:4096].lower():
            reason = "it is an HTML page"
        elif message in TRUNCATION_ERRORS:
            reason = "it is cut off"
        else:
            reason = f"it is not RSS or Atom ({message or 'no feed element found'})"
        raise FeedImportError(f"This is not a feed that can be read: {reason}.")
    if message in TRUNCATION_ERRORS:
        line = getattr(error, "getLineNumber", lambda: "?")()
        raise FeedImportError(
            f"The feed stops before its end (line {line}: {message}); it looks truncated, "
            "so nothing was imported."
        )
    if error and not _ends_with_root_element(data, parsed):
        # The lenient parser reads whatever is there; a cut-off download must not pass as a feed.
        raise FeedImportError(
            f"The feed stops before its end (no closing </rss> after “{message}”); it looks "
            "truncated, so nothing was imported."
        )
    if error:
        warnings.append(f"The feed is not well-formed XML ({message}); it was read leniently.")
    if not parsed.feed.get("title") and not parsed.entries:
        raise FeedImportError("This feed has no title and no items.")
    return parsed, warnings


def refuse_declarations(data):
    """FeedImportError for a document that declares entities or loads external ones.

    Entity declarations are how XML bombs and file disclosure work, and no podcast feed needs
    them; feedparser would otherwise import their references as literal ``&name;`` text.
    Only the prolog decides this, so a malformed body later on is left to ``read_feed``.
    """
    if b"<!DOCTYPE" not in data[:65536] and b"<!doctype" not in data[:65536]:
        return
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        name = getattr(exc, "name", None)
        what = f"the XML entity “{name}”" if name else "an external XML reference"
        raise FeedImportError(
            f"The feed declares XML entities in a DOCTYPE ({what}); feeds with entity declarations "
            "are refused, since they can expand into huge or private text."
        ) from None
    except defusedxml.ElementTree.ParseError:
        pass


def _ends_with_root_element(data, parsed):
    """Does the document end with the closing tag of an RSS, Atom or RDF feed?"""
    tail = data[-512:].decode(parsed.get("encoding") or "utf-8", "ignore")
    tail = re.sub(r"<!--.*?-->", "", tail, flags=re.DOTALL).rstrip().lower()
    return tail.endswith(("</rss>", "</feed>", "</rdf:rdf>"))
