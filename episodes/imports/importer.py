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
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import DataError, IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from episodes.feeds.categories import APPLE_CATEGORIES
from episodes.imports.feedreader import FeedImportError, parse_duration, read_feed, truncate_utf8
from episodes.models import Episode, Show, Transcript, podcast_guid_for_url
from people.models import Credit, Person, ShowHost
from people.taxonomy import group_for_role
from podcastcms.sanitize import html_to_text, sanitize_html

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
        return (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['skipped']} skipped"
        )


class SkipItem(Exception):
    """This item cannot be imported; the message says why."""


def import_feed(data, *, show_slug=None, allow_locked=False, source_url="", progress=None):
    """Import the feed ``data`` (bytes) into the show ``show_slug`` or the show it matches.

    ``progress(index, total, outcome, title)`` is called after each item. Raises
    FeedImportError (and writes nothing) when the feed cannot be read or is locked.
    """
    return FeedImporter(data, show_slug, allow_locked, source_url, progress).run()


class FeedImporter:
    def __init__(self, data, show_slug, allow_locked, source_url, progress):
        self.data = data
        self.show_slug = show_slug
        self.allow_locked = allow_locked
        self.source_url = source_url
        self.progress = progress or (lambda *args: None)
        self.result = ImportResult()

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
        description = html_to_text(channel.get("summary") or channel.get("subtitle") or "")
        description, cut = truncate_utf8(description)
        if cut:
            self.warn("The show description was longer than 4000 bytes and was shortened.")
        values["description"] = description
        artwork = _valid_url((channel.get("image") or {}).get("href"))
        if artwork:
            values["artwork_url"] = artwork
        language = (channel.get("language") or "").strip().lower()[:16]
        if language:
            values["language"] = language
        values.update(self.category_values(channel))
        if channel.get("itunes_explicit") is not None:
            values["explicit"] = bool(channel.get("itunes_explicit"))
        if channel.get("itunes_type") in (Show.EPISODIC, Show.SERIAL):
            values["show_type"] = channel["itunes_type"]
        author = html_to_text(channel.get("author") or "")[:255]
        if author:
            values["author"] = author
        owner = channel.get("publisher_detail") or {}
        if owner.get("name"):
            values["owner_name"] = html_to_text(owner["name"])[:255]
        if _valid_email(owner.get("email")):
            values["owner_email"] = owner["email"].strip()
        if channel.get("rights"):
            values["copyright"] = html_to_text(channel["rights"])[:255]
        website = _valid_url(channel.get("link"))
        if website and len(website) <= 200:
            values["website"] = website
        if locked is not None:
            values["podcast_locked"] = locked
        fundings = channel.get("podcast_funding_list") or []
        if fundings:
            funding_url = _valid_url(fundings[0].get("url"))
            if funding_url and len(funding_url) <= 200:
                values["funding_url"] = funding_url
                values["funding_text"] = html_to_text(fundings[0].get("value", ""))[:128]
            if len(fundings) > 1:
                self.warn(f"The feed names {len(fundings)} funding links; the first one was kept.")
        return values

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
            if not chosen:
                chosen = {"category": category, "subcategory": subcategory}
            elif chosen["category"] == category and subcategory and not chosen["subcategory"]:
                chosen["subcategory"] = subcategory
            elif chosen["category"] != category:
                self.warn(f"Only one category is kept; “{category}” was not.")
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

    def find_show(self, channel, guids):
        if self.show_slug:
            return Show.objects.filter(slug=self.show_slug).first()
        podcast_guid = self.feed_guid(channel)
        if podcast_guid:
            show = Show.objects.filter(podcast_guid=podcast_guid).first()
            if show:
                return show
        # Otherwise the show that already holds at least half of this feed's episodes.
        owners = (
            Episode.objects.filter(guid__in=guids)
            .values("show_id")
            .annotate(held=Count("pk"))
            .order_by("-held", "show_id")
        )
        for owner in owners[:1]:
            if owner["held"] * 2 >= len(guids):
                return Show.objects.get(pk=owner["show_id"])
        return None

    def save_show(self, channel, locked, guids):
        values = self.show_values(channel, locked)
        show = self.find_show(channel, guids)
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
        self.result.show = show
        return show

    @staticmethod
    def unique_show_slug(title):
        base = slugify(title)[:90] or "imported-show"
        taken = set(Show.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        return _first_free(base, taken)

    # -- people -----------------------------------------------------------------------------

    def credits_wanted(self, persons, where):
        """[(person name, slug, role, href)] from podcast:person elements, deduplicated."""
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
            wanted.append((name, slug, role, _valid_url(element.get("href"))))
        return wanted

    def people_for(self, wanted_lists):
        """{slug: Person} for every slug wanted, reusing the registry and creating the rest."""
        wanted = {}
        for items in wanted_lists:
            for name, slug, _role, href in items:
                wanted.setdefault(slug, (name, href))
        names = {name: slug for slug, (name, _href) in wanted.items()}
        people = {}
        # Someone already in the registry under this name keeps their record, whatever its slug.
        for person in Person.objects.filter(Q(slug__in=wanted) | Q(name__in=names)).order_by("pk"):
            people.setdefault(person.slug if person.slug in wanted else names[person.name], person)
        for slug, (name, href) in wanted.items():
            if slug not in people:
                people[slug] = Person.objects.create(
                    name=name, slug=slug, website=href if len(href) <= 200 else ""
                )
        return people

    # -- episodes -------------------------------------------------------------------------

    def episode_values(self, entry, show):
        title = html_to_text(entry.get("title", ""))[:255]
        enclosures = [e for e in entry.get("enclosures") or [] if e.get("href")]
        if not enclosures:
            raise SkipItem("no enclosure (audio URL)")
        enclosure = enclosures[0]
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
        values["season"] = _positive_int(entry.get("itunes_season"))
        number = entry.get("itunes_episode") or entry.get("podcast_episode")
        values["number"] = _positive_int(number) if isinstance(number, str) else None
        episode_type = (entry.get("itunes_episodetype") or "").strip().lower()
        values["episode_type"] = episode_type if episode_type in EPISODE_TYPES else Episode.FULL
        explicit = entry.get("itunes_explicit")
        values["explicit"] = show.explicit if explicit is None else bool(explicit)
        notes_html = ""
        for content in entry.get("content") or []:
            if content.get("type") in ("text/html", "application/xhtml+xml") and content.get("value"):
                notes_html = content["value"]
                break
        description_html = entry.get("summary") or ""
        summary, cut = truncate_utf8(html_to_text(description_html or notes_html))
        if cut:
            self.warn(f"“{title}”: the summary was longer than 4000 bytes and was shortened.")
        values["summary"] = summary
        values["show_notes"] = sanitize_html(notes_html or description_html)
        values["link"] = _valid_url(entry.get("link"))
        values["artwork_url"] = _valid_url((entry.get("image") or {}).get("href"))
        chapters = entry.get("podcast_chapters")
        values["chapters_url"] = _valid_url(chapters.get("url")) if isinstance(chapters, dict) else ""
        return values

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

    def run(self):
        parsed, warnings = read_feed(self.data)
        self.result.warnings.extend(warnings)
        channel = parsed.feed
        locked = self.check_locked(channel)
        entries = parsed.entries
        guids = [guid for guid in map(_item_guid, entries) if guid]
        with transaction.atomic():
            show = self.save_show(channel, locked, guids)
            self.import_hosts(show, channel)
            self.import_entries(show, entries, guids, channel.get("podcast_person_list") or [])
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

    def import_entries(self, show, entries, guids, channel_persons):
        episodes = list(show.episodes.prefetch_related("credits", "transcripts"))
        self.by_guid = {episode.guid: episode for episode in episodes}
        self.by_audio = {
            episode.external_audio_url: episode for episode in episodes if episode.external_audio_url
        }
        self.slugs = {episode.slug for episode in episodes}
        self.elsewhere = dict(
            Episode.objects.filter(guid__in=guids).exclude(show=show).values_list("guid", "show__title")
        )
        self.seen_guids = set()
        # An item's own podcast:person list replaces the channel's; without one, the channel's
        # people (the show's hosts) are the item's, as the namespace says.
        credits = [
            self.credits_wanted(entry.get("podcast_person_list") or channel_persons, f"Item {index}")
            for index, entry in enumerate(entries, 1)
        ]
        self.people = self.people_for(credits)
        total = len(entries)
        for index, entry in enumerate(entries, 1):
            label = html_to_text(entry.get("title", "")) or _item_guid(entry) or f"item {index}"
            try:
                plan = self.plan_entry(show, entry, credits[index - 1])
                if plan.outcome != "unchanged":
                    # A savepoint per item: a bad one is rolled back alone, the rest stays.
                    with transaction.atomic():
                        self.apply(plan)
            except SkipItem as exc:
                outcome = "skipped"
                self.result.skipped.append((label, str(exc)))
            except IntegrityError as exc:
                outcome = "skipped"
                self.result.skipped.append((label, f"the database refused it ({exc})"))
            except ValidationError as exc:
                outcome = "skipped"
                self.result.skipped.append((label, "; ".join(exc.messages)))
            except (ValueError, OverflowError, DataError) as exc:
                # A value the checks above let through but Python or the database cannot take
                # (a number too large for its column, say): this item is skipped, not the feed.
                outcome = "skipped"
                self.result.skipped.append((label, f"a value could not be read or stored ({exc})"))
            else:
                outcome = plan.outcome
                getattr(self.result, outcome).append(label)
            self.progress(index, total, outcome, label)

    def plan_entry(self, show, entry, credits):
        """What importing ``entry`` would change, found without writing anything."""
        values = self.episode_values(entry, show)
        guid = (entry.get("id") or "").strip()
        if guid:
            if len(guid) > 255:
                raise SkipItem("its guid is longer than 255 characters")
            if guid in self.elsewhere:
                raise SkipItem(f"its guid {guid} already belongs to an episode of “{self.elsewhere[guid]}”")
            episode = self.by_guid.get(guid)
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
        return plan

    def apply(self, plan):
        episode = plan.episode
        if episode is None:
            slug = _first_free(slugify(plan.values["title"])[:140] or "episode", self.slugs)
            episode = Episode(show=self.result.show, guid=plan.guid, slug=slug, **plan.values)
            episode.full_clean(exclude=["show", "audio", "artwork", "summary", "guid"])
            episode.save()
            self.slugs.add(slug)
            self.by_guid[plan.guid] = episode
            self.by_audio[episode.external_audio_url] = episode
        elif plan.changed:
            for name in plan.changed:
                setattr(episode, name, plan.values[name])
            episode.full_clean(exclude=["show", "audio", "artwork", "summary", "guid", "slug"])
            episode.save(update_fields=[*plan.changed, "updated_at"])
        order = episode.credits.count() if plan.episode else 0
        for position, (person, role) in enumerate(plan.new_credits, order):
            Credit.objects.create(episode=episode, person=person, role=role, order=position)
        for transcript, wanted in plan.transcripts:
            if transcript is None:
                Transcript.objects.create(episode=episode, **wanted)
            else:
                for name, value in wanted.items():
                    setattr(transcript, name, value)
                transcript.save()


@dataclass
class EntryPlan:
    """The writes one feed item needs; empty lists and no changed field mean none."""

    episode: Episode | None
    guid: str
    values: dict
    changed: list = field(default_factory=list)
    new_credits: list = field(default_factory=list)
    transcripts: list = field(default_factory=list)  # (existing transcript or None, wanted values)

    @property
    def outcome(self):
        if self.episode is None:
            return "created"
        return "updated" if (self.changed or self.new_credits or self.transcripts) else "unchanged"


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
