"""Chapters from a Podcasting 2.0 JSON chapters document (``application/json+chapters``)."""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from episodes.imports import tags

MAX_CHAPTERS_BYTES = 2 * 1024 * 1024


class ChaptersError(ValueError):
    """The document is not a JSON chapters document; the message says why."""


def chapter_rows(data):
    """[{start_time, title, url, image}] of the document ``data`` (bytes), in its order."""
    if len(data) > MAX_CHAPTERS_BYTES:
        raise ChaptersError(f"it is larger than {MAX_CHAPTERS_BYTES // (1024 * 1024)} MB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ChaptersError(f"it is not JSON ({exc})") from None
    chapters = document.get("chapters") if isinstance(document, dict) else None
    if not isinstance(chapters, list):
        raise ChaptersError("it has no “chapters” list")
    rows = []
    for chapter in chapters:
        if not isinstance(chapter, dict) or chapter.get("toc") is False:
            continue  # not a table-of-contents chapter (the spec's "toc": false)
        try:
            start = Decimal(str(chapter.get("startTime"))).quantize(Decimal("0.001"))
        except InvalidOperation:
            raise ChaptersError(f"the startTime “{chapter.get('startTime')}” is not a number") from None
        if not start.is_finite() or start < 0:
            raise ChaptersError(f"the startTime “{chapter.get('startTime')}” is not a time")
        rows.append(
            {
                "start_time": start,
                "title": tags.text(str(chapter.get("title") or ""), 255) or f"Chapter {len(rows) + 1}",
                "url": tags.valid_url(chapter.get("url")),
                "image_url": tags.valid_url(str(chapter.get("img") or "").replace(" ", "%20")),
            }
        )
    return sorted(rows, key=lambda row: row["start_time"])


def folder_lookup(folder):
    """A ``chapter_documents`` callable: the file in ``folder`` named like the URL's last segment."""
    folder = Path(folder)

    def lookup(url):
        name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        path = folder / name
        return path.read_bytes() if name and path.is_file() else None

    return lookup
