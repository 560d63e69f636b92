"""RSS feeds for podcast apps and directories: one per show, the network's publisher feed,
a network-wide feed of the latest episodes, and an OPML list of the show feeds.

The feeds are built with Django's syndication framework. Everything a feed needs is read in a
fixed number of queries (no per-episode query), every URL in it is absolute from
``settings.SITE_URL``, and every text value is stripped of XML control characters. The views at
the bottom serve each feed's stored copy (``caching``, ``store``): rendered once per change.
"""

import html
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from io import BytesIO

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed, rfc2822_date
from django.utils.xmlutils import SimplerXMLGenerator

from episodes.feeds.caching import serve_feed, show_feed_state, stored_state
from episodes.models import (
    AlternateEnclosure,
    Chapter,
    Episode,
    FundingLink,
    LiveItem,
    Location,
    Network,
    PlatformBlock,
    PodcastImage,
    Show,
    SocialInteract,
    Soundbite,
    Trailer,
    Transcript,
    TxtRecord,
)
from people.models import Credit, Person, ShowHost
from podcastcms.sanitize import html_to_text
from podcastcms.validators import AUDIO_MIME_TYPES
from sponsors.models import Campaign, SponsorRead

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CHAPTERS_TYPE = "application/json+chapters"
PSC_NS = "http://podlove.org/simple-chapters"
# <generator>: the importer knows our feeds by it, and with it which addresses are our fallbacks.
FEED_GENERATOR = "podcastcms"
NETWORK_FEED_SIZE = 50
TRANSCRIPT_EXTENSIONS = {
    "text/vtt": "vtt",
    "application/x-subrip": "srt",
    "application/json": "json",
    "text/html": "html",
    "text/plain": "txt",
}

# Characters XML 1.0 cannot carry: C0 controls except tab, newline and carriage return,
# lone surrogates and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value):
    """A text value as feeds carry it: no XML control characters, no surrounding spaces."""
    if value is None:
        return None
    return _NOT_XML.sub("", str(value)).strip()


def absolute_url(url):
    """``url`` made absolute against SITE_URL (storage URLs may already be absolute)."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def file_url(field_file):
    return absolute_url(field_file.url) if field_file else ""


def artwork_url(obj):
    """A show's or episode's artwork: the upload, else where an imported feed hosts it."""
    return file_url(obj.artwork) or obj.artwork_url


_SENTINEL_ID = 987654321


def url_template(name, item_kwarg, **kwargs):
    """An absolute URL with ``{}`` where ``item_kwarg`` goes: reversed once per feed, filled per
    item with ``str.format`` (reversing thousands of URLs costs more than the rest of an item)."""
    url = absolute_url(reverse(name, kwargs={item_kwarg: _SENTINEL_ID, **kwargs}))
    before, _, after = url.rpartition(str(_SENTINEL_ID))
    return f"{before}{{}}{after}"


def escape_text(text):
    """XML character data; most feed values need no escaping, so look before replacing."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_ATTRIBUTE_SPECIALS = re.compile('[&<>"\n\r\t]')


def escape_attribute(value):
    """An attribute value for double quotes, escaped as xml.sax.saxutils.quoteattr does."""
    return value.translate(_ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIALS.search(value) else value


def text_as_html(text):
    """Plain text for ``<description>``, which RSS readers take as (entity-encoded) HTML.

    Escaped once here for HTML and once more by the XML writer, so a summary typed as
    ``<img onerror=…>`` reads as those characters, never as an element.
    """
    return html.escape(text, quote=False) if text else text


def yes_no(flag):
    return "true" if flag else "false"


class PodcastXMLGenerator(SimplerXMLGenerator):
    """Writes only characters XML 1.0 allows, and CDATA sections that survive any text.

    ``addQuickElement`` writes its element in one go: feeds hold tens of thousands of them,
    and the generic start/characters/end path costs several times as much per element.
    """

    def addQuickElement(self, name, contents=None, attrs=None):
        self._finish_pending_start_element()
        parts = ["<", name]
        if attrs:
            for key in sorted(attrs):
                parts.append(f' {key}="{escape_attribute(_NOT_XML.sub("", str(attrs[key])))}"')
        if contents:
            parts.append(f">{escape_text(_NOT_XML.sub('', contents))}</{name}>")
        else:
            parts.append("/>")
        self._write("".join(parts))

    def characters(self, content):
        super().characters(_NOT_XML.sub("", content) if content else content)

    def startElement(self, name, attrs):
        if attrs:
            attrs = {key: _NOT_XML.sub("", str(value)) for key, value in attrs.items()}
        super().startElement(name, attrs)

    def cdata_element(self, name, text):
        """``<name><![CDATA[text]]></name>``; a ``]]>`` in the text is split across two sections."""
        self.startElement(name, {})
        self._finish_pending_start_element()
        body = _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>")
        self._write(f"<![CDATA[{body}]]>")
        self.endElement(name)


class PodcastFeedGenerator(Rss201rev2Feed):
    """RSS 2.0 with the iTunes, content and Podcasting 2.0 namespaces."""

    content_type = "application/rss+xml; charset=utf-8"

    def write(self, outfile, encoding):
        handler = PodcastXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:itunes"] = ITUNES_NS
        attrs["xmlns:content"] = CONTENT_NS
        attrs["xmlns:podcast"] = PODCAST_NS
        attrs["xmlns:psc"] = PSC_NS
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        feed = self.feed
        quick = handler.addQuickElement
        # Where changes of this feed are announced (episodes.notify): WebSub hubs and podping.
        for hub in settings.WEBSUB_HUBS:
            quick("atom:link", None, {"rel": "hub", "href": hub})
        if settings.PODPING_URL:
            quick("podcast:podping", None, {"usesPodping": "true"})
        quick("generator", FEED_GENERATOR)
        for rel, href in feed.get("page_links", ()):
            quick("atom:link", None, {"rel": rel, "href": href})
        if feed.get("itunes_subtitle"):
            quick("itunes:subtitle", feed["itunes_subtitle"])
        if feed.get("itunes_title"):
            quick("itunes:title", feed["itunes_title"])
        if feed.get("itunes_type"):
            quick("itunes:type", feed["itunes_type"])
        if feed.get("itunes_author"):
            quick("itunes:author", feed["itunes_author"])
        if feed.get("owner_name") or feed.get("owner_email"):
            handler.startElement("itunes:owner", {})
            if feed.get("owner_name"):
                quick("itunes:name", feed["owner_name"])
            if feed.get("owner_email"):
                quick("itunes:email", feed["owner_email"])
            handler.endElement("itunes:owner")
        if feed.get("image"):
            quick("itunes:image", None, {"href": feed["image"]})
        categories = [(feed["category"], feed.get("subcategory"))] if feed.get("category") else []
        for category, subcategory in [*categories, *feed.get("more_categories", ())]:
            if subcategory:
                handler.startElement("itunes:category", {"text": category})
                quick("itunes:category", None, {"text": subcategory})
                handler.endElement("itunes:category")
            else:
                quick("itunes:category", None, {"text": category})
        if feed.get("explicit") is not None:
            quick("itunes:explicit", yes_no(feed["explicit"]))
        if feed.get("itunes_block"):
            quick("itunes:block", "Yes")
        if feed.get("itunes_complete"):
            quick("itunes:complete", "Yes")
        if feed.get("new_feed_url"):
            quick("itunes:new-feed-url", feed["new_feed_url"])
        if feed.get("podcast_guid"):
            quick("podcast:guid", feed["podcast_guid"])
        if feed.get("medium"):
            quick("podcast:medium", feed["medium"])
        if feed.get("locked") is not None:
            attrs = {"owner": feed["owner_email"]} if feed.get("owner_email") else {}
            quick("podcast:locked", "yes" if feed["locked"] else "no", attrs)
        for funding in feed.get("funding", ()):
            quick("podcast:funding", funding["text"], funding["attrs"])
        for name in ("locations", "txts", "images", "trailers", "blocks"):
            for element in feed.get(name, ()):
                quick(element["tag"], element["text"], element["attrs"])
        if feed.get("update_frequency"):
            quick("podcast:updateFrequency", *feed["update_frequency"])
        if feed.get("license"):
            attrs = {"url": feed["license_url"]} if feed.get("license_url") else {}
            quick("podcast:license", feed["license"], attrs)
        for person in feed.get("persons", ()):
            self.add_person(handler, person)
        for remote in feed.get("remote_items", ()):
            quick("podcast:remoteItem", None, remote)
        if feed.get("podroll"):
            handler.startElement("podcast:podroll", {})
            for remote in feed["podroll"]:
                quick("podcast:remoteItem", None, remote)
            handler.endElement("podcast:podroll")
        if feed.get("publisher"):
            handler.startElement("podcast:publisher", {})
            quick("podcast:remoteItem", None, feed["publisher"])
            handler.endElement("podcast:publisher")
        for live in feed.get("live_items", ()):
            self.add_live_item(handler, live)

    @staticmethod
    def add_live_item(handler, live):
        quick = handler.addQuickElement
        handler.startElement("podcast:liveItem", live["attrs"])
        quick("title", live["title"])
        if live["link"]:
            quick("link", live["link"])
        quick("description", live["summary"])
        quick("guid", live["guid"], {"isPermaLink": "false"})
        if live["enclosure"]:
            quick("enclosure", None, live["enclosure"])
        for link in live["content_links"]:
            quick("podcast:contentLink", link.get("text") or "", {"href": link.get("href") or ""})
        handler.endElement("podcast:liveItem")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        quick = handler.addQuickElement
        quick("itunes:title", item["title"])
        quick("itunes:episodeType", item["episode_type"])
        if item["season"]:
            quick("itunes:season", str(item["season"]))
        if item["number"]:
            quick("itunes:episode", str(item["number"]))
        if item["duration"]:
            quick("itunes:duration", str(item["duration"]))
        quick("itunes:explicit", yes_no(item["explicit"]))
        if item["image"]:
            quick("itunes:image", None, {"href": item["image"]})
        if item["content_encoded"]:
            handler.cdata_element("content:encoded", item["content_encoded"])
        if item["season"]:
            quick("podcast:season", str(item["season"]), _attrs(name=item.get("season_name")))
        if item["number"]:
            quick("podcast:episode", str(item["number"]), _attrs(display=item.get("episode_display")))
        for person in item["persons"]:
            self.add_person(handler, person)
        for transcript in item["transcripts"]:
            quick("podcast:transcript", None, transcript)
        if item["chapters_url"]:
            quick("podcast:chapters", None, {"url": item["chapters_url"], "type": CHAPTERS_TYPE})
        if item.get("psc_chapters"):
            handler.startElement("psc:chapters", {"version": "1.2"})
            for chapter in item["psc_chapters"]:
                quick("psc:chapter", None, chapter)
            handler.endElement("psc:chapters")
        for soundbite in item["soundbites"]:
            quick("podcast:soundbite", soundbite["title"], soundbite["attrs"])
        for element in item.get("tags", ()):
            quick(element["tag"], element["text"], element["attrs"])
        for alternate in item.get("alternates", ()):
            handler.startElement("podcast:alternateEnclosure", alternate["attrs"])
            for source in alternate["sources"]:
                quick("podcast:source", None, source)
            for integrity in alternate["integrity"]:
                quick("podcast:integrity", None, integrity)
            handler.endElement("podcast:alternateEnclosure")
        if item.get("source"):
            # RSS 2.0 <source>: in the network feed, the show an episode comes from.
            quick("source", item["source"]["title"], {"url": item["source"]["url"]})

    @staticmethod
    def add_person(handler, person):
        handler.addQuickElement("podcast:person", person["name"], person["attrs"])


def render_feed(feed_generator):
    buffer = BytesIO()
    write_feed(feed_generator, buffer)
    return buffer.getvalue()


def write_feed(feed_generator, outfile):
    """Write the feed to a binary file object as it is built (items may be a lazy iterable)."""
    feed_generator.write(outfile, "utf-8")


class FeedData:
    """What the items of a feed need, read in a fixed number of queries for any number of items."""

    def __init__(self, episodes_query, now):
        self.now = now
        ids = episodes_query.values("pk")
        # Credits and reads repeat a few people and campaigns across many episodes: read the
        # rows as tuples and each person and campaign once.
        self.credits = defaultdict(list)
        credit_rows = Credit.objects.filter(episode__in=ids).order_by("order", "pk")
        for episode_id, person_id, role, group in credit_rows.values_list(
            "episode_id", "person_id", "role", "group"
        ):
            self.credits[episode_id].append((person_id, role, group))
        person_ids = {row[0] for rows in self.credits.values() for row in rows}
        self.reads = defaultdict(list)
        read_rows = SponsorRead.objects.filter(episode__in=ids).order_by("order", "pk")
        for episode_id, campaign_id, copy in read_rows.values_list("episode_id", "campaign_id", "copy"):
            self.reads[episode_id].append((campaign_id, copy))
        campaign_ids = {row[0] for rows in self.reads.values() for row in rows}
        self.campaigns = Campaign.objects.select_related("sponsor").in_bulk(campaign_ids)
        self._read_texts = {}
        self.transcripts = defaultdict(list)
        for row in Transcript.objects.filter(episode__in=ids).order_by("pk"):
            self.transcripts[row.episode_id].append(row)
        self.soundbites = defaultdict(list)
        for row in Soundbite.objects.filter(episode__in=ids).order_by("start_time", "pk"):
            self.soundbites[row.episode_id].append(row)
        self.chapters = defaultdict(list)
        for row in Chapter.objects.filter(episode__in=ids).order_by("start_time", "pk"):
            self.chapters[row.episode_id].append(row)
        self.with_chapters = set(self.chapters)
        self.tags = defaultdict(list)  # episode id: item elements of funding, location, txt, image, social
        for model in (FundingLink, Location, TxtRecord, PodcastImage, SocialInteract):
            for row in model.objects.filter(episode__in=ids).order_by("order", "pk"):
                self.tags[row.episode_id].append(tag_element(row))
        self.alternates = defaultdict(list)
        for row in AlternateEnclosure.objects.filter(episode__in=ids).order_by("order", "pk"):
            self.alternates[row.episode_id].append(alternate_element(row))
        self.hosts = {}
        self.people = Person.objects.in_bulk(person_ids)
        self._people = {}
        self._shows = {}
        self.chapters_url = url_template("episodes:chapters", "episode_id")
        self.transcript_url = {
            mime_type: url_template("episodes:transcript", "transcript_id", extension=extension)
            for mime_type, extension in TRANSCRIPT_EXTENSIONS.items()
        }

    def show_hosts(self, show):
        if show.pk not in self.hosts:
            self.hosts[show.pk] = list(
                ShowHost.objects.filter(show=show).select_related("person").order_by("order", "pk")
            )
        return self.hosts[show.pk]

    def person(self, person, role, group):
        key = (person.pk, role)
        if key not in self._people:
            attrs = {
                "role": role,
                "group": group,
                "href": person.website or absolute_url(person.get_absolute_url()),
            }
            if person.photo or person.photo_url:
                attrs["img"] = file_url(person.photo) or person.photo_url
            self._people[key] = {"name": clean_text(person.name), "attrs": attrs}
        return self._people[key]

    def show_info(self, show):
        """Per-show values every item of that show repeats, computed once."""
        if show.pk not in self._shows:
            self._shows[show.pk] = {
                "image": artwork_url(show),
                "episode_url": url_template("episodes:episode", "episode_slug", show_slug=show.slug),
            }
        return self._shows[show.pk]


def episode_persons(data, episode):
    """The episode's credits, exactly: an item without its own people has the channel's (the
    show's hosts, which new episodes are credited with), so nothing is repeated or added."""
    return [
        data.person(data.people[person_id], role, group)
        for person_id, role, group in data.credits.get(episode.pk, [])
    ]


def number(value):
    """A decimal as feeds write it: no trailing zeros (``128000``, ``511276.52``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _attrs(**values):
    return {key: str(value) for key, value in values.items() if value not in (None, "", False)}


def tag_element(row):
    """The feed element of a funding link, location, txt record, image or social interaction."""
    if isinstance(row, FundingLink):
        return {"tag": "podcast:funding", "text": clean_text(row.text), "attrs": {"url": row.url}}
    if isinstance(row, Location):
        attrs = _attrs(geo=row.geo, osm=row.osm, rel=row.rel, country=row.country)
        return {"tag": "podcast:location", "text": clean_text(row.name), "attrs": attrs}
    if isinstance(row, TxtRecord):
        return {"tag": "podcast:txt", "text": clean_text(row.value), "attrs": _attrs(purpose=row.purpose)}
    if isinstance(row, PodcastImage):
        attrs = _attrs(
            href=row.href,
            alt=row.alt,
            width=row.width,
            height=row.height,
            type=row.mime_type,
            purpose=row.purpose,
        )
        if row.aspect_ratio:
            attrs["aspect-ratio"] = row.aspect_ratio
        return {"tag": "podcast:image", "text": None, "attrs": attrs}
    if isinstance(row, SocialInteract):
        attrs = _attrs(
            protocol=row.protocol,
            uri=row.uri,
            accountId=row.account_id,
            accountUrl=row.account_url,
            priority=row.priority,
        )
        return {"tag": "podcast:socialInteract", "text": None, "attrs": attrs}
    if isinstance(row, Trailer):
        attrs = _attrs(
            url=row.url,
            pubdate=rfc2822_date(row.pub_date),
            length=row.length,
            type=row.mime_type,
            season=row.season,
        )
        return {"tag": "podcast:trailer", "text": clean_text(row.title), "attrs": attrs}
    if isinstance(row, PlatformBlock):
        return {
            "tag": "podcast:block",
            "text": "yes" if row.blocked else "no",
            "attrs": _attrs(id=row.platform),
        }
    raise TypeError(type(row).__name__)


def alternate_element(row):
    """podcast:alternateEnclosure: an uploaded rendition is served first, then the given sources."""
    attrs = _attrs(
        type=row.mime_type,
        length=row.length,
        bitrate=number(row.bitrate) if row.bitrate is not None else None,
        height=row.height,
        lang=row.language,
        title=row.title,
        rel=row.rel,
        codecs=row.codecs,
    )
    if row.default:
        attrs["default"] = "true"
    sources = [{"uri": file_url(row.file)}] if row.file else []
    for source in row.sources:
        entry = {"uri": source.get("uri", "")}
        if source.get("contentType"):
            entry["contentType"] = source["contentType"]
        sources.append(entry)
    integrity = [{"type": item.get("type", ""), "value": item.get("value", "")} for item in row.integrity]
    return {"attrs": attrs, "sources": sources, "integrity": integrity}


def live_item_element(live):
    attrs = {"status": live.status, "start": live.start.isoformat()}
    if live.end:
        attrs["end"] = live.end.isoformat()
    enclosure = None
    if live.enclosure_url:
        enclosure = {
            "url": live.enclosure_url,
            "type": live.enclosure_type or "audio/mpeg",
            "length": str(live.enclosure_length or 0),
        }
    return {
        "attrs": attrs,
        "title": clean_text(live.title),
        "summary": clean_text(live.summary),
        "link": live.link,
        "guid": live.guid,
        "enclosure": enclosure,
        "content_links": live.content_links,
    }


def read_text(data, campaign_id, copy):
    """A sponsor read as plain text, and its promo link."""
    key = (campaign_id, copy)
    if key not in data._read_texts:
        campaign = data.campaigns[campaign_id]
        text = html_to_text(copy or campaign.read_copy)
        if campaign.promo_code and campaign.promo_code not in text:
            text = f"{text} Promo code: {campaign.promo_code}."
        data._read_texts[key] = (clean_text(f"{campaign.sponsor.name}: {text}"), campaign.promo_link)
    return data._read_texts[key]


def episode_item(data, episode):
    """The keyword arguments of one feed item, shared by the show and network feeds."""
    show = episode.show
    info = data.show_info(show)
    reads = [read_text(data, *read) for read in data.reads.get(episode.pk, [])]
    summary = clean_text(episode.summary)
    description = text_as_html(
        "\n\n".join([summary] * bool(summary) + [f"{text} {url}" for text, url in reads])
    )
    # content:encoded is the show notes (and sponsor reads), never the summary again: apps show
    # description and notes together, and an import would store the summary twice.
    parts = []
    parts.extend(
        f'<p>{html.escape(text)} <a href="{html.escape(url)}">{html.escape(url)}</a></p>'
        for text, url in reads
    )
    if episode.show_notes:
        parts.append(episode.show_notes)
    transcripts = []
    for transcript in data.transcripts.get(episode.pk, []):
        if transcript.file:
            url = data.transcript_url.get(transcript.mime_type, data.transcript_url["text/plain"])
            url = url.format(transcript.pk)
        else:
            url = transcript.url
        attrs = {"url": url, "type": transcript.mime_type}
        if transcript.language:
            attrs["language"] = transcript.language
        if transcript.is_captions:
            attrs["rel"] = "captions"
        transcripts.append(attrs)
    psc_chapters = []
    # The source's chapters document where the episode has one (its chapters are in psc too);
    # else ours, built from the chapter rows.
    chapters_url = episode.chapters_url
    if episode.pk in data.with_chapters:
        chapters_url = chapters_url or data.chapters_url.format(episode.pk)
        for chapter in data.chapters[episode.pk]:
            attrs = {"start": number(chapter.start_time), "title": clean_text(chapter.title)}
            if chapter.url:
                attrs["href"] = chapter.url
            image = file_url(chapter.image) if chapter.image else chapter.image_url
            if image:
                attrs["image"] = image
            psc_chapters.append(attrs)
    soundbites = [
        {
            "title": clean_text(bite.title),
            "attrs": {"startTime": str(bite.start_time), "duration": str(bite.duration)},
        }
        for bite in data.soundbites.get(episode.pk, [])
    ]
    return {
        "title": clean_text(episode.title),
        "link": episode.link or info["episode_url"].format(episode.slug),
        "description": description,
        "unique_id": episode.guid,
        "unique_id_is_permalink": False,
        "pubdate": episode.published_at,
        "enclosures": episode_enclosures(episode),
        "episode_type": episode.episode_type,
        "season": episode.season,
        "season_name": clean_text(episode.season_name),
        "number": episode.number,
        "episode_display": clean_text(episode.episode_display),
        "duration": episode.duration,
        "explicit": episode.explicit,
        "image": artwork_url(episode) or info["image"],
        # The notes were sanitised when saved (RichTextField); the rest is escaped above.
        "content_encoded": "".join(parts),
        "persons": episode_persons(data, episode),
        "transcripts": transcripts,
        "chapters_url": chapters_url,
        "psc_chapters": psc_chapters,
        "soundbites": soundbites,
        "tags": data.tags.get(episode.pk, ()),
        "alternates": data.alternates.get(episode.pk, ()),
    }


# URLs made only of these characters are already what iri_to_uri would return.
_URI_SAFE = re.compile(r"[A-Za-z0-9\-._~/#%\[\]=:;$&()+,!?*@']*")


class PlainEnclosure(Enclosure):
    """An enclosure that skips percent-encoding for URLs that need none (the common case)."""

    def __init__(self, url, length, mime_type):
        if _URI_SAFE.fullmatch(url):
            self.url, self.length, self.mime_type = url, length, mime_type
        else:
            super().__init__(url, length, mime_type)


def episode_enclosures(episode):
    if episode.audio:
        url = absolute_url(episode.enclosure_url)
    elif episode.external_audio_url:
        url = episode.external_audio_url
    else:
        return []
    mime_type = episode.audio_mime_type or AUDIO_MIME_TYPES.get(episode.audio_extension, "audio/mpeg")
    return [PlainEnclosure(url, str(episode.audio_size or 0), mime_type)]


def add_episode_items(feed, data, episodes, with_source=False):
    """Add the items straight to the generator: the same values syndication's ``get_feed`` passes,
    without its per-item attribute lookups (a feed may hold thousands of episodes)."""
    for episode in episodes:
        item = episode_item(data, episode)
        if with_source:
            item["source"] = {
                "title": clean_text(episode.show.title),
                "url": absolute_url(episode.show.get_feed_url()),
            }
        feed.add_item(**item)


FEED_RENDER_BATCH = 1000


class StreamedItems:
    """A feed's items built a batch of episodes at a time while the feed is written, so memory
    holds one batch, not the whole show (a feed may hold tens of thousands of episodes)."""

    def __init__(self, feed, episodes_query, show, now):
        self.feed, self.episodes_query, self.show, self.now = feed, episodes_query, show, now

    def __iter__(self):
        ids = list(self.episodes_query.values_list("pk", flat=True))
        for start in range(0, len(ids), FEED_RENDER_BATCH):
            batch = ids[start : start + FEED_RENDER_BATCH]
            rows = {episode.pk: episode for episode in Episode.objects.filter(pk__in=batch).order_by()}
            data = FeedData(Episode.objects.filter(pk__in=batch), self.now)
            for pk in batch:
                episode = rows[pk]
                episode.show = self.show
                # add_item gives the item exactly the shape syndication's generator expects;
                # it hands it to append() below.
                self.feed.add_item(**episode_item(data, episode))
                yield self._item

    def append(self, item):
        self._item = item


def stream_episode_items(feed, episodes_query, show, now):
    """Give ``feed`` its items lazily, and a lastBuildDate that depends on the content alone (the
    newest item's date, else the show's creation), so one content always renders the same bytes."""
    latest = episodes_query.order_by("-published_at").values_list("published_at", flat=True).first()
    built = latest or show.created_at
    feed.items = StreamedItems(feed, episodes_query, show, now)
    feed.latest_post_date = lambda: built


def remote_item(show, medium=None, title=False):
    attrs = {"feedGuid": str(show.podcast_guid), "feedUrl": absolute_url(show.get_feed_url())}
    if medium:
        attrs["medium"] = medium
    if title:
        attrs["title"] = clean_text(show.title)
    return attrs


def network_guid(network):
    return str(network.feed_guid())


def publisher_item(network):
    """podcast:publisher's remoteItem: every feed of ours points at the network's own feed."""
    return {
        "medium": "publisher",
        "feedGuid": network_guid(network),
        "feedUrl": absolute_url(reverse("episodes:publisher-feed")),
    }


def show_tags(show):
    """The channel's Podcasting 2.0 tags, a fixed number of queries."""
    funding = [tag_element(row) for row in FundingLink.objects.filter(show=show).order_by("order", "pk")]
    update_frequency = None
    if show.update_frequency:
        attrs = _attrs(rrule=show.update_frequency_rrule)
        if show.update_frequency_complete:
            attrs["complete"] = "true"
        if show.update_frequency_dtstart:
            attrs["dtstart"] = show.update_frequency_dtstart.isoformat()
        update_frequency = (clean_text(show.update_frequency), attrs)
    return {
        "funding": funding,
        "locations": [tag_element(row) for row in Location.objects.filter(show=show).order_by("order", "pk")],
        "txts": [tag_element(row) for row in TxtRecord.objects.filter(show=show).order_by("order", "pk")],
        "images": [
            tag_element(row) for row in PodcastImage.objects.filter(show=show).order_by("order", "pk")
        ],
        "trailers": [tag_element(row) for row in show.trailers.order_by("order", "pk")],
        "blocks": [tag_element(row) for row in show.platform_blocks.order_by("order", "pk")],
        "update_frequency": update_frequency,
        "live_items": [
            live_item_element(live) for live in LiveItem.objects.filter(show=show).order_by("start", "pk")
        ],
    }


class ShowFeed(Feed):
    """One show's feed, with every Apple and Podcasting 2.0 tag that applies."""

    feed_type = PodcastFeedGenerator

    def __init__(self, now=None, page=1):
        self.now = now or timezone.now()
        self.page = page

    def page_size(self):
        return max(0, settings.PODCASTCMS_FEED_PAGE_SIZE)

    def page_links(self, show, count):
        """RFC 5005 paged-feed links: first, last, and previous / next where there are such pages."""
        size = self.page_size()
        if not size or count <= size:
            return [], None
        last = -(-count // size)
        if self.page > last:
            raise Http404("No such page of this feed.")
        url = absolute_url(show.get_feed_url())
        page_url = lambda n: url if n == 1 else f"{url}?page={n}"  # noqa: E731
        links = [("first", page_url(1)), ("last", page_url(last))]
        if self.page > 1:
            links.append(("previous", page_url(self.page - 1)))
        if self.page < last:
            links.append(("next", page_url(self.page + 1)))
        return links, slice((self.page - 1) * size, self.page * size)

    def get_object(self, request, show_slug):
        try:
            return Show.objects.public().get(slug=show_slug)
        except Show.DoesNotExist:
            raise Http404("No such feed.") from None

    def get_feed(self, show, request):
        self.language = clean_text(show.language) or None
        self.network = Network.load()
        self.data = FeedData(Episode.objects.none(), self.now)
        feed = super().get_feed(show, request)
        feed.feed["language"] = self.language  # none when the show has none, not the site's
        episodes_query = self.episodes(show)
        links, window = self.page_links(show, episodes_query.count()) if self.page_size() else ([], None)
        feed.feed["page_links"] = links
        if window is not None:
            # One page of an RFC 5005 paged feed (off unless PODCASTCMS_FEED_PAGE_SIZE is set).
            episodes_query = self.episodes(show).filter(
                pk__in=list(episodes_query[window].values_list("pk", flat=True))
            )
        stream_episode_items(feed, episodes_query, show, self.now)
        return feed

    def episodes(self, show):
        order = ("published_at", "pk") if show.show_type == Show.SERIAL else ("-published_at", "-pk")
        return Episode.objects.published(now=self.now).filter(show=show).order_by(*order)

    def items(self, show):
        # Items are added by get_feed in bulk; see add_episode_items.
        return []

    def title(self, show):
        return clean_text(show.title)

    def link(self, show):
        return show.website or absolute_url(show.get_absolute_url())

    def feed_url(self, show):
        return absolute_url(show.get_feed_url())

    def description(self, show):
        return text_as_html(clean_text(show.description))

    def feed_copyright(self, show):
        return clean_text(show.copyright) or None

    def feed_extra_kwargs(self, show):
        others = Show.objects.public().exclude(pk=show.pk).order_by("title", "pk")
        return {
            "itunes_title": clean_text(show.title),
            "itunes_type": show.show_type,
            "itunes_subtitle": clean_text(show.subtitle),
            "itunes_author": clean_text(show.author),
            "owner_name": clean_text(show.owner_name),
            "owner_email": clean_text(show.owner_email),
            "image": artwork_url(show),
            "category": show.category,
            "subcategory": show.subcategory,
            "more_categories": [tuple(pair) for pair in show.more_categories],
            "explicit": show.explicit,
            "itunes_block": show.itunes_block,
            "itunes_complete": show.itunes_complete,
            "new_feed_url": show.new_feed_url,
            "podcast_guid": str(show.podcast_guid),
            "medium": show.medium,
            "locked": show.podcast_locked,
            **show_tags(show),
            "license": clean_text(show.license),
            "license_url": show.license_url,
            "persons": [
                self.data.person(host.person, host.role, host.group) for host in self.data.show_hosts(show)
            ],
            "podroll": [remote_item(other, title=True) for other in others],
            "publisher": publisher_item(self.network),
        }


FIRST_BUILD = datetime(2000, 1, 1, tzinfo=UTC)


class NetworkChannel(Feed):
    """What the network's own feeds say of the network itself."""

    feed_type = PodcastFeedGenerator
    feed_route = None  # the URL name of the feed

    def get_feed(self, network, request):
        self.language = "en"
        feed = super().get_feed(network, request)
        # lastBuildDate from the content alone (syndication would say "now" for a feed without
        # items), so the same content always renders the same bytes: the newest public show.
        newest = Show.objects.public().order_by("-created_at").values_list("created_at", flat=True).first()
        feed.latest_post_date = lambda: newest or FIRST_BUILD
        return feed

    def items(self, network):
        return []

    def title(self, network):
        return clean_text(network.name)

    def link(self, network):
        return network.website or absolute_url(reverse("episodes:home"))

    def feed_url(self, network):
        return absolute_url(reverse(self.feed_route))

    def description(self, network):
        return text_as_html(clean_text(network.description or network.tagline or network.name))

    def feed_extra_kwargs(self, network):
        """A network feed is a podcast channel too: artwork, category and explicit as directories
        require them; the category is the one most public shows have, explicit if any show is."""
        shows = list(
            Show.objects.public().order_by("title", "pk").values_list("category", "subcategory", "explicit")
        )
        counts = Counter((category, subcategory) for category, subcategory, _ in shows if category)
        category, subcategory = counts.most_common(1)[0][0] if counts else ("", "")
        return {
            "itunes_author": clean_text(network.owner_name or network.name),
            "owner_name": clean_text(network.owner_name),
            "owner_email": clean_text(network.owner_email),
            "image": file_url(network.artwork),
            "category": category,
            "subcategory": subcategory,
            "explicit": any(explicit for _, _, explicit in shows),
        }


class NetworkFeed(NetworkChannel):
    """The latest episodes of every public show, newest first."""

    feed_route = "episodes:network-feed"

    def __init__(self, now=None):
        self.now = now or timezone.now()

    def get_feed(self, network, request):
        episodes_query = Episode.objects.published(now=self.now).order_by("-published_at", "-pk")[
            :NETWORK_FEED_SIZE
        ]
        episodes = list(episodes_query.select_related("show"))
        self.data = FeedData(Episode.objects.filter(pk__in=[episode.pk for episode in episodes]), self.now)
        feed = super().get_feed(network, request)
        add_episode_items(feed, self.data, episodes, with_source=True)
        if episodes:
            feed.latest_post_date = lambda: episodes[0].published_at
        return feed

    def feed_extra_kwargs(self, network):
        return {
            **super().feed_extra_kwargs(network),
            "podcast_guid": str(network.network_feed_guid()),
            "medium": "podcast",
            "publisher": publisher_item(network),
        }


class PublisherFeed(NetworkChannel):
    """The network as a Podcasting 2.0 publisher: one remoteItem per public show."""

    feed_route = "episodes:publisher-feed"

    def feed_extra_kwargs(self, network):
        return {
            **super().feed_extra_kwargs(network),
            "podcast_guid": network_guid(network),
            "medium": "publisher",
            "remote_items": [
                remote_item(show, medium=show.medium)
                for show in Show.objects.public().order_by("title", "pk")
            ],
        }


def build_opml(network):
    buffer = BytesIO()
    handler = PodcastXMLGenerator(buffer, "utf-8", short_empty_elements=True)
    handler.startDocument()
    handler.startElement("opml", {"version": "2.0"})
    handler.startElement("head", {})
    handler.addQuickElement("title", clean_text(f"{network.name}: all shows"))
    handler.endElement("head")
    handler.startElement("body", {})
    for show in Show.objects.public().order_by("title", "pk"):
        handler.addQuickElement(
            "outline",
            None,
            {
                "type": "rss",
                "text": clean_text(show.title),
                "title": clean_text(show.title),
                "xmlUrl": absolute_url(show.get_feed_url()),
                "htmlUrl": show.website or absolute_url(show.get_absolute_url()),
            },
        )
    handler.endElement("body")
    handler.endElement("opml")
    return buffer.getvalue()


# Views -----------------------------------------------------------------------------------


def show_feed(request, show_slug):
    state = show_feed_state(show_slug)
    if state is None or not state["is_public"]:
        raise Http404("No such feed.")
    if state["new_feed_url"] and state["feed_move_confirmed"]:
        return HttpResponsePermanentRedirect(state["new_feed_url"])
    page = request.GET.get("page", "1")
    if settings.PODCASTCMS_FEED_PAGE_SIZE and page != "1":
        return feed_page_response(request, show_slug, page)
    return serve_feed(request, state["stored"], PodcastFeedGenerator.content_type)


def feed_page_response(request, show_slug, page):
    """A later page of a paged show feed, rendered for the request (the first page is stored)."""
    try:
        number = int(page)
    except ValueError:
        raise Http404("No such page of this feed.") from None
    if number < 1:
        raise Http404("No such page of this feed.")
    feed = ShowFeed(page=number)
    body = BytesIO()
    write_feed(feed.get_feed(feed.get_object(request, show_slug), request), body)
    response = HttpResponse(body.getvalue(), content_type=PodcastFeedGenerator.content_type)
    response["Cache-Control"] = "public, max-age=300"
    return response


def network_feed(request):
    return serve_feed(request, stored_state("network"), PodcastFeedGenerator.content_type)


def publisher_feed(request):
    return serve_feed(request, stored_state("publisher"), PodcastFeedGenerator.content_type)


def opml(request):
    return serve_feed(request, stored_state("opml"), "text/x-opml; charset=utf-8")
