"""Bring an existing show in from its RSS feed, keeping every guid and enclosure URL.

Moving a show must not make podcast apps re-download its back catalogue, so episodes keep
their guid exactly as the old feed gave it and their audio stays where it is
(``Episode.external_audio_url``). Importing is idempotent: the same feed again saves
nothing, a changed feed updates only the episodes that changed. A feed that cannot be
read, or that its owner locked (``podcast:locked``), changes nothing; one bad item is
reported and skipped, never aborting the rest. ``feedreader`` turns bytes into
feedparser's result; this module turns that result into shows, episodes, people and credits.
"""

import datetime
import re
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DataError, IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from episodes.feeds.caching import touch_shows
from episodes.feeds.categories import APPLE_CATEGORIES
from episodes.imports import tags
from episodes.imports.chapters import ChaptersError, chapter_rows
from episodes.imports.feedreader import FeedImportError, parse_duration, read_feed, truncate_utf8
from episodes.models import (
    AlternateEnclosure,
    Chapter,
    Episode,
    FundingLink,
    LiveItem,
    Location,
    PlatformBlock,
    PodcastImage,
    Show,
    SocialInteract,
    Soundbite,
    Trailer,
    Transcript,
    TxtRecord,
    podcast_guid_for_url,
)
from people.models import Credit, Person, ShowHost
from people.taxonomy import group_for_role
from podcastcms.sanitize import html_to_text, sanitize_html
from podcastcms.validators import AUDIO_MIME_TYPES

# Apple's former category names, still found in older feeds, and where they went.
LEGACY_CATEGORIES = {
    "Games & Hobbies": ("Leisure", ""),
    "Science & Medicine": ("Science", ""),
    "Government & Organizations": ("Government", ""),
    "Sports & Recreation": ("Sports", ""),
    "Health": ("Health & Fitness", ""),
    "News & Politics": ("News", ""),
    "Literature": ("Arts", "Books"),
    "Tech News": ("News", "Tech News"),
}
TRANSCRIPT_TYPE_ALIASES = {
    "application/srt": "application/x-subrip",
    "text/srt": "application/x-subrip",
    "application/x-srt": "application/x-subrip",
    "text/vtt; charset=utf-8": "text/vtt",
}
EPISODE_TYPES = {Episode.FULL, Episode.TRAILER, Episode.BONUS}
BATCH_SIZE = 500  # new episodes written together
AUDIO_EXTENSIONS = set(AUDIO_MIME_TYPES)
# What our own feeds say in <generator>: their fallback addresses are not the show's data.
FEED_GENERATOR = "podcastcms"
# The item-level rows an import mirrors, by the name plan_entry uses.
EPISODE_ROWS = {
    "funding_links": FundingLink,
    "locations": Location,
    "txt_records": TxtRecord,
    "images": PodcastImage,
    "social_interacts": SocialInteract,
    "soundbites": Soundbite,
    "alternate_enclosures": AlternateEnclosure,
    "chapters": Chapter,
}
ROW_FIELDS = {
    FundingLink: ["url", "text"],
    Location: ["name", "geo", "osm", "rel", "country"],
    TxtRecord: ["purpose", "value"],
    PodcastImage: ["href", "alt", "aspect_ratio", "width", "height", "mime_type", "purpose"],
    SocialInteract: ["protocol", "uri", "account_id", "account_url", "priority"],
    Soundbite: ["start_time", "duration", "title"],
    AlternateEnclosure: [
        "mime_type", "length", "bitrate", "height", "language", "title", "rel", "codecs", "default",
        "sources", "integrity",
    ],
    Chapter: ["start_time", "title", "url", "image_url"],
    Trailer: ["title", "url", "pub_date", "length", "mime_type", "season"],
    PlatformBlock: ["platform", "blocked"],
    LiveItem: [
        "guid", "status", "start", "end", "title", "summary", "link", "enclosure_url", "enclosure_type",
        "enclosure_length", "content_links",
    ],
}  # fmt: skip


class FeedLockedError(FeedImportError):
    """The feed says podcast:locked yes and the operator did not confirm they own it."""


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


def _valid_url(value):
    value = (value or "").strip()
    if not value or len(value) > 1000:
        return ""
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value


def _valid_email(value):
    value = (value or "").strip()
    try:
        _email_validator(value)
    except ValidationError:
        return ""
    return value


def _positive_int(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def _aware(struct_time):
    if not struct_time:
        return None
    return datetime.datetime(*struct_time[:6], tzinfo=datetime.UTC)


def _guid_uuid(value):
    try:
        return uuid.UUID(str(value).strip())
    except (TypeError, ValueError):
        return None


# --- the import ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: one list per outcome, titles (and reasons for skipped items)."""

    show: Show | None = None
    show_created: bool = False
    show_updated: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (title or guid, reason)
    warnings: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # paging.Page for every document read

    @property
    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
        }

    def summary(self):
        counts = self.counts
        text = (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['skipped']} skipped"
        )
        if len(self.pages) > 1:
            read = sum(1 for page in self.pages if not page.problem)
            text += f", from {read} page{'s' * (read != 1)}"
        return text


class SkipItem(Exception):
    """This item cannot be imported; the message says why."""


def import_feed(data, *, show_slug=None, allow_locked=False, source_url="", progress=None, result=None):
    """Import the feed ``data`` (bytes) into the show ``show_slug`` or the show it matches.

    ``progress(index, total, outcome, title)`` is called after each item. Raises
    FeedImportError (and writes nothing) when the feed cannot be read or is locked.
    One document only: ``episodes.imports.paging.import_source`` follows RFC 5005 pages.
    """
    return FeedImporter(data, show_slug, allow_locked, source_url, progress, result).run()


class FeedImporter:
    def __init__(self, data, show_slug, allow_locked, source_url, progress, result=None):
        self.data = data
        self.show_slug = show_slug
        self.allow_locked = allow_locked
        self.source_url = source_url
        self.progress = progress or (lambda *args: None)
        self.result = result or ImportResult()
        self.ours = False  # is the feed one we served? (its fallback addresses are not data)
        self.chapter_documents = None  # url -> bytes of a JSON chapters file, or None
        self.origin = ""

    def warn(self, message):
        if message not in self.result.warnings:
            self.result.warnings.append(message)

    def check_locked(self, channel):
        locks = channel.get("podcast_locked_list") or []
        if not locks:
            return None
        lock = locks[0]
        locked = lock.get("value", "").strip().lower() == "yes"
        if locked and not self.allow_locked:
            owner = lock.get("owner") or "its owner"
            raise FeedLockedError(
                f"This feed is locked (podcast:locked yes, owner {owner}): its owner does not allow "
                "other platforms to import it. Import it only if you own it, confirming that you do."
            )
        return locked

    # -- the show -------------------------------------------------------------------------

    def show_values(self, channel, locked):
        values = {}
        title = html_to_text(channel.get("title", ""))[:255]
        if title:
            values["title"] = title
        # <description> (feedparser's channel "subtitle" once itunes:subtitle is kept apart),
        # else itunes:summary.
        description = html_to_text(channel.get("subtitle") or channel.get("itunes_summary_text") or "")
        description, cut = truncate_utf8(description)
        if cut:
            self.warn("The show description was longer than 4000 bytes and was shortened.")
        if not description:
            self.warn("The feed has no description; write one before the show goes public.")
        values["description"] = description
        values["subtitle"] = html_to_text(channel.get("itunes_subtitle_text") or "")[:255]
        artwork = _artwork_url((channel.get("image") or {}).get("href"))
        values["artwork_url"] = artwork
        # Missing values stay empty; the feed lint asks for them before the show goes public.
        language = (channel.get("language") or "").strip().lower()[:16]
        if not language:
            self.warn("The feed has no language; set one before the show goes public.")
        values["language"] = language
        values.update(self.category_values(channel))
        explicit = self.explicit_value(channel, "The show")
        values["explicit"] = bool(explicit)
        values["show_type"] = (
            channel.get("itunes_type")
            if channel.get("itunes_type") in (Show.EPISODIC, Show.SERIAL)
            else Show.EPISODIC
        )
        # itunes:author as written, never the owner's name or managingEditor.
        values["author"] = html_to_text(channel.get("itunes_author_text") or "")[:255]
        owner = channel.get("publisher_detail") or {}
        values["owner_name"] = html_to_text(owner.get("name") or "")[:255]
        values["owner_email"] = _valid_email(owner.get("email"))
        values["copyright"] = html_to_text(channel.get("rights") or "")[:255]
        website = self.own_address(_valid_url(channel.get("link")))
        values["website"] = website if len(website) <= 200 else ""
        values["podcast_locked"] = bool(locked)
        values["itunes_block"] = (channel.get("itunes_block") or 0) == 1 or str(
            channel.get("itunes_block")
        ).strip().lower() == "yes"
        values["itunes_complete"] = str(channel.get("itunes_complete") or "").strip().lower() == "yes"
        new_feed_url = _valid_url(channel.get("itunes_new-feed-url"))
        values["new_feed_url"] = new_feed_url if len(new_feed_url) <= 200 else ""
        medium = (
            (channel.get("podcast_medium") or "") if isinstance(channel.get("podcast_medium"), str) else ""
        )
        medium = medium.strip().lower()
        values["medium"] = medium if medium in dict(Show.MEDIUM_CHOICES) else "podcast"
        license = channel.get("podcast_license")
        license_list = channel.get("podcast_license_list") or []
        values["license"], values["license_url"] = "", ""
        if license_list:
            values["license"] = license_list[0].get("value", "")[:128]
            values["license_url"] = _valid_url(license_list[0].get("url"))
        elif isinstance(license, str):
            values["license"] = license.strip()[:128]
        values.update(tags.update_frequency_values(channel))
        return values

    def explicit_value(self, context, where):
        """True, False or None (absent) from itunes:explicit as Apple and real feeds write it."""
        text = (context.get("itunes_explicit_text") or "").strip()
        if not text:
            return None
        value = context.get("itunes_explicit")
        if value is None:
            self.warn(f"{where}: itunes:explicit “{text}” is neither true/false, yes/no nor explicit/clean.")
        return value

    def own_address(self, url):
        """``url``, or "" when it is an address of the install that served this feed (ours)."""
        if self.ours and url and self.origin and url.startswith(self.origin + "/"):
            return ""
        return url

    def category_values(self, channel):
        """Apple's category and subcategory: the feed's first known category and its first subcategory."""
        chosen = {}
        for category, subcategory in channel.get("itunes_categories") or []:
            if category in LEGACY_CATEGORIES:
                category, mapped_sub = LEGACY_CATEGORIES[category]
                subcategory = subcategory or mapped_sub
            if subcategory in LEGACY_CATEGORIES:
                _, subcategory = LEGACY_CATEGORIES[subcategory]
            if category not in APPLE_CATEGORIES:
                self.warn(f"Unknown Apple category “{category}” was not kept.")
                continue
            if subcategory and subcategory not in APPLE_CATEGORIES[category]:
                self.warn(f"Unknown subcategory “{subcategory}” of {category} was not kept.")
                continue
            pair = [category, subcategory or ""]
            if not chosen:
                chosen = {"category": category, "subcategory": subcategory or "", "more_categories": []}
            elif chosen["category"] == category and not subcategory:
                continue  # the parent of a nested subcategory, already kept
            elif chosen["category"] == category and subcategory and not chosen["subcategory"]:
                chosen["subcategory"] = subcategory
            elif pair not in chosen["more_categories"] and pair != [
                chosen["category"],
                chosen["subcategory"],
            ]:
                chosen["more_categories"] = [p for p in chosen["more_categories"] if p != [category, ""]] + [
                    pair
                ]
        if not chosen:
            self.warn("The feed has no Apple category; choose one before the show goes public.")
            return {"category": "", "subcategory": "", "more_categories": []}
        return chosen

    def feed_guid(self, channel):
        """The show's podcast:guid: the feed's own, else derived from its URL as the spec says."""
        if not hasattr(self, "_feed_guid"):
            self._feed_guid = self._read_feed_guid(channel)
        return self._feed_guid

    def _read_feed_guid(self, channel):
        given = channel.get("podcast_guid")
        if isinstance(given, str) and given.strip():
            parsed = _guid_uuid(given)
            if parsed:
                return parsed
            self.warn(f"The feed's podcast:guid “{given.strip()}” is not a UUID and was not kept.")
        self_links = [link.get("href") for link in channel.get("links") or [] if link.get("rel") == "self"]
        for url in [*self_links, channel.get("itunes_new-feed-url"), self.source_url]:
            if _valid_url(url):
                return podcast_guid_for_url(url.strip())
        return None

    def find_show(self, channel, guids, values):
        if self.show_slug:
            return Show.objects.filter(slug=self.show_slug).first()
        podcast_guid = self.feed_guid(channel)
        if podcast_guid:
            show = Show.objects.filter(podcast_guid=podcast_guid).first()
            if show:
                return show
        # Otherwise the show that already holds at least half of this feed's episodes.
        # (by guid, or by enclosure URL where the guids changed).
        audio_urls = getattr(self, "audio_urls", [])
        owners = (
            Episode.objects.filter(Q(guid__in=guids) | Q(external_audio_url__in=audio_urls))
            .values("show_id")
            .annotate(held=Count("pk"))
            .order_by("-held", "show_id")
        )
        for owner in owners[:1]:
            if owner["held"] * 2 >= len(guids):
                return Show.objects.get(pk=owner["show_id"])
        if not guids and values.get("title"):
            # No items and no feed address: the show of the same title and website, if any.
            return (
                Show.objects.filter(title=values["title"], website=values.get("website", ""))
                .order_by("pk")
                .first()
            )
        return None

    def save_show(self, channel, locked, guids):
        values = self.show_values(channel, locked)
        show = self.find_show(channel, guids, values)
        podcast_guid = self.feed_guid(channel)
        if show is None:
            slug = self.show_slug or self.unique_show_slug(values.get("title", ""))
            values.setdefault("title", slug)
            show = Show(slug=slug, **values)
            # A moved show keeps its podcast:guid for life; ours is derived only when it has none.
            if podcast_guid and not Show.objects.filter(podcast_guid=podcast_guid).exists():
                show.podcast_guid = podcast_guid
            try:
                show.full_clean(exclude=["artwork", "description"])
            except ValidationError as exc:
                problems = "; ".join(
                    f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()
                )
                raise FeedImportError(f"The show cannot be created ({problems}).") from None
            show.save()
            self.result.show_created = True
            self.warn("The show was created as not public: check it, then make it public.")
        else:
            changed = [name for name, value in values.items() if getattr(show, name) != value]
            if podcast_guid and show.podcast_guid != podcast_guid:
                if Show.objects.filter(podcast_guid=podcast_guid).exclude(pk=show.pk).exists():
                    self.warn(f"podcast:guid {podcast_guid} belongs to another show and was not kept.")
                elif show.episodes.exists():
                    # A show with episodes already has a podcast:guid that apps know; it stays.
                    self.warn(f"The show keeps its podcast:guid {show.podcast_guid}, not the feed's.")
                else:
                    show.podcast_guid = podcast_guid
                    changed.append("podcast_guid")
            if changed:
                for name in changed:
                    if name in values:
                        setattr(show, name, values[name])
                show.save(update_fields=[*changed, "updated_at"])
                self.result.show_updated = True
        if not guids:
            self.warn("The feed has no items: only the show was imported.")
        self.result.show = show
        return show

    @staticmethod
    def unique_show_slug(title):
        base = slugify(title)[:90] or "imported-show"
        taken = set(Show.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        return _first_free(base, taken)

    # -- people -----------------------------------------------------------------------------

    def credits_wanted(self, persons, where):
        """[(person name, slug, role, (href, img))] from podcast:person elements, deduplicated."""
        wanted = []
        seen = set()
        roles = group_for_role()
        for element in persons:
            name = " ".join((element.get("value") or "").split())[:200]
            slug = slugify(name)[:100]
            if not slug:
                if name:
                    self.warn(f"{where}: podcast:person “{name}” has no usable name for a page address.")
                continue
            role = " ".join((element.get("role") or "host").lower().split())
            if role not in roles:
                # An unknown role still credits the person; "guest" claims the least about them.
                self.warn(f"{where}: role “{role}” of {name} is not in the taxonomy; credited as guest.")
                role = "guest"
            if (slug, role) in seen:
                continue
            seen.add((slug, role))
            links = (
                self.own_address(_valid_url(element.get("href"))),
                self.own_address(_artwork_url(element.get("img"))),
            )
            wanted.append((name, slug, role, links))
        return wanted

    def people_for(self, wanted_lists):
        """{slug: Person} for every slug wanted, reusing the registry and creating the rest."""
        wanted = {}
        for items in wanted_lists:
            for name, slug, _role, links in items:
                wanted.setdefault(slug, (name, links))
        names = {name: slug for slug, (name, _links) in wanted.items()}
        people = {}
        # Someone already in the registry under this name keeps their record, whatever its slug.
        for person in Person.objects.filter(Q(slug__in=wanted) | Q(name__in=names)).order_by("pk"):
            people.setdefault(person.slug if person.slug in wanted else names[person.name], person)
        for slug, (name, (href, img)) in wanted.items():
            if slug not in people:
                people[slug] = Person.objects.create(
                    name=name, slug=slug, website=href if len(href) <= 200 else "", photo_url=img
                )
        return people

    # -- episodes -------------------------------------------------------------------------

    def choose_enclosure(self, entry):
        """The item's audio (or video) enclosure, chosen by type; the others are alternates."""
        enclosures = [e for e in entry.get("enclosures") or [] if (e.get("href") or "").strip()]
        if not enclosures:
            raise SkipItem("no enclosure (audio URL)")

        def is_media(enclosure):
            mime_type = (enclosure.get("type") or "").strip().lower()
            if mime_type:
                return mime_type.startswith(("audio/", "video/"))
            path = enclosure["href"].split("?", 1)[0].lower()
            return path.endswith(tuple(AUDIO_EXTENSIONS))

        media = [e for e in enclosures if is_media(e)]
        if not media:
            types = ", ".join(sorted({(e.get("type") or "no type").strip() for e in enclosures}))
            raise SkipItem(f"its only enclosures are not audio or video ({types})")
        chosen = media[0]
        return chosen, [e for e in enclosures if e is not chosen]

    def episode_values(self, entry, show, channel_image):
        title = html_to_text(entry.get("title", ""))[:255]
        enclosure, others = self.choose_enclosure(entry)
        audio_url = _valid_url(enclosure["href"])
        if not audio_url:
            raise SkipItem(f"the enclosure URL “{enclosure['href'][:200]}” is not a valid http(s) URL")
        if not title:
            raise SkipItem("no title")
        values = {
            "title": title,
            "external_audio_url": audio_url,
            "audio_size": _non_negative_int(enclosure.get("length")),
            "audio_mime_type": (enclosure.get("type") or "").strip()[:64],
        }
        try:
            values["duration"] = parse_duration(entry.get("itunes_duration"))
        except ValueError:
            self.warn(
                f"“{title}”: duration “{entry.get('itunes_duration')}” is unreadable and was left empty."
            )
            values["duration"] = None
        published_at = _aware(entry.get("published_parsed"))
        if published_at:
            values["status"] = Episode.PUBLISHED
            values["published_at"] = published_at
        else:
            self.warn(f"“{title}” has no publication date; it was imported as a draft.")
            values["status"] = Episode.DRAFT
            values["published_at"] = None
        values["season"] = _positive_int(_listed_value(entry, "season") or entry.get("itunes_season"))
        values["number"] = _positive_int(entry.get("itunes_episode") or _listed_value(entry, "episode"))
        seasons, numbers = entry.get("podcast_season_list") or [], entry.get("podcast_episode_list") or []
        values["season_name"] = " ".join((seasons[0].get("name") or "").split())[:128] if seasons else ""
        values["episode_display"] = (
            " ".join((numbers[0].get("display") or "").split())[:32] if numbers else ""
        )
        episode_type = (entry.get("itunes_episodetype") or "").strip().lower()
        values["episode_type"] = episode_type if episode_type in EPISODE_TYPES else Episode.FULL
        explicit = self.explicit_value(entry, f"“{title}”")
        values["explicit"] = show.explicit if explicit is None else explicit
        notes_html = ""
        for content in entry.get("content") or []:
            if content.get("type") in ("text/html", "application/xhtml+xml") and content.get("value"):
                notes_html = content["value"]
                break
        description_html = entry.get("summary") or entry.get("itunes_summary_text") or ""
        summary, cut = truncate_utf8(html_to_text(description_html or notes_html))
        if cut:
            self.warn(f"“{title}”: the summary was longer than 4000 bytes and was shortened.")
        values["summary"] = summary
        # The notes are content:encoded; a description that is HTML is the notes when there
        # is none. Plain text is the summary alone, never repeated as notes.
        if not notes_html and _has_markup(description_html):
            notes_html = description_html
        values["show_notes"] = sanitize_html(notes_html)
        values["link"] = self.own_address(_valid_url(entry.get("link")))
        artwork = _artwork_url((entry.get("image") or {}).get("href"))
        # The channel's artwork repeated on an item is the fallback, not the item's own.
        values["artwork_url"] = "" if artwork == channel_image else artwork
        chapters = entry.get("podcast_chapters")
        chapters_url = _valid_url(chapters.get("url")) if isinstance(chapters, dict) else ""
        if self.ours and entry.get("psc_chapters"):
            chapters_url = self.own_address(chapters_url)
        values["chapters_url"] = chapters_url
        where = f"“{title}”"
        rows = {
            "funding_links": tags.funding_rows(entry, where, self.warn),
            "locations": tags.location_rows(entry, where, self.warn),
            "txt_records": tags.txt_rows(entry, where, self.warn),
            "images": tags.image_rows(entry, where, self.warn),
            "social_interacts": tags.social_rows(entry, where, self.warn),
            "soundbites": tags.soundbite_rows(entry),
            "alternate_enclosures": tags.enclosure_alternates(others)
            + tags.alternate_rows(entry, where, self.warn),
        }
        psc = tags.psc_chapter_rows(entry, where, self.warn)
        if psc:
            rows["chapters"] = psc
        elif chapters_url and self.chapter_documents:
            # A chapters document given as a file (the import's chapters folder) is stored.
            document = self.chapter_documents(chapters_url)
            if document is not None:
                try:
                    rows["chapters"] = chapter_rows(document)
                except ChaptersError as exc:
                    self.warn(f"{where}: the chapters file for {chapters_url} was not read: {exc}.")
        return values, rows

    def transcripts_wanted(self, entry):
        wanted = []
        for element in entry.get("podcast_transcript_list") or []:
            url = _valid_url(element.get("url"))
            if not url:
                continue
            mime_type = (element.get("type") or "").strip().lower()
            wanted.append(
                {
                    "url": url,
                    "mime_type": TRANSCRIPT_TYPE_ALIASES.get(mime_type, mime_type)[:64] or "text/plain",
                    "language": (element.get("language") or "").strip()[:16],
                    "is_captions": (element.get("rel") or "").strip().lower() == "captions",
                }
            )
        return wanted

    def prepare(self, parsed):
        """Read what the whole document says before writing: lock, ours or not, guids."""
        channel = parsed.feed
        self.channel = channel
        self.self_url = next(
            (link.get("href") for link in channel.get("links") or [] if link.get("rel") == "self"), ""
        )
        self.audio_urls = [
            (enclosure.get("href") or "").strip()
            for entry in parsed.entries
            for enclosure in entry.get("enclosures") or []
            if enclosure.get("href")
        ]
        generator = (channel.get("generator") or "").strip()
        self.ours = generator == FEED_GENERATOR
        if self.ours and self.self_url:
            parts = urllib.parse.urlsplit(self.self_url)
            self.origin = f"{parts.scheme}://{parts.netloc}"
        return self.check_locked(channel)

    def run(self):
        parsed, warnings = read_feed(self.data)
        self.result.warnings.extend(warnings)
        locked = self.prepare(parsed)
        entries = parsed.entries
        guids = [guid for guid in map(_item_guid, entries) if guid]
        with transaction.atomic():
            show = self.save_show(parsed.feed, locked, guids)
            self.import_channel_tags(show, parsed)
            self.import_entries(show, entries, guids)
        return self.result

    def import_hosts(self, show, channel):
        wanted = self.credits_wanted(channel.get("podcast_person_list") or [], "The show")
        if not wanted:
            return
        people = self.people_for([wanted])
        existing = {(host.person_id, host.role) for host in show.hosts.all()}
        order = len(existing)
        for _name, slug, role, _href in wanted:
            if (people[slug].pk, role) not in existing:
                ShowHost.objects.create(show=show, person=people[slug], role=role, order=order)
                order += 1

    def import_channel_tags(self, show, parsed):
        """Hosts and the channel's Podcasting 2.0 tags; live items apart from everything else."""
        channel = parsed.feed
        self.import_hosts(show, channel)
        where = "The show"
        wanted = {
            FundingLink: ("show", tags.funding_rows(channel, where, self.warn)),
            Location: ("show", tags.location_rows(channel, where, self.warn)),
            TxtRecord: ("show", tags.txt_rows(channel, where, self.warn)),
            PodcastImage: ("show", tags.image_rows(channel, where, self.warn)),
            Trailer: ("show", tags.trailer_rows(channel, self.warn)),
            PlatformBlock: ("show", tags.block_rows(channel)),
            LiveItem: ("show", tags.live_item_rows(parsed.get("live_items") or [], "Live items", self.warn)),
        }
        for model, (owner, rows) in wanted.items():
            if sync_rows(model, {owner: show}, rows):
                self.result.show_updated = True
        if parsed.get("live_items"):
            kept = LiveItem.objects.filter(show=show).count()
            self.warn(
                f"The feed has {len(parsed['live_items'])} podcast:liveItem(s); {kept} kept as live "
                "items (they are not episodes and do not change the show)."
            )

    def import_entries(self, show, entries, guids):
        if not hasattr(self, "by_guid"):
            self.load_episodes(show)
        self.elsewhere = dict(
            Episode.objects.filter(guid__in=guids).exclude(show=show).values_list("guid", "show__title")
        )
        # An item's own podcast:person list is its people; without one the channel's apply,
        # read from the show's hosts: they are not copied onto the item.
        credits = [
            self.credits_wanted(entry.get("podcast_person_list") or [], f"Item {index}")
            for index, entry in enumerate(entries, 1)
        ]
        self.people = self.people_for(credits)
        channel_image = _artwork_url((self.channel.get("image") or {}).get("href"))
        total = self.total or len(entries)
        # Outcomes are reported in feed order once the new episodes before them are written
        # (they are written together, BATCH_SIZE at a time): (index, label, plan, outcome, error).
        batch = []
        for position, entry in enumerate(entries, 1):
            index = self.offset + position
            label = html_to_text(entry.get("title", "")) or _item_guid(entry) or f"item {index}"
            try:
                plan = self.plan_entry(show, entry, credits[position - 1], channel_image)
                if plan.episode is None:
                    batch.append((index, label, plan, "created", None))
                else:
                    if plan.outcome != "unchanged":
                        # A savepoint per item: a bad one is rolled back alone, the rest stays.
                        with transaction.atomic():
                            self.apply(plan)
                    batch.append((index, label, None, plan.outcome, None))
            except Exception as exc:  # noqa: BLE001 - every reason becomes a skipped item, see skip_reason
                if skip_reason(exc) is None:
                    raise
                batch.append((index, label, None, None, exc))
            if len(batch) >= BATCH_SIZE:
                self.flush(batch, total)
        self.flush(batch, total)
        self.offset += len(entries)
        if self.result.created or self.result.updated or self.result.show_updated:
            # Bulk writes send no signals: the feed's change time is bumped once, here.
            touch_shows(Q(pk=show.pk))

    def record(self, index, total, label, outcome, error=None):
        if error is not None:
            outcome = "skipped"
            self.result.skipped.append((label, skip_reason(error)))
        else:
            getattr(self.result, outcome).append(label)
        self.progress(index, total, outcome, label)

    def flush(self, batch, total):
        """Write the new episodes of ``batch`` in a few queries (when the database refuses them,
        one by one, so that only the bad items are skipped), then report every outcome."""
        plans = [row[2] for row in batch if row[2] is not None]
        failed = {}
        if plans:
            try:
                with transaction.atomic():
                    self.create_episodes(plans)
            except (IntegrityError, DataError, ValidationError, ValueError, OverflowError):
                self.forget(plans)
                for plan in plans:
                    try:
                        with transaction.atomic():
                            self.create_episodes([plan])
                    except (IntegrityError, DataError, ValidationError, ValueError, OverflowError) as exc:
                        self.forget([plan])
                        failed[id(plan)] = exc
        for index, label, plan, outcome, error in batch:
            error = error or (failed.get(id(plan)) if plan is not None else None)
            self.record(index, total, label, outcome, error)
        batch.clear()

    def forget(self, plans):
        for plan in plans:
            episode = plan.created
            if episode is not None:
                self.slugs.discard(episode.slug)
                self.by_guid.pop(episode.guid, None)
                self.by_audio.pop(episode.external_audio_url, None)
                plan.created = None

    def create_episodes(self, plans):
        episodes = []
        for plan in plans:
            slug = _first_free(slugify(plan.values["title"])[:140] or "episode", self.slugs)
            episode = Episode(show=self.result.show, guid=plan.guid, slug=slug, **plan.values)
            # Uniqueness is ours to keep (guids and slugs are checked above); the database
            # enforces the constraints, so no query per item checks them again.
            episode.full_clean(
                exclude=["show", "audio", "artwork", "summary", "guid"],
                validate_unique=False,
                validate_constraints=False,
            )
            self.slugs.add(slug)
            self.by_guid[plan.guid] = episode
            self.by_audio[episode.external_audio_url] = episode
            plan.created = episode
            episodes.append(episode)
        Episode.objects.bulk_create(episodes)
        if any(episode.pk is None for episode in episodes):  # a backend that returns no ids
            ids = dict(Episode.objects.filter(guid__in=[e.guid for e in episodes]).values_list("guid", "pk"))
            for episode in episodes:
                episode.pk = ids[episode.guid]
        groups = group_for_role()
        credits, transcripts, rows = [], [], defaultdict(list)
        for plan, episode in zip(plans, episodes, strict=True):
            credits.extend(
                Credit(episode=episode, person=person, role=role, order=n, group=groups[role])
                for n, (person, role) in enumerate(plan.new_credits)
            )
            transcripts.extend(Transcript(episode=episode, **wanted) for _, wanted in plan.transcripts)
            for name, wanted_rows in plan.rows.items():
                model = EPISODE_ROWS[name]
                ordered = _row_order(model) == ("order", "pk")
                rows[model].extend(
                    model(episode=episode, **row, **({"order": n} if ordered else {}))
                    for n, row in enumerate(wanted_rows)
                )
                self.stored_rows[name][episode.pk] = wanted_rows
        Credit.objects.bulk_create(credits)
        Transcript.objects.bulk_create(transcripts)
        for model, objects in rows.items():
            model.objects.bulk_create(objects)

    total = 0  # the number of items of every page, when several are imported
    offset = 0  # items of earlier pages

    def load_episodes(self, show):
        episodes = list(show.episodes.prefetch_related("credits", "transcripts"))
        self.by_guid = {episode.guid: episode for episode in episodes}
        self.by_audio = {
            episode.external_audio_url: episode for episode in episodes if episode.external_audio_url
        }
        self.slugs = {episode.slug for episode in episodes}
        # Reloaded after a page was rolled back: the guids of earlier pages stay seen.
        self.seen_guids = getattr(self, "seen_guids", set())
        self.stored_rows = {
            name: _rows_by_episode(model, [e.pk for e in episodes]) for name, model in EPISODE_ROWS.items()
        }

    def plan_entry(self, show, entry, credits, channel_image):
        """What importing ``entry`` would change, found without writing anything."""
        values, rows = self.episode_values(entry, show, channel_image)
        guid = (entry.get("id") or "").strip()
        if guid:
            if len(guid) > 255:
                raise SkipItem("its guid is longer than 255 characters")
            if guid in self.elsewhere:
                raise SkipItem(f"its guid {guid} already belongs to an episode of “{self.elsewhere[guid]}”")
            episode = self.by_guid.get(guid)
            if episode is None:
                episode = self.by_audio.get(values["external_audio_url"])
                if episode is not None and episode.guid not in self.seen_guids:
                    # Apps know it by our guid already: it stays, whatever the feed says now.
                    self.warn(
                        f"“{values['title']}”: its guid changed from {episode.guid} to {guid}; matched "
                        f"by its enclosure URL, it keeps the guid {episode.guid}."
                    )
                    guid = episode.guid
                else:
                    episode = None
        else:
            # Without a guid, apps know the episode by its enclosure URL; so do we.
            episode = self.by_audio.get(values["external_audio_url"])
            guid = episode.guid if episode else values["external_audio_url"]
            if guid in self.elsewhere:
                raise SkipItem(f"its audio URL is already an episode of “{self.elsewhere[guid]}”")
            if len(guid) > 255:
                guid = str(uuid.uuid4())
        if guid in self.seen_guids:
            raise SkipItem(f"an earlier item of this feed has the same guid {guid}")
        self.seen_guids.add(guid)

        if episode is not None and episode.status != Episode.PUBLISHED:
            # Someone took it offline here (or it came without a date): a re-import does not
            # publish it again behind their back.
            del values["status"], values["published_at"]
        plan = EntryPlan(episode=episode, guid=guid, values=values)
        existing_credits, existing_transcripts = set(), {}
        if episode is not None:
            plan.changed = [name for name, value in values.items() if getattr(episode, name) != value]
            existing_credits = {(credit.person_id, credit.role) for credit in episode.credits.all()}
            existing_transcripts = {transcript.url: transcript for transcript in episode.transcripts.all()}
        # Credits are only added: people a producer credited after the import stay credited.
        for _name, slug, role, _href in credits:
            key = (self.people[slug].pk, role)
            if key not in existing_credits:
                existing_credits.add(key)
                plan.new_credits.append((self.people[slug], role))
        for wanted in self.transcripts_wanted(entry):
            transcript = existing_transcripts.get(wanted["url"])
            if transcript is None or any(getattr(transcript, k) != v for k, v in wanted.items()):
                plan.transcripts.append((transcript, wanted))
        for name, wanted_rows in rows.items():
            stored = self.stored_rows[name].get(episode.pk, []) if episode is not None else []
            if _comparable(stored, wanted_rows) != _comparable(wanted_rows, wanted_rows):
                plan.rows[name] = wanted_rows
        return plan

    def apply(self, plan):
        episode = plan.episode
        if episode is None:
            slug = _first_free(slugify(plan.values["title"])[:140] or "episode", self.slugs)
            episode = Episode(show=self.result.show, guid=plan.guid, slug=slug, **plan.values)
            # Uniqueness is ours to keep (guids and slugs are checked above); the database
            # enforces the constraints, so no query per item checks them again.
            episode.full_clean(
                exclude=["show", "audio", "artwork", "summary", "guid"],
                validate_unique=False,
                validate_constraints=False,
            )
            episode.save()
            self.slugs.add(slug)
            self.by_guid[plan.guid] = episode
            self.by_audio[episode.external_audio_url] = episode
        elif plan.changed:
            for name in plan.changed:
                setattr(episode, name, plan.values[name])
            episode.full_clean(
                exclude=["show", "audio", "artwork", "summary", "guid", "slug"],
                validate_unique=False,
                validate_constraints=False,
            )
            episode.save(update_fields=[*plan.changed, "updated_at"])
        order = episode.credits.count() if plan.episode else 0
        Credit.objects.bulk_create(
            [
                Credit(
                    episode=episode, person=person, role=role, order=position, group=group_for_role()[role]
                )
                for position, (person, role) in enumerate(plan.new_credits, order)
            ]
        )
        for transcript, wanted in plan.transcripts:
            if transcript is None:
                Transcript.objects.create(episode=episode, **wanted)
            else:
                for name, value in wanted.items():
                    setattr(transcript, name, value)
                transcript.save()
        for name, rows in plan.rows.items():
            sync_rows(EPISODE_ROWS[name], {"episode": episode}, rows, known_changed=plan.episode is not None)
            self.stored_rows[name][episode.pk] = rows


@dataclass
class EntryPlan:
    """The writes one feed item needs; empty lists and no changed field mean none."""

    episode: Episode | None
    guid: str
    values: dict
    changed: list = field(default_factory=list)
    new_credits: list = field(default_factory=list)
    transcripts: list = field(default_factory=list)  # (existing transcript or None, wanted values)
    rows: dict = field(default_factory=dict)  # EPISODE_ROWS name: the rows the item now has
    created: Episode | None = None  # the new episode, once written

    @property
    def outcome(self):
        if self.episode is None:
            return "created"
        changed = self.changed or self.new_credits or self.transcripts or self.rows
        return "updated" if changed else "unchanged"


def _item_guid(entry):
    """The guid an item is known by: its own, else its enclosure URL (as podcast apps do)."""
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid
    for enclosure in entry.get("enclosures") or []:
        if enclosure.get("href"):
            return enclosure["href"].strip()
    return ""


def _non_negative_int(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _first_free(base, taken):
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def skip_reason(error):
    """Why an item is skipped, for the errors one bad item may raise; None for any other."""
    if isinstance(error, SkipItem):
        return str(error)
    if isinstance(error, IntegrityError):
        return f"the database refused it ({error})"
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, (ValueError, OverflowError, DataError)):
        # A value the checks above let through but Python or the database cannot take
        # (a number too large for its column, say): this item is skipped, not the feed.
        return f"a value could not be read or stored ({error})"
    return None


def _listed_value(entry, name):
    elements = entry.get(f"podcast_{name}_list") or []
    return elements[0].get("value") if elements else None


def _has_markup(text):
    return bool(re.search(r"<[a-zA-Z/!]", text or ""))


def _artwork_url(value):
    """An artwork URL as hosts write it: spaces (which some leave in) are percent-encoded."""
    return _valid_url((value or "").strip().replace(" ", "%20"))


def _rows_by_episode(model, episode_ids):
    """{episode id: [field dict, …]} of ``model``'s rows for those episodes, in their order."""
    rows = defaultdict(list)
    fields = ROW_FIELDS[model]
    for episode_id in range(0, len(episode_ids), 500):
        chunk = episode_ids[episode_id : episode_id + 500]
        query = model.objects.filter(episode_id__in=chunk).order_by(*_row_order(model))
        for row in query.values("episode_id", *fields):
            rows[row.pop("episode_id")].append(row)
    return rows


def _comparable(rows, like):
    """The rows restricted to the fields the import writes, for comparison."""
    keys = set().union(*(row.keys() for row in like)) if like else None
    return [{k: v for k, v in row.items() if keys is None or k in keys} for row in rows]


def sync_rows(model, owner, rows, known_changed=False):
    """Make ``owner``'s rows of ``model`` be ``rows`` (in order); True if anything was written."""
    if not known_changed:
        fields = ROW_FIELDS[model]
        stored = list(model.objects.filter(**owner).order_by(*_row_order(model)).values(*fields))
        if stored == [{k: row.get(k) for k in fields} for row in rows]:
            return False
    model.objects.filter(**owner).delete()
    ordered = _row_order(model) == ("order", "pk")
    model.objects.bulk_create(
        [model(**owner, **row, **({"order": n} if ordered else {})) for n, row in enumerate(rows)]
    )
    return True


def _row_order(model):
    if any(f.name == "order" for f in model._meta.fields):
        return ("order", "pk")
    return (*model._meta.ordering,)
