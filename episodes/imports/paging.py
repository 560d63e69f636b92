"""Importing a whole back catalogue: a feed and its RFC 5005 pages (``atom:link rel="next"``).

``import_source`` is the one entry point of the command line, the admin and background work.
It reads the first document, imports the show and that page's items, then follows ``next``
links: on the same host only, at most ``max_pages`` documents, never a page twice. Each page is
written in its own transaction, so a page that cannot be read or written leaves the pages before
it in place, writes nothing itself, and the report says where and why the import stopped.
"""

import urllib.parse
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from episodes.imports.feedreader import FeedImportError, read_feed, read_source
from episodes.imports.importer import FeedImporter, ImportResult, _item_guid

MAX_PAGES = 500


@dataclass
class Page:
    number: int
    url: str
    items: int = 0
    problem: str = ""  # why this page was not (fully) imported; empty when it was

    def __str__(self):
        where = self.url or "the given feed"
        if self.problem:
            return f"Page {self.number} ({where}): {self.problem}"
        return f"Page {self.number} ({where}): {self.items} item{'s' * (self.items != 1)}"


def next_link(channel):
    for link in channel.get("links") or []:
        if (link.get("rel") or "").lower() == "next" and link.get("href"):
            return link["href"].strip()
    return ""


def import_source(
    source="",
    *,
    data=None,
    show_slug=None,
    allow_locked=False,
    progress=None,
    on_page=None,
    public_only=False,
    max_pages=MAX_PAGES,
    chapter_documents=None,
    result=None,
):
    """Import the feed at ``source`` (a path or an http(s) URL, or ``data`` already read) and
    its following pages. ``progress(index, total, outcome, title)`` after each item (``total`` is
    the number of items known so far); ``on_page(page)`` after each page;
    ``chapter_documents(url)`` may give the bytes of a JSON chapters file to store. Returns the
    ImportResult (``result``, when given, is filled as the import goes), with ``pages`` listing every
    page read. FeedImportError when the first
    document cannot be imported (then nothing was written)."""
    source = str(source or "")
    is_url = source.lower().startswith(("http://", "https://"))
    if data is None:
        data = read_source(source, public_only=public_only)
    result = result if result is not None else ImportResult()
    importer = FeedImporter(data, show_slug, allow_locked, source if is_url else "", progress, result)
    importer.chapter_documents = chapter_documents
    parsed, warnings = read_feed(data)
    result.warnings.extend(warnings)
    locked = importer.prepare(parsed)
    first = Page(1, source if is_url else "", len(parsed.entries))
    importer.total = len(parsed.entries)
    entries = parsed.entries
    guids = [guid for guid in map(_item_guid, entries) if guid]
    with transaction.atomic():
        show = importer.save_show(parsed.feed, locked, guids)
        importer.import_channel_tags(show, parsed)
        importer.import_entries(show, entries, guids)
    _report(result, first, on_page)

    url = next_link(parsed.feed)
    if url and not is_url:
        result.warnings.append(
            f"The feed is paged (its next page is {url}); import it from its URL to read every page."
        )
        return result
    seen = {
        source,
        *(link.get("href") for link in parsed.feed.get("links") or [] if link.get("rel") == "self"),
    }
    host = urllib.parse.urlsplit(source).hostname
    number = 1
    while url:
        number += 1
        url = urllib.parse.urljoin(source, url)
        page = Page(number, url)
        if url in seen:
            page.problem = "already read: the pages loop, so the import stopped here."
        elif urllib.parse.urlsplit(url).hostname != host:
            page.problem = f"on another host than the feed ({host}); not followed."
        elif number > max_pages:
            page.problem = f"past the limit of {max_pages} pages; not read."
        if page.problem:
            _report(result, page, on_page, warn=True)
            break
        seen.add(url)
        try:
            parsed, warnings = read_feed(read_source(url, public_only=public_only))
        except FeedImportError as exc:
            page.problem = f"could not be read ({exc}); this page and the pages after it were not imported."
            _report(result, page, on_page, warn=True)
            break
        result.warnings.extend(warnings)
        page.items = len(parsed.entries)
        importer.total += page.items
        entries = parsed.entries
        guids = [guid for guid in map(_item_guid, entries) if guid]
        counts = result.counts
        try:
            with transaction.atomic():
                importer.import_entries(show, entries, guids)
        except DatabaseError as exc:
            # Everything this page wrote is rolled back; its items are not counted as imported.
            for name in ("created", "updated", "unchanged", "skipped"):
                del getattr(result, name)[counts[name] :]
            importer.load_episodes(show)
            page.problem = f"could not be written ({exc}); nothing of it was kept, and the import stopped."
            _report(result, page, on_page, warn=True)
            break
        _report(result, page, on_page)
        url = next_link(parsed.feed)
    return result


def _report(result, page, on_page, warn=False):
    result.pages.append(page)
    if warn:
        result.warnings.append(str(page))
    if on_page:
        on_page(page)
