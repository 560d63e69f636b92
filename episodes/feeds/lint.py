"""Feed lint: the rules of Apple's podcast RSS guide and the Podcasting 2.0 namespace
(summarised in FEEDS.md) checked on a show and its episodes before directories see them.

``lint_show`` and ``lint_episode`` return findings; ``manage.py lintfeeds`` prints them and the
admin shows them through ``feed_check`` (a read-only field) and
``admin/episodes/lint_findings.html``.
"""

import os
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import format_html
from PIL import Image, UnidentifiedImageError

from episodes.feeds.categories import APPLE_CATEGORIES
from podcastcms.validators import AUDIO_MIME_TYPES

ERROR = "error"
WARNING = "warning"

MAX_DESCRIPTION_BYTES = 4000
MAX_TEXT_CHARS = 255
MAX_FUNDING_CHARS = 128
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
# The enclosure types Apple Podcasts accepts.
APPLE_ENCLOSURE_TYPES = {
    "audio/mpeg",
    "audio/x-m4a",
    "video/mp4",
    "video/quicktime",
    "video/x-m4v",
    "application/pdf",
}
# Imported artwork stays where the old host serves it; lint reads only local files, so the
# feed still carries it but its format and size are not known here.
HOSTED_ARTWORK_UNCHECKED = (
    "{label} is hosted elsewhere (its artwork URL); its format and size cannot be checked here. "
    "Upload it to have it checked."
)
IMAGE_EXTENSIONS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}}
# Pillow's image modes as a producer would name them.
COLOUR_MODES = {
    "P": "a limited colour palette",
    "L": "greyscale only",
    "LA": "greyscale and transparency",
    "1": "black and white only",
    "CMYK": "print (CMYK) colours",
}
# "Ep. 12", "Ep 12", "Episode 12", "#12", "No. 12", "E12", "S2E5", "12." / "12:" / "12 -" at the start.
EPISODE_NUMBER_IN_TITLE = re.compile(
    r"(\bep(isode)?\.?\s*#?\s*\d+)|(#\s*\d+)|(\bno\.\s*\d+)|(\b(s\d+\s*)?e\d+\b)|(^\s*\d+\s*[.:\-–—|])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    subject: str = ""
    # The form field the finding is about, so the admin can show it there ("" = the whole object).
    field: str = field(default="", compare=False)

    @property
    def is_error(self):
        return self.severity == ERROR

    def __str__(self):
        where = f"{self.subject}: " if self.subject else ""
        return f"{self.severity.upper():7} {where}{self.message}"


def utf8_size(text):
    return len((text or "").encode("utf-8"))


def _image_facts(field_file):
    if getattr(field_file, "_committed", True):
        with field_file.open("rb") as file, Image.open(file) as image:
            return (*image.size, image.format, image.mode)
    # An upload not saved yet (checked while its form is validated): read it, leave it open.
    upload = field_file.file
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            return (*image.size, image.format, image.mode)
    finally:
        upload.seek(0)


def check_artwork(field_file, label, field_name="artwork"):
    """Apple's artwork rules: JPEG or PNG with a matching extension, square, 1400–3000 px, RGB."""
    if not field_file:
        return [
            Finding(
                ERROR, f"{label} is missing; Apple requires square artwork of 1400–3000 px.", field=field_name
            )
        ]
    findings = []
    try:
        width, height, image_format, mode = _image_facts(field_file)
    except (OSError, UnidentifiedImageError, ValueError):
        return [Finding(ERROR, f"{label} cannot be read as an image.", field=field_name)]
    if image_format not in IMAGE_EXTENSIONS:
        findings.append(Finding(ERROR, f"{label} is {image_format}; Apple accepts JPEG or PNG only."))
    else:
        extension = os.path.splitext(field_file.name)[1].lower()
        if extension not in IMAGE_EXTENSIONS[image_format]:
            findings.append(
                Finding(
                    ERROR,
                    f"{label} is a {image_format} file named “{extension or 'without extension'}”; "
                    f"use {' or '.join(sorted(IMAGE_EXTENSIONS[image_format]))}.",
                )
            )
    if width != height:
        findings.append(Finding(ERROR, f"{label} is {width} × {height} px; it must be square."))
    # Name the side that is wrong: a fine width is not mentioned.
    sides = (("width", width), ("height", height))
    for wrong, limit, where in (
        ([s for s in sides if s[1] < ARTWORK_MIN], ARTWORK_MIN, "below Apple's minimum"),
        ([s for s in sides if s[1] > ARTWORK_MAX], ARTWORK_MAX, "above Apple's maximum"),
    ):
        if wrong:
            named = " and ".join(f"{name} ({value} px)" for name, value in wrong)
            verb = "are" if len(wrong) > 1 else "is"
            findings.append(Finding(ERROR, f"{label}'s {named} {verb} {where} of {limit} px."))
    if mode == "RGBA":
        findings.append(Finding(WARNING, f"{label} has transparency; Apple expects flat RGB artwork."))
    elif mode != "RGB":
        findings.append(
            Finding(
                ERROR,
                f"{label} is saved with {COLOUR_MODES.get(mode, f'the {mode} colour mode')}; "
                "Apple requires full RGB colour. Export it again as an RGB JPEG or PNG.",
            )
        )
    return [Finding(f.severity, f.message, f.subject, field=field_name) for f in findings]


def check_length(value, label, limit=MAX_TEXT_CHARS, field_name=""):
    if value and len(value) > limit:
        return [
            Finding(
                ERROR, f"{label} is {len(value)} characters; at most {limit} are allowed.", field=field_name
            )
        ]
    return []


def sniff_audio_type(path):
    """The MIME type family a file's first bytes show, or None when unknown."""
    with open(path, "rb") as file:
        head = file.read(12)
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"qt"):
            return "video/quicktime"
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "audio/x-m4a"
        return "video/mp4"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"RIFF":
        return "audio/wav"
    if head[:4] == b"%PDF":
        return "application/pdf"
    return None


# Containers that legitimately carry several of these types.
_COMPATIBLE = {
    "video/mp4": {"video/mp4", "audio/x-m4a", "video/x-m4v", "audio/aac"},
    "audio/x-m4a": {"video/mp4", "audio/x-m4a", "video/x-m4v", "audio/aac"},
    "audio/ogg": {"audio/ogg", "audio/opus"},
}


def lint_show(show, episodes=True):
    """Findings for a show's channel, and for its episodes unless ``episodes`` is False."""
    findings = []
    findings += check_length(show.title, "The title", field_name="title")
    if not show.title.strip():
        findings.append(Finding(ERROR, "The title is empty.", field="title"))
    if not show.description.strip():
        findings.append(Finding(ERROR, "The description is empty; Apple requires one.", field="description"))
    size = utf8_size(show.description)
    if size > MAX_DESCRIPTION_BYTES:
        findings.append(
            Finding(
                ERROR,
                f"The description is {size} bytes; at most {MAX_DESCRIPTION_BYTES} are allowed.",
                field="description",
            )
        )
    for label, name in (
        ("The subtitle", "subtitle"),
        ("The author", "author"),
        ("The owner name", "owner_name"),
        ("The copyright", "copyright"),
    ):
        findings += check_length(getattr(show, name), label, field_name=name)
    if show.artwork or not show.artwork_url:
        findings += check_artwork(show.artwork, "The show artwork")
    else:
        findings.append(Finding(WARNING, HOSTED_ARTWORK_UNCHECKED.format(label="The show artwork")))
    if not show.category:
        findings.append(Finding(ERROR, "The category is missing; Apple requires one.", field="category"))
    elif show.category not in APPLE_CATEGORIES:
        findings.append(
            Finding(ERROR, f"“{show.category}” is not one of Apple's categories.", field="category")
        )
    elif show.subcategory and show.subcategory not in APPLE_CATEGORIES[show.category]:
        findings.append(
            Finding(
                ERROR, f"“{show.subcategory}” is not a subcategory of {show.category}.", field="subcategory"
            )
        )
    if not show.language.strip():
        findings.append(Finding(ERROR, "The language is missing (e.g. en-us).", field="language"))
    if not show.owner_email:
        # A warning: Apple no longer requires it (2023); directories still verify through it.
        if show.podcast_locked:
            findings.append(
                Finding(
                    WARNING,
                    "The owner e-mail is missing: podcast:locked names it as the owner, and "
                    "directories send their verification mail there.",
                    field="owner_email",
                )
            )
        else:
            findings.append(
                Finding(WARNING, "The owner e-mail is missing; directories use it to verify ownership.")
            )
    if not (show.author or show.owner_name):
        findings.append(Finding(WARNING, "No author: itunes:author is recommended."))
    if show.new_feed_url and not show.feed_move_confirmed:
        findings.append(
            Finding(
                WARNING,
                "The feed announces a move (itunes:new-feed-url) that is not confirmed yet; "
                "confirm it to redirect the old URL.",
            )
        )
    if show.pk:  # a show being added has no tag rows yet
        findings += lint_show_tags(show)
    if show.license and not show.license_url and " " in show.license:
        findings.append(
            Finding(
                ERROR, "A custom license needs the URL of its text (podcast:license).", field="license_url"
            )
        )
    if episodes:
        for episode in show.episodes.exclude(status="draft").order_by("published_at", "pk"):
            episode.show = show
            findings += lint_episode(episode)
    return findings


SOCIAL_PROTOCOLS = {
    "disabled",
    "activitypub",
    "twitter",
    "lightning",
    "atproto",
    "bluesky",
    "nostr",
    "matrix",
    "xmpp",
}
TXT_MAX = 4000


def lint_tag_rows(funding, locations, txts, images, subject=""):
    """Rules shared by the channel's and the items' podcast:funding, location, txt and image."""
    findings = []

    def add(severity, message):
        findings.append(Finding(severity, message, subject))

    # Lengths (funding text 128, location name 128) are the columns' own limits.
    for link in funding:
        if not link.text:
            add(WARNING, f"The funding link {link.url} has no text; apps show it as a bare URL.")
    for location in locations:
        if location.geo and not location.geo.startswith("geo:"):
            add(ERROR, f"The location geo “{location.geo}” is not a geo: URI.")
        if not (location.geo or location.osm):
            add(WARNING, f"The location “{location.name}” has neither geo nor osm; apps cannot place it.")
    for record in txts:
        if record.purpose == "verify" and " " in record.value.strip():
            add(ERROR, "A podcast:txt for verification holds one token, without spaces.")
    for image in images:
        if image.mime_type and not image.mime_type.startswith("image/"):
            add(ERROR, f"The podcast:image {image.href} has the type {image.mime_type}, not an image type.")
    return findings


def lint_show_tags(show):
    from episodes.models import FundingLink, Location, PodcastImage, TxtRecord

    findings = lint_tag_rows(
        FundingLink.objects.filter(show=show),
        Location.objects.filter(show=show),
        TxtRecord.objects.filter(show=show),
        PodcastImage.objects.filter(show=show),
    )
    if show.podcast_locked and not show.owner_email:
        pass  # reported with the owner e-mail above
    for trailer in show.trailers.all():
        if not trailer.mime_type:
            findings.append(Finding(WARNING, f"The trailer “{trailer.title}” has no type."))
        if not trailer.length:
            findings.append(Finding(WARNING, f"The trailer “{trailer.title}” has no length in bytes."))
    if show.update_frequency_rrule and not show.update_frequency_rrule.upper().startswith("FREQ="):
        findings.append(
            Finding(ERROR, "The update frequency rule must be an RFC 5545 rule starting with FREQ=.")
        )
    if show.update_frequency_rrule and not show.update_frequency:
        findings.append(Finding(ERROR, "podcast:updateFrequency needs its text (e.g. “Weekly”)."))
    blocks = list(show.platform_blocks.all())
    if any(block.blocked and not block.platform for block in blocks) and not show.itunes_block:
        findings.append(
            Finding(
                WARNING, "podcast:block yes hides the show from every platform; Apple reads itunes:block."
            )
        )
    if len({block.platform for block in blocks}) != len(blocks):
        findings.append(Finding(ERROR, "podcast:block names the same platform twice."))
    return findings


def lint_episode(episode):
    """Findings for one episode's feed item."""
    subject = f"“{episode.title}”"
    show = episode.show
    findings = []

    def add(severity, message, field_name=""):
        findings.append(Finding(severity, message, subject, field=field_name))

    if not episode.title.strip():
        add(ERROR, "The title is empty.", "title")
    if len(episode.title) > MAX_TEXT_CHARS:
        add(
            ERROR,
            f"The title is {len(episode.title)} characters; at most {MAX_TEXT_CHARS} are allowed.",
            "title",
        )
    if EPISODE_NUMBER_IN_TITLE.search(episode.title):
        add(WARNING, "The title contains an episode number; Apple wants it in itunes:episode only.", "title")
    if show.title and show.title.lower() in episode.title.lower():
        add(WARNING, "The title contains the show name; Apple asks to leave it out.", "title")
    size = utf8_size(episode.summary)
    if size > MAX_DESCRIPTION_BYTES:
        add(ERROR, f"The summary is {size} bytes; at most {MAX_DESCRIPTION_BYTES} are allowed.", "summary")
    if not episode.summary.strip():
        add(WARNING, "The summary is empty; the feed description will be blank.", "summary")
    if show.show_type == show.SERIAL and not episode.number and episode.episode_type == episode.FULL:
        add(ERROR, "The show is serial but this episode has no episode number (itunes:episode).", "number")
    findings.extend(Finding(f.severity, f.message, subject, field="audio") for f in lint_enclosure(episode))
    if episode.artwork_url and not episode.artwork:
        add(WARNING, HOSTED_ARTWORK_UNCHECKED.format(label="The episode artwork"), "artwork")
    if episode.pk:
        findings += lint_episode_tags(episode, subject)
    if episode.artwork:
        findings.extend(
            Finding(f.severity, f.message, subject, field="artwork")
            for f in check_artwork(episode.artwork, "The episode artwork")
        )
    return findings


LINT_PREFETCH = [
    "funding_links",
    "locations",
    "txt_records",
    "images",
    "social_interacts",
    "alternate_enclosures",
    "transcripts",
    "credits__person",
]
"""What ``lint_episode`` reads of an episode's rows: prefetch it to lint many episodes."""


def lint_episode_tags(episode, subject):
    # Through the related managers, so that a caller linting many episodes can prefetch them
    # (LINT_PREFETCH) and the queries do not grow with the number of episodes.
    findings = lint_tag_rows(
        episode.funding_links.all(),
        episode.locations.all(),
        episode.txt_records.all(),
        episode.images.all(),
        subject,
    )
    for social in episode.social_interacts.all():
        if social.protocol not in SOCIAL_PROTOCOLS:
            findings.append(
                Finding(WARNING, f"socialInteract protocol “{social.protocol}” is not a known one.", subject)
            )
        if social.protocol != "disabled" and not social.uri:
            findings.append(Finding(ERROR, "A podcast:socialInteract needs the uri of the post.", subject))
    for alternate in episode.alternate_enclosures.all():
        label = f"The alternate enclosure “{alternate}”"
        if not alternate.mime_type:
            findings.append(Finding(ERROR, f"{label} has no type.", subject))
        if not (alternate.file or alternate.sources):
            findings.append(Finding(ERROR, f"{label} has no podcast:source.", subject))
        if not alternate.length:
            findings.append(Finding(WARNING, f"{label} has no length in bytes.", subject))
    findings += lint_transcript_speakers(episode, subject)
    defaults = sum(alternate.default for alternate in episode.alternate_enclosures.all())
    if defaults > 1:
        findings.append(Finding(ERROR, "More than one alternate enclosure is marked default.", subject))
    return findings


_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+([^>]+)>")


def vtt_speakers(text):
    """The speaker names of a WebVTT document's voice tags (``<v Ann Host>``), in first-seen order."""
    names = []
    for match in _VOICE.finditer(text):
        name = " ".join(match.group(1).split())
        if name and name not in names:
            names.append(name)
    return names


def lint_transcript_speakers(episode, subject):
    """Voice tags of uploaded WebVTT transcripts should name the people credited on the episode."""
    findings = []
    credited = {credit.person.name.casefold() for credit in episode.credits.all()}
    vtt = [t for t in episode.transcripts.all() if t.mime_type == "text/vtt" and t.file]
    for transcript in vtt:
        try:
            with transcript.file.open("rb") as file:
                text = file.read(2_000_000).decode("utf-8", "replace")
        except OSError:
            findings.append(Finding(ERROR, "A transcript file is missing from storage.", subject))
            continue
        unknown = [name for name in vtt_speakers(text) if name.casefold() not in credited]
        if unknown:
            findings.append(
                Finding(
                    WARNING,
                    f"The transcript's voice tags name {', '.join(unknown)}, who "
                    f"{'is' if len(unknown) == 1 else 'are'} not credited on the episode (podcast:person).",
                    subject,
                )
            )
    return findings


def lint_enclosure(episode):
    findings = []
    if episode.audio:
        declared = episode.audio_mime_type
        expected = AUDIO_MIME_TYPES.get(episode.audio_extension)
        try:
            # A file still being saved (the form's upload) has no stored path to check yet.
            path = episode.audio.path if getattr(episode.audio, "_committed", True) else None
        except NotImplementedError:
            path = None
        if path:
            if not os.path.exists(path):
                return [Finding(ERROR, "The audio file is missing from storage.")]
            actual = sniff_audio_type(path)
            if actual and declared != actual and declared not in _COMPATIBLE.get(actual, ()):
                findings.append(
                    Finding(
                        ERROR,
                        f"The enclosure type is {declared} but the file is {actual}; "
                        "upload it with the right extension.",
                    )
                )
            if episode.audio_size != os.path.getsize(path):
                findings.append(Finding(ERROR, "The enclosure length differs from the file's size."))
        if expected and declared != expected:
            findings.append(
                Finding(
                    ERROR,
                    f"The enclosure type {declared} does not match the “{episode.audio_extension}” file.",
                )
            )
    elif episode.external_audio_url:
        declared = episode.audio_mime_type or AUDIO_MIME_TYPES.get(episode.audio_extension)
        if not episode.audio_size:
            findings.append(Finding(WARNING, "The enclosure length is unknown (0); apps show no size."))
    else:
        severity = ERROR if episode.status == episode.PUBLISHED else WARNING
        return [Finding(severity, "There is no audio: the item has no enclosure.")]
    if declared and declared not in APPLE_ENCLOSURE_TYPES:
        findings.append(Finding(WARNING, f"Apple Podcasts does not accept {declared} enclosures."))
    if not episode.duration:
        findings.append(Finding(WARNING, "The duration is unknown (itunes:duration)."))
    return findings


def lint_object(obj):
    from episodes.models import Episode, Show

    if isinstance(obj, Show):
        return lint_show(obj)
    if isinstance(obj, Episode):
        return lint_episode(obj)
    raise TypeError(f"No feed lint for {type(obj).__name__}.")


def render_findings(findings):
    return render_to_string(
        "admin/episodes/lint_findings.html",
        {
            "findings": findings,
            "errors": sum(f.is_error for f in findings),
            "warnings": sum(not f.is_error for f in findings),
        },
    )


def feed_check(obj):
    """A ModelAdmin read-only field: the feed lint findings of a show or an episode."""
    if obj is None or obj.pk is None:
        return format_html("{}", "Save first; the feed check runs on saved shows and episodes.")
    return render_findings(lint_object(obj))


feed_check.short_description = "Feed check"


# --- the served document ------------------------------------------------------------------------

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"
_RFC2822 = re.compile(
    r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UTC|[A-Z]{3})$"
)


def lint_feed_document(data):
    """Findings for a feed document as directories read it (any feed we serve: a show's, the
    network's, the publisher feed). Checks what a model-level lint cannot: the XML itself."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [Finding(ERROR, f"The feed is not well-formed XML ({exc}).")]
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [Finding(ERROR, "The document is not RSS 2.0 (no rss/channel).")]
    findings = []

    def add(severity, message, subject=""):
        findings.append(Finding(severity, message, subject))

    def text(element, name):
        return (element.findtext(name) or "").strip()

    medium = text(channel, f"{PODCAST}medium") or "podcast"
    for name in ("title", "description", "link"):
        if not text(channel, name):
            add(ERROR, f"The channel has no {name}.")
    if utf8_size(text(channel, "description")) > MAX_DESCRIPTION_BYTES:
        add(ERROR, f"The channel description is over {MAX_DESCRIPTION_BYTES} bytes.")
    if not text(channel, "language"):
        add(ERROR, "The channel has no language.")
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if not self_links:
        add(ERROR, 'The channel has no atom:link rel="self".')
    if not text(channel, f"{PODCAST}guid"):
        add(ERROR, "The channel has no podcast:guid.")
    image = channel.find(f"{ITUNES}image")
    if image is None or not (image.get("href") or "").strip():
        add(ERROR, "The channel has no itunes:image.")
    categories = channel.findall(f"{ITUNES}category")
    if not categories:
        add(ERROR, "The channel has no itunes:category.")
    for category in categories:
        name = category.get("text", "")
        if name not in APPLE_CATEGORIES:
            add(ERROR, f"“{name}” is not one of Apple's categories.")
        for sub in category.findall(f"{ITUNES}category"):
            if sub.get("text") not in APPLE_CATEGORIES.get(name, ()):
                add(ERROR, f"“{sub.get('text')}” is not a subcategory of {name}.")
    explicit = text(channel, f"{ITUNES}explicit")
    if explicit not in ("true", "false"):
        add(ERROR, f"The channel's itunes:explicit is “{explicit}”; Apple wants true or false.")
    owner = channel.find(f"{ITUNES}owner")
    if owner is None or not text(owner, f"{ITUNES}email"):
        add(WARNING, "The channel has no itunes:owner e-mail; directories use it to verify ownership.")
    locked = channel.find(f"{PODCAST}locked")
    if locked is not None and (locked.text or "").strip() not in ("yes", "no"):
        add(ERROR, "podcast:locked must be yes or no.")
    for funding in channel.findall(f"{PODCAST}funding"):
        if len((funding.text or "").strip()) > MAX_FUNDING_CHARS:
            add(ERROR, f"A podcast:funding text is over {MAX_FUNDING_CHARS} characters.")
        if not funding.get("url"):
            add(ERROR, "A podcast:funding has no url.")
    for txt in channel.iter(f"{PODCAST}txt"):
        if len(txt.text or "") > TXT_MAX:
            add(ERROR, f"A podcast:txt is over {TXT_MAX} characters.")
    for trailer in channel.findall(f"{PODCAST}trailer"):
        if not (trailer.get("url") and trailer.get("pubdate")):
            add(ERROR, "A podcast:trailer needs url and pubdate.")
    guids = set()
    for item in channel.findall("item"):
        title = text(item, "title")
        subject = f"“{title}”" if title else "An item"
        if not title:
            add(ERROR, "The item has no title.", subject)
        guid = text(item, "guid")
        if not guid:
            add(ERROR, "The item has no guid.", subject)
        elif guid in guids:
            add(ERROR, f"The guid {guid} appears twice.", subject)
        guids.add(guid)
        enclosure = item.find("enclosure")
        if enclosure is None:
            if medium not in ("publisher",):
                add(ERROR, "The item has no enclosure.", subject)
        else:
            for attribute in ("url", "length", "type"):
                if not enclosure.get(attribute):
                    add(ERROR, f"The enclosure has no {attribute}.", subject)
            if not (enclosure.get("length") or "").isdigit():
                add(ERROR, "The enclosure length is not a number of bytes.", subject)
        published = text(item, "pubDate")
        if published and not _RFC2822.match(published):
            add(ERROR, f"The pubDate “{published}” is not an RFC 2822 date.", subject)
        if utf8_size(text(item, "description")) > MAX_DESCRIPTION_BYTES:
            add(ERROR, f"The description is over {MAX_DESCRIPTION_BYTES} bytes.", subject)
        item_explicit = text(item, f"{ITUNES}explicit")
        if item_explicit and item_explicit not in ("true", "false"):
            add(ERROR, f"itunes:explicit is “{item_explicit}”; Apple wants true or false.", subject)
        for alternate in item.findall(f"{PODCAST}alternateEnclosure"):
            if not alternate.get("type"):
                add(ERROR, "A podcast:alternateEnclosure has no type.", subject)
            if alternate.find(f"{PODCAST}source") is None:
                add(ERROR, "A podcast:alternateEnclosure has no podcast:source.", subject)
        for social in item.findall(f"{PODCAST}socialInteract"):
            if social.get("protocol") != "disabled" and not social.get("uri"):
                add(ERROR, "A podcast:socialInteract has no uri.", subject)
    return findings
