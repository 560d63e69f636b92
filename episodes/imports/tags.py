"""The Podcasting 2.0 tags of a channel or an item, read into the values of our models.

Each ``*_rows`` function takes feedparser's dict (channel or entry, with the lists
``feedreader.PodcastNamespace`` keeps) and returns a list of field dicts in feed order, which
``importer`` compares with what is stored and writes when they differ. Values that cannot be
stored are left out and reported through ``warn``.
"""

import datetime
import email.utils
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_datetime

from podcastcms.sanitize import html_to_text

_url_validator = URLValidator(schemes=["http", "https"])


def valid_url(value):
    value = (value or "").strip()
    if not value or len(value) > 1000:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def text(value, limit):
    return " ".join((value or "").split())[:limit]


def positive_int(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def decimal(value, places=3):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** 9:
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def date_value(value):
    """A time from RFC 2822 (RSS) or ISO 8601 (the namespace's live items) text; None if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        try:
            parsed = parse_datetime(value.replace(".000", ""))
        except ValueError:
            parsed = None
        if parsed is None and len(value) >= 5 and value[-5] in "+-" and value[-3] != ":":
            # "…-0600": ISO 8601 with its offset written without a colon.
            try:
                parsed = parse_datetime(f"{value[:-2].replace('.000', '')}:{value[-2:]}")
            except ValueError:
                parsed = None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def funding_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_funding_list") or []:
        url = valid_url(element.get("url"))
        if not url:
            warn(f"{where}: podcast:funding without a valid url was not kept.")
            continue
        value = text(element.get("value"), 10_000)
        if len(value) > 128:
            warn(f"{where}: the podcast:funding text is longer than 128 characters and was shortened.")
        rows.append({"url": url, "text": value[:128]})
    return rows


def location_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_location_list") or []:
        name = text(element.get("value"), 128)
        if not name:
            warn(f"{where}: podcast:location without a name was not kept.")
            continue
        rel = (element.get("rel") or "").strip().lower()
        rows.append(
            {
                "name": name,
                "geo": text(element.get("geo"), 255),
                "osm": text(element.get("osm"), 64),
                "rel": rel if rel in ("subject", "creator") else "",
                "country": text(element.get("country"), 2).upper(),
            }
        )
    return rows


def txt_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_txt_list") or []:
        value = (element.get("value") or "").strip()
        if not value:
            continue
        if len(value) > 4000:
            warn(f"{where}: a podcast:txt longer than 4000 characters was not kept.")
            continue
        rows.append({"purpose": text(element.get("purpose"), 128), "value": value})
    return rows


def image_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_image_list") or []:
        href = valid_url((element.get("href") or "").replace(" ", "%20"))
        if not href:
            warn(f"{where}: podcast:image without a valid href was not kept.")
            continue
        rows.append(
            {
                "href": href,
                "alt": text(element.get("alt"), 500),
                "aspect_ratio": text(element.get("aspect-ratio"), 16),
                "width": positive_int(element.get("width")),
                "height": positive_int(element.get("height")),
                "mime_type": text(element.get("type"), 64),
                "purpose": text(element.get("purpose"), 128),
            }
        )
    return rows


def trailer_rows(context, warn):
    rows = []
    for element in context.get("podcast_trailer_list") or []:
        url = valid_url(element.get("url"))
        pub_date = date_value(element.get("pubdate"))
        title = text(element.get("value"), 128)
        if not (url and pub_date and title):
            warn("A podcast:trailer without a title, a valid url or a readable pubdate was not kept.")
            continue
        rows.append(
            {
                "title": title,
                "url": url,
                "pub_date": pub_date,
                "length": positive_int(element.get("length")),
                "mime_type": text(element.get("type"), 64),
                "season": positive_int(element.get("season")),
            }
        )
    return rows


def block_rows(context):
    rows = []
    for element in context.get("podcast_block_list") or []:
        value = (element.get("value") or "").strip().lower()
        if value not in ("yes", "no"):
            continue
        rows.append({"platform": text(element.get("id"), 64), "blocked": value == "yes"})
    return rows


def social_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_socialinteract_list") or []:
        protocol = text(element.get("protocol"), 32).lower()
        if not protocol:
            warn(f"{where}: podcast:socialInteract without a protocol was not kept.")
            continue
        rows.append(
            {
                "protocol": protocol,
                "uri": text(element.get("uri"), 1000),
                "account_id": text(element.get("accountid"), 255),
                "account_url": valid_url(element.get("accounturl")),
                "priority": positive_int(element.get("priority")),
            }
        )
    return rows


def soundbite_rows(context):
    rows = []
    for element in context.get("podcast_soundbite_list") or []:
        start, duration = decimal(element.get("starttime")), decimal(element.get("duration"))
        if start is None or duration is None:
            continue
        rows.append({"start_time": start, "duration": duration, "title": text(element.get("value"), 128)})
    return rows


def alternate_rows(context, where, warn):
    rows = []
    for element in context.get("podcast_alternateenclosure_list") or []:
        sources = []
        for source in element.get("sources") or []:
            uri = (source.get("uri") or "").strip()
            if not uri:
                continue
            entry = {"uri": uri[:1000]}
            if source.get("contenttype"):
                entry["contentType"] = text(source["contenttype"], 64)
            sources.append(entry)
        integrity = [
            {"type": text(item.get("type"), 16), "value": (item.get("value") or "").strip()[:1000]}
            for item in element.get("integrity") or []
            if item.get("type")
        ]
        mime_type = text(element.get("type"), 64)
        if not sources or not mime_type:
            warn(f"{where}: a podcast:alternateEnclosure without a type or a source was not kept.")
            continue
        rows.append(
            {
                "mime_type": mime_type,
                "length": positive_int(element.get("length")),
                "bitrate": decimal(element.get("bitrate"), 2),
                "height": positive_int(element.get("height")),
                "language": text(element.get("lang"), 16),
                "title": text(element.get("title"), 64),
                "rel": text(element.get("rel"), 64),
                "codecs": text(element.get("codecs"), 128),
                "default": (element.get("default") or "").strip().lower() == "true",
                "sources": sources,
                "integrity": integrity,
            }
        )
    return rows


def enclosure_alternates(enclosures):
    """Further <enclosure> elements of an item, kept as alternate enclosures with one source."""
    rows = []
    for enclosure in enclosures:
        uri = (enclosure.get("href") or "").strip()
        mime_type = text(enclosure.get("type"), 64)
        if not uri or not mime_type:
            continue
        rows.append(
            {
                "mime_type": mime_type,
                "length": positive_int(enclosure.get("length")),
                "bitrate": None,
                "height": None,
                "language": "",
                "title": "",
                "rel": "",
                "codecs": "",
                "default": False,
                "sources": [{"uri": uri[:1000]}],
                "integrity": [],
            }
        )
    return rows


def psc_time(value):
    """Seconds from Podlove's normal play time: "01:02:03.500", "62:03", "3723.5"."""
    value = (value or "").strip()
    if not value:
        return None
    seconds = Decimal(0)
    try:
        for part in value.split(":"):
            seconds = seconds * 60 + Decimal(part)
    except InvalidOperation:
        return None
    if not seconds.is_finite() or seconds < 0:
        return None
    return seconds.quantize(Decimal("0.001"))


def psc_chapter_rows(context, where, warn):
    rows = []
    for element in context.get("psc_chapters") or []:
        start = psc_time(element.get("start"))
        title = text(element.get("title"), 255)
        if start is None or not title:
            warn(f"{where}: a psc:chapter without a readable start or a title was not kept.")
            continue
        rows.append(
            {
                "start_time": start,
                "title": title,
                "url": valid_url(element.get("href")),
                "image_url": valid_url((element.get("image") or "").replace(" ", "%20")),
            }
        )
    return rows


def update_frequency_values(channel):
    elements = channel.get("podcast_updatefrequency_list") or []
    if not elements:
        return {
            "update_frequency": "",
            "update_frequency_rrule": "",
            "update_frequency_complete": False,
            "update_frequency_dtstart": None,
        }
    element = elements[0]
    return {
        "update_frequency": text(element.get("value"), 128),
        "update_frequency_rrule": text(element.get("rrule"), 255),
        "update_frequency_complete": (element.get("complete") or "").strip().lower() == "true",
        "update_frequency_dtstart": date_value(element.get("dtstart")),
    }


def live_item_rows(entries, where, warn):
    rows = []
    for entry in entries:
        attrs = entry.get("podcast_liveitem") or {}
        title = " ".join((entry.get("title") or "").split())[:255]
        start = date_value(attrs.get("start"))
        guid = (entry.get("id") or "").strip()[:255]
        status = (attrs.get("status") or "").strip().lower()
        if not (title and start and guid) or status not in ("pending", "live", "ended"):
            warn(
                f"{where}: a podcast:liveItem without a title, guid, readable start or known status "
                "was not kept."
            )
            continue
        enclosure = next(iter(entry.get("enclosures") or []), {})
        rows.append(
            {
                "guid": guid,
                "status": status,
                "start": start,
                "end": date_value(attrs.get("end")),
                "title": title,
                "summary": html_to_text(entry.get("summary") or ""),
                "link": valid_url(entry.get("link")),
                "enclosure_url": valid_url(enclosure.get("href")),
                "enclosure_type": text(enclosure.get("type"), 64),
                "enclosure_length": positive_int(enclosure.get("length")),
                "content_links": [
                    {"href": valid_url(element.get("href")), "text": text(element.get("value"), 255)}
                    for element in entry.get("podcast_contentlink_list") or []
                ],
            }
        )
    return rows
