import os
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from podcastcms.fields import RichTextField
from podcastcms.renditions import refresh_renditions
from podcastcms.validators import (
    AUDIO_MIME_TYPES,
    MaxBytesValidator,
    read_audio_metadata,
    sanitize_transcript_html,
    validate_audio_file,
    validate_image_file,
    validate_transcript_file,
)

from .feeds.categories import APPLE_CATEGORIES, CATEGORY_CHOICES, SUBCATEGORY_CHOICES

# The namespace the Podcasting 2.0 spec fixes for deriving podcast:guid from a feed URL.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid_for_url(feed_url):
    """UUIDv5 of the feed URL with its scheme and trailing slashes removed (podcast:guid spec)."""
    address = feed_url.split("://", 1)[-1].rstrip("/")
    return uuid.uuid5(PODCAST_GUID_NAMESPACE, address)


def in_feed(text, tag):
    """A help text in the producer's words, with the directory's name for it as a small note."""
    return f'{text} <span class="in-the-feed">In the feed: <code>{tag}</code></span>'


def chapter_image_path(chapter, filename):
    return f"shows/{chapter.episode.show.slug}/episodes/chapters/{random_file_name(filename)}"


def random_file_name(filename):
    """A name nobody can guess, keeping the upload's extension (which says its type)."""
    return uuid.uuid4().hex + os.path.splitext(filename)[1].lower()


def show_artwork_path(show, filename):
    # A private show's artwork, like a draft's, must not be found by the name it was uploaded as.
    return f"shows/{show.slug}/artwork/{random_file_name(filename)}"


def episode_artwork_path(episode, filename):
    return f"shows/{episode.show.slug}/episodes/artwork/{random_file_name(filename)}"


def episode_audio_path(episode, filename):
    # Media URLs are public: a draft's audio must not be found by guessing the name it was uploaded as.
    return f"shows/{episode.show.slug}/episodes/audio/{random_file_name(filename)}"


def transcript_path(transcript, filename):
    # As for audio: a draft's transcript must not be found by guessing its name.
    return f"transcripts/{random_file_name(filename)}"


def new_preview_key():
    return secrets.token_hex(16)


class Network(models.Model):
    """The network that runs this install: one row, shown on the home page and in feeds."""

    name = models.CharField(max_length=200, default="Podcast Network")
    tagline = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True, help_text="Plain text shown on the home page.")
    website = models.URLField(blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(blank=True)
    artwork = models.ImageField(
        upload_to="network/artwork/",
        blank=True,
        validators=[validate_image_file],
        help_text="Square JPEG or PNG, 1400–3000 px: the artwork of the network's own feeds; the site's "
        "favicon and touch icon are made from it.",
    )
    podcast_guid = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The network's podcast:guid, assigned once from its publisher feed URL.",
    )
    content_changed_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="Last change to anything the network feeds and every show's podroll carry.",
    )

    class Meta:
        verbose_name = "network"
        verbose_name_plural = "network"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.podcast_guid = self.feed_guid()
        super().save(*args, **kwargs)

    def feed_guid(self):
        """The network's podcast:guid: the stored one, or the one its publisher feed URL gives."""
        publisher_feed_url = settings.SITE_URL + reverse("episodes:publisher-feed")
        return self.podcast_guid or podcast_guid_for_url(publisher_feed_url)

    def network_feed_guid(self):
        """podcast:guid of the network-wide episode feed, derived from its URL like a show's."""
        return podcast_guid_for_url(settings.SITE_URL + reverse("episodes:network-feed"))

    @classmethod
    def load(cls):
        network = cls.objects.order_by("pk").first()
        return network or cls(name="Podcast Network")


class ShowQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Show(models.Model):
    EPISODIC = "episodic"
    SERIAL = "serial"
    TYPE_CHOICES = [
        (EPISODIC, "Episodic: newest first, listeners may start anywhere"),
        (SERIAL, "Serial: oldest first, listened to in order"),
    ]

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Part of every URL of the show; keep it stable."
    )
    subtitle = models.CharField(max_length=255, blank=True)
    description = models.TextField(
        validators=[MaxBytesValidator(4000)],
        help_text="Plain text, at most 4000 bytes: the feed description and the show page intro.",
    )
    artwork = models.ImageField(
        upload_to=show_artwork_path,
        blank=True,
        validators=[validate_image_file],
        help_text="A square JPEG or PNG in RGB colour, between 1400 and 3000 px on each side.",
    )
    artwork_url = models.URLField(
        "artwork URL",
        max_length=1000,
        blank=True,
        help_text="For imported shows: their artwork where it is hosted; an upload takes precedence.",
    )
    artwork_renditions = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Smaller copies of the artwork (WebP and JPEG)."
    )
    language = models.CharField(
        max_length=16,
        default="en-us",
        blank=True,
        help_text="ISO 639 language code, e.g. en-us or de; required before the show goes public.",
    )
    category = models.CharField(
        max_length=64,
        choices=CATEGORY_CHOICES,
        default="Technology",
        blank=True,
        help_text="Apple's category; required before the show goes public.",
    )
    subcategory = models.CharField(
        max_length=64, choices=SUBCATEGORY_CHOICES, blank=True, help_text="Must belong to the category."
    )
    explicit = models.BooleanField(default=False, help_text="The show contains explicit content.")
    show_type = models.CharField("type", max_length=16, choices=TYPE_CHOICES, default=EPISODIC)
    author = models.CharField(
        max_length=255,
        blank=True,
        help_text=in_feed("The name apps show under the show's title, e.g. the host.", "itunes:author"),
    )
    owner_name = models.CharField(max_length=255, blank=True)
    owner_email = models.EmailField(
        blank=True, help_text="Directories send verification mail here; it is in the feed."
    )
    copyright = models.CharField(max_length=255, blank=True)
    website = models.URLField(blank=True, help_text="The show's own site, if it has one.")
    intro = models.TextField(
        blank=True,
        help_text="Plain text opening every episode page (“Hello and welcome to …”).",
    )
    music_credit = models.CharField(
        max_length=255, blank=True, help_text="e.g. “Requiem for a Fish by The Freak Fandango Orchestra”."
    )
    music_license = models.CharField(max_length=64, blank=True, help_text="e.g. CC BY-SA")
    music_license_url = models.URLField(blank=True)
    is_public = models.BooleanField(
        "public",
        default=False,
        help_text="Only public shows appear on the site and in feeds; their episodes stay hidden otherwise.",
    )
    podcast_guid = models.UUIDField(
        unique=True,
        editable=False,
        null=True,
        help_text=in_feed(
            "The show's identity for podcast apps, made once from its first feed address and kept for life.",
            "podcast:guid",
        ),
    )
    # Feed settings used by the feed and directory features.
    itunes_block = models.BooleanField(
        "hide from Apple Podcasts",
        default=False,
        help_text=in_feed("Apple Podcasts stops listing the show.", "itunes:block"),
    )
    itunes_complete = models.BooleanField(
        "complete",
        default=False,
        help_text=in_feed("No more episodes will be published; apps stop checking.", "itunes:complete"),
    )
    podcast_locked = models.BooleanField(
        "locked",
        default=True,
        help_text=in_feed("Other hosting platforms must refuse to import this feed.", "podcast:locked"),
    )
    more_categories = models.JSONField(
        "further categories",
        default=list,
        blank=True,
        help_text='Further itunes:category pairs after the first, e.g. [["Arts", "Books"]].',
    )
    update_frequency = models.CharField(
        max_length=128, blank=True, help_text="podcast:updateFrequency text, e.g. “Every Monday”."
    )
    update_frequency_rrule = models.CharField(
        "update frequency rule", max_length=255, blank=True, help_text="RFC 5545 rule, e.g. FREQ=WEEKLY"
    )
    update_frequency_complete = models.BooleanField(default=False)
    update_frequency_dtstart = models.DateTimeField("update frequency start", null=True, blank=True)
    new_feed_url = models.URLField(
        blank=True,
        help_text=in_feed("When the feed moves elsewhere: its new address.", "itunes:new-feed-url"),
    )
    feed_move_confirmed = models.BooleanField(
        default=False, help_text="Once confirmed, the old feed URL answers 301 to the new one."
    )
    MEDIUM_CHOICES = [
        ("podcast", "Podcast"),
        ("music", "Music"),
        ("video", "Video"),
        ("film", "Film"),
        ("audiobook", "Audiobook"),
        ("newsletter", "Newsletter"),
        ("blog", "Blog"),
    ]
    medium = models.CharField(
        max_length=16,
        choices=MEDIUM_CHOICES,
        default="podcast",
        help_text=in_feed("What the feed carries: a podcast, music, video …", "podcast:medium"),
    )
    license = models.CharField(
        max_length=128,
        blank=True,
        help_text=in_feed(
            "The licence of the episodes: a short code such as cc-by-4.0, or a name with its URL below.",
            "podcast:license",
        ),
    )
    license_url = models.URLField(
        max_length=1000, blank=True, help_text="The license text; required when it is not an SPDX identifier."
    )
    content_changed_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="Last change to anything the show's feed carries; its ETag and Last-Modified.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShowQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("episodes:show", kwargs={"show_slug": self.slug})

    def get_feed_url(self):
        return reverse("episodes:show-feed", kwargs={"show_slug": self.slug})

    def clean(self):
        if self.subcategory and self.subcategory not in APPLE_CATEGORIES.get(self.category, []):
            raise ValidationError(
                {"subcategory": f"“{self.subcategory}” is not a subcategory of {self.category}."}
            )
        if self.is_public:
            # Imported shows keep these empty when their feed had none: fill them in first.
            missing = {
                name: "Required before the show can be public (Apple requires it)."
                for name in ("category", "language", "description")
                if not (getattr(self, name) or "").strip()
            }
            if missing:
                raise ValidationError(missing)

    def save(self, *args, **kwargs):
        if self.podcast_guid is None:
            self.podcast_guid = podcast_guid_for_url(settings.SITE_URL + self.get_feed_url())
        super().save(*args, **kwargs)
        refresh_renditions(self, "artwork", "artwork_renditions")

    def language_code(self):
        """The show's language as Django names it (“de”, “en-us”), for translating its pages."""
        return (self.language or "en").strip().lower().replace("_", "-")


class EpisodeQuerySet(models.QuerySet):
    def published(self, now=None):
        """Episodes the public may see: published, their time passed, on a public show."""
        return self.filter(
            status=Episode.PUBLISHED,
            published_at__lte=now or timezone.now(),
            show__is_public=True,
        )


class Episode(models.Model):
    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    STATUS_CHOICES = [
        (DRAFT, "Draft"),
        (REVIEW, "Ready for review"),
        (PUBLISHED, "Published"),
    ]
    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"
    TYPE_CHOICES = [(FULL, "Full episode"), (TRAILER, "Trailer"), (BONUS, "Bonus")]

    show = models.ForeignKey(Show, on_delete=models.PROTECT, related_name="episodes")
    title = models.CharField(
        max_length=255,
        help_text="Leave out the episode number and the show's name: apps show those on their own.",
    )
    slug = models.SlugField(
        max_length=150,
        help_text="The end of the episode page's address; each episode of a show needs its own.",
    )
    number = models.PositiveIntegerField(
        "episode number",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=in_feed("Apps sort and label episodes by it.", "itunes:episode"),
    )
    season = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=in_feed("Apps group episodes by season.", "itunes:season"),
    )
    episode_type = models.CharField("type", max_length=16, choices=TYPE_CHOICES, default=FULL)
    season_name = models.CharField(
        max_length=128, blank=True, help_text="podcast:season name, e.g. “Race for the Whitehouse 2020”."
    )
    episode_display = models.CharField(
        max_length=32,
        blank=True,
        help_text="podcast:episode display, e.g. “Ch. 3” for a non-numeric episode.",
    )
    summary = models.TextField(
        validators=[MaxBytesValidator(4000)],
        help_text=in_feed(
            "A few plain sentences: “About this Episode” on the page and the text apps show first "
            "(about 4000 letters at most).",
            "description",
        ),
    )
    show_notes = RichTextField(
        blank=True,
        help_text=in_feed(
            "Everything else: questions, links, timestamps. Apps show it below the summary.",
            "content:encoded",
        ),
    )
    interview_topic = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Ends the guest line on the episode page: “today I’m interviewing [the guests] about "
            "[this topic]”. Leave empty to end the line after the guests’ names."
        ),
    )
    audio = models.FileField(
        upload_to=episode_audio_path,
        blank=True,
        validators=[validate_audio_file],
        help_text="The episode's MP3 or M4A: it uploads as soon as you choose it.",
    )
    audio_original_name = models.CharField(
        "audio file name", max_length=255, blank=True, editable=False, help_text="As it was uploaded."
    )
    external_audio_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text=in_feed(
            "For imported episodes: the audio stays where it was and apps download it from here.", "enclosure"
        ),
    )
    audio_size = models.PositiveBigIntegerField("audio size (bytes)", null=True, blank=True, editable=False)
    audio_mime_type = models.CharField(max_length=64, blank=True, editable=False)
    duration = models.PositiveIntegerField("duration (seconds)", null=True, blank=True, editable=False)
    audio_revision = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text="Changes when the audio file changes, and with it the enclosure URL.",
    )
    artwork = models.ImageField(
        upload_to=episode_artwork_path,
        blank=True,
        validators=[validate_image_file],
        help_text="Optional; the show's artwork is used otherwise.",
    )
    artwork_url = models.URLField(
        "artwork URL",
        max_length=1000,
        blank=True,
        help_text="For imported episodes: their artwork where it is hosted; an upload takes precedence.",
    )
    artwork_renditions = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Smaller copies of the artwork (WebP and JPEG)."
    )
    explicit = models.BooleanField(
        default=False, help_text=in_feed("Tick when the episode has explicit language.", "itunes:explicit")
    )
    guid = models.CharField(
        max_length=255,
        unique=True,
        editable=False,
        help_text="Assigned at creation and never changed: podcast apps identify the episode by it.",
    )
    link = models.URLField(
        max_length=1000, blank=True, help_text="For imported episodes: their page elsewhere."
    )
    chapters_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="For imported episodes: their JSON chapters document elsewhere.",
    )
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Published episodes become public at this time; a future time schedules them.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    preview_key = models.CharField(
        max_length=32,
        default=new_preview_key,
        editable=False,
        help_text="Part of every preview link; replaced on publish, unpublish and revoke, which ends them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["show", "slug"], name="episode_slug_unique_in_show"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="episode_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(season__isnull=True) | Q(season__gte=1), name="episode_season_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_episode_has_time",
            ),
        ]
        indexes = [models.Index(fields=["show", "status", "published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("episodes:episode", kwargs={"show_slug": self.show.slug, "episode_slug": self.slug})

    @property
    def is_public(self):
        return (
            self.status == self.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.show.is_public
        )

    @property
    def is_scheduled(self):
        return self.status == self.PUBLISHED and self.published_at and self.published_at > timezone.now()

    @property
    def audio_extension(self):
        name = self.audio.name if self.audio else self.external_audio_url.split("?", 1)[0]
        extension = os.path.splitext(name)[1].lower()
        return extension if extension in AUDIO_MIME_TYPES else ".mp3"

    @property
    def enclosure_url(self):
        """The URL podcast apps download: ours for uploads, the original for imported audio."""
        if self.audio:
            return reverse(
                "episodes:audio",
                kwargs={
                    "episode_id": self.pk,
                    "revision": self.audio_revision,
                    "extension": self.audio_extension.lstrip("."),
                },
            )
        return self.external_audio_url

    def duration_display(self):
        """“42 mins 12 secs”, as the episode page shows it."""
        if not self.duration:
            return ""
        hours, rest = divmod(self.duration, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = []
        if hours:
            parts.append(ngettext("%(count)d hr", "%(count)d hrs", hours) % {"count": hours})
        if minutes or hours:
            parts.append(ngettext("%(count)d min", "%(count)d mins", minutes) % {"count": minutes})
        parts.append(ngettext("%(count)d sec", "%(count)d secs", seconds) % {"count": seconds})
        return " ".join(parts)

    def clean(self):
        if not self.audio and not self.external_audio_url and self.status == self.PUBLISHED:
            raise ValidationError({"audio": "Upload the audio (or give its URL) before publishing."})
        if self.status == self.PUBLISHED and not self.published_at:
            raise ValidationError({"published_at": "Give the time the episode becomes public."})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_audio_name = instance.__dict__.get("audio")
        return instance

    def audio_changed(self):
        return bool(self.audio) and (
            not self.audio_revision or self.audio.name != getattr(self, "_stored_audio_name", None)
        )

    def read_audio(self):
        """Read duration, size and type from the audio file, and bump the revision (one pass)."""
        audio = self.audio
        audio.open("rb")
        try:
            metadata = read_audio_metadata(audio)
        finally:
            if audio._committed:
                audio.close()
        self.duration = metadata["duration"]
        self.audio_size = metadata["size"]
        self.audio_mime_type = metadata["mime_type"]
        self.audio_revision = metadata["sha256"][:12]

    def save(self, *args, **kwargs):
        if not self.guid:
            self.guid = str(uuid.uuid4())
        if self.audio_changed():
            self.read_audio()
        elif not self.audio and self.audio_revision:
            self.audio_revision = ""
        super().save(*args, **kwargs)
        self._stored_audio_name = self.audio.name if self.audio else None
        refresh_renditions(self, "artwork", "artwork_renditions")


class EpisodeLink(models.Model):
    """An entry of the episode's “Links” list."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=1000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Announcement(models.Model):
    """Show-level text shown on every episode published inside its date window."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="announcements")
    text = RichTextField(help_text="Shown in the episode page's opening list.")
    starts_on = models.DateField(help_text="Episodes published on or after this day show it.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="Episodes published after this day no longer show it."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="announcement_window_ordered",
            )
        ]

    def __str__(self):
        from podcastcms.sanitize import html_to_text

        return html_to_text(self.text)[:60]

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The window must end on or after its first day."})


class Transcript(models.Model):
    """A transcript served as podcast:transcript: an uploaded file, or a URL for imported shows."""

    TYPE_CHOICES = [
        ("text/vtt", "WebVTT"),
        ("application/x-subrip", "SubRip (SRT)"),
        ("application/json", "JSON"),
        ("text/html", "HTML"),
        ("text/plain", "Plain text"),
    ]
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="transcripts")
    file = models.FileField(
        upload_to=transcript_path,
        blank=True,
        help_text="UTF-8 text with the extension of its type (.vtt, .srt, .json, .html or .txt).",
    )
    url = models.URLField(max_length=1000, blank=True)
    mime_type = models.CharField("type", max_length=64, choices=TYPE_CHOICES, default="text/vtt")
    language = models.CharField(max_length=16, blank=True)
    is_captions = models.BooleanField(default=False, help_text='rel="captions": timed captions.')

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_mime_type_display()} transcript"

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError("Upload a transcript file or give its URL.")
        if self.file:
            # Here and not as a field validator: whether a file fits depends on the chosen type.
            try:
                validate_transcript_file(self.file, self.mime_type)
            except ValidationError as exc:
                raise ValidationError({"file": exc.error_list}) from None

    def save(self, *args, **kwargs):
        if self.file and self.mime_type == "text/html" and not self.file._committed:
            # An HTML transcript is stored reduced to the rich-text allowlist: whatever serves
            # the media folder, the file holds no script, event handler or frame.
            self.file = ContentFile(
                sanitize_transcript_html(self.file), name=os.path.basename(self.file.name)
            )
        super().save(*args, **kwargs)


class Chapter(models.Model):
    """A chapter marker, served in the episode's JSON chapters document."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="chapters")
    start_time = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(0)],
        help_text="Where the chapter starts, as HH:MM:SS or HH:MM:SS.mmm.",
    )
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=1000, blank=True)
    image = models.ImageField(
        upload_to=chapter_image_path,
        blank=True,
        validators=[validate_image_file],
        help_text="Optional picture shown beside the chapter on the page and in the chapters document.",
    )
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    image_url = models.URLField(
        "image URL",
        max_length=1000,
        blank=True,
        help_text="For imported chapters: their picture where it is hosted; an upload takes precedence.",
    )

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_renditions(self, "image", "image_renditions")


class Soundbite(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="soundbites")
    start_time = models.DecimalField(max_digits=9, decimal_places=3, help_text="Seconds.")
    duration = models.DecimalField(max_digits=9, decimal_places=3, help_text="Seconds.")
    title = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self):
        return self.title or f"Soundbite at {self.start_time}s"


class Team(models.Model):
    """A group of users with one role on some shows, or on all of them (teams as data)."""

    PRODUCER = "producer"
    EDITOR = "editor"
    NETWORK_ADMIN = "network_admin"
    ANALYST = "analyst"
    ROLE_CHOICES = [
        (PRODUCER, "Producer: drafts and edits episodes, marks them ready for review"),
        (EDITOR, "Editor: also publishes, schedules and unpublishes"),
        (NETWORK_ADMIN, "Network admin: everything, including shows, teams, people and sponsors"),
        (ANALYST, "Analyst: sees the shows' download figures and campaign reports, nothing else"),
    ]

    name = models.CharField(max_length=200, unique=True)
    role = models.CharField(max_length=32, choices=ROLE_CHOICES, default=PRODUCER)
    all_shows = models.BooleanField(
        default=False, help_text="The role applies to every show, including shows added later."
    )
    shows = models.ManyToManyField(Show, blank=True, related_name="teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="show_teams")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublicationRecord(models.Model):
    """One publish or unpublish of an episode: who did it, when, and for which time.

    The episode keeps only its current state; this log keeps every change of it, so
    “who published it and when” survives unpublishing and publishing again.
    """

    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    ACTION_CHOICES = [(PUBLISHED, "Published"), (UNPUBLISHED, "Unpublished")]

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="publication_records")
    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When the action was taken.")
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The publication time it set; later than recorded_at when scheduled."
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.user or 'unknown'} at {self.recorded_at:%Y-%m-%d %H:%M}"


class EpisodeSlugHistory(models.Model):
    """A slug a published episode answered to: its old URL redirects (301) to the current one."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episode_slug_history")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="slug_history")
    old_slug = models.SlugField(
        max_length=150, help_text="Recorded when a published episode's slug changes; never edited."
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "old episode slug"
        verbose_name_plural = "episode slug history"
        constraints = [
            models.UniqueConstraint(fields=["show", "old_slug"], name="episode_old_slug_unique_in_show")
        ]

    def __str__(self):
        return self.old_slug


class ShowSlugHistory(models.Model):
    """A slug a public show answered to: its old URLs redirect (301) to the current ones."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="slug_history")
    old_slug = models.SlugField(
        max_length=100, unique=True, help_text="Recorded when a public show's slug changes; never edited."
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "old show slug"
        verbose_name_plural = "show slug history"

    def __str__(self):
        return self.old_slug


from episodes.analytics.models import *  # noqa: E402, F401, F403 - measurement models
from episodes.imports.models import ImportJob  # noqa: E402, F401
from episodes.notify.models import Delivery, FeedState, WebhookEndpoint  # noqa: E402, F401

from .api.models import ApiToken  # noqa: E402, F401
from .audio_uploads import StagedAudio  # noqa: E402, F401
from .listen_links import ListenLink  # noqa: E402, F401
from .notifications import NotificationSettings  # noqa: E402, F401
from .search.models import SearchEntry  # noqa: E402, F401

# --- Podcasting 2.0 tags a show or an episode carries -------------------------------------------


class ShowOrEpisodeTag(models.Model):
    """A tag found on the channel (``show``) or on one item (``episode``), never both."""

    show = models.ForeignKey(Show, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def clean(self):
        if (self.show_id is None) == (self.episode_id is None):
            raise ValidationError("Belongs to a show or to one of its episodes.")


def _one_owner(name):
    return models.CheckConstraint(
        condition=Q(show__isnull=True, episode__isnull=False) | Q(show__isnull=False, episode__isnull=True),
        name=name,
    )


class FundingLink(ShowOrEpisodeTag):
    """podcast:funding: where listeners support the show (several are allowed)."""

    show = models.ForeignKey(
        Show, null=True, blank=True, on_delete=models.CASCADE, related_name="funding_links"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="funding_links"
    )
    url = models.URLField(max_length=1000)
    text = models.CharField(max_length=128, blank=True, help_text="At most 128 characters.")

    class Meta(ShowOrEpisodeTag.Meta):
        constraints = [_one_owner("funding_link_one_owner")]

    def __str__(self):
        return self.text or self.url


class Location(ShowOrEpisodeTag):
    """podcast:location: what the show or episode is about, or where it is made."""

    show = models.ForeignKey(Show, null=True, blank=True, on_delete=models.CASCADE, related_name="locations")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=128, help_text="Human-readable, at most 128 characters.")
    geo = models.CharField(max_length=255, blank=True, help_text="A geo: URI, e.g. geo:30.2672,97.7431")
    osm = models.CharField("OpenStreetMap id", max_length=64, blank=True, help_text="e.g. R113314")
    rel = models.CharField(
        max_length=16, blank=True, choices=[("subject", "Subject"), ("creator", "Creator")]
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")

    class Meta(ShowOrEpisodeTag.Meta):
        constraints = [_one_owner("location_one_owner")]

    def __str__(self):
        return self.name


class TxtRecord(ShowOrEpisodeTag):
    """podcast:txt: free text for machines, e.g. ``purpose="verify"`` for ownership transfers."""

    show = models.ForeignKey(
        Show, null=True, blank=True, on_delete=models.CASCADE, related_name="txt_records"
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="txt_records"
    )
    purpose = models.CharField(
        max_length=128, blank=True, help_text="e.g. verify, applepodcastsverify, release"
    )
    value = models.CharField(max_length=4000)

    class Meta(ShowOrEpisodeTag.Meta):
        constraints = [_one_owner("txt_record_one_owner")]
        verbose_name = "txt record"

    def __str__(self):
        return f"{self.purpose}: {self.value}" if self.purpose else self.value


class PodcastImage(ShowOrEpisodeTag):
    """podcast:image: further artwork (banners, social cards) with its purpose and size."""

    show = models.ForeignKey(Show, null=True, blank=True, on_delete=models.CASCADE, related_name="images")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    href = models.URLField(max_length=1000)
    alt = models.CharField("alternative text", max_length=500, blank=True)
    aspect_ratio = models.CharField(max_length=16, blank=True, help_text="e.g. 1/1 or 16/9")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    mime_type = models.CharField("type", max_length=64, blank=True)
    purpose = models.CharField(max_length=128, blank=True, help_text="e.g. artwork, social, banner")

    class Meta(ShowOrEpisodeTag.Meta):
        constraints = [_one_owner("podcast_image_one_owner")]

    def __str__(self):
        return self.href


class Trailer(models.Model):
    """podcast:trailer: a trailer of the show (or of one season)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="trailers")
    title = models.CharField(max_length=128)
    url = models.URLField(max_length=1000)
    pub_date = models.DateTimeField("publication time")
    length = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    mime_type = models.CharField("type", max_length=64, blank=True)
    season = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class PlatformBlock(models.Model):
    """podcast:block: keep the show off every platform, or off (or on) the one named."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="platform_blocks")
    platform = models.CharField(
        max_length=64, blank=True, help_text="A service slug (e.g. google, amazon); empty for all."
    )
    blocked = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "platform block"

    def __str__(self):
        return f"{self.platform or 'all platforms'}: {'yes' if self.blocked else 'no'}"


class SocialInteract(models.Model):
    """podcast:socialInteract: where listeners comment on the episode."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="social_interacts")
    protocol = models.CharField(
        max_length=32, help_text="activitypub, twitter, lightning, atproto or disabled"
    )
    uri = models.CharField(max_length=1000, blank=True)
    account_id = models.CharField(max_length=255, blank=True)
    account_url = models.URLField(max_length=1000, blank=True)
    priority = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "social interaction"

    def __str__(self):
        return f"{self.protocol}: {self.uri}"


def alternate_audio_path(alternate, filename):
    return f"shows/{alternate.episode.show.slug}/episodes/audio/{random_file_name(filename)}"


class AlternateEnclosure(models.Model):
    """podcast:alternateEnclosure: another rendition of the episode (AAC, Opus, video …).

    An uploaded file is read like the main audio (tinytag: duration, bitrate, type, size) and
    served as its first podcast:source; ``sources`` lists further (or, for imports, all) URIs.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="alternate_enclosures")
    file = models.FileField(
        upload_to=alternate_audio_path,
        blank=True,
        validators=[validate_audio_file],
        help_text="Upload a rendition; its type, length, bitrate and duration are read from it.",
    )
    mime_type = models.CharField("type", max_length=64, blank=True)
    length = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    bitrate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True, help_text="Video height in pixels.")
    language = models.CharField(max_length=16, blank=True)
    title = models.CharField(max_length=64, blank=True)
    rel = models.CharField(max_length=64, blank=True)
    codecs = models.CharField(max_length=128, blank=True)
    default = models.BooleanField(default=False)
    duration = models.PositiveIntegerField("duration (seconds)", null=True, blank=True, editable=False)
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text='podcast:source elements: [{"uri": "https://…", "contentType": "audio/opus"}].',
    )
    integrity = models.JSONField(
        default=list, blank=True, help_text='podcast:integrity: [{"type": "sri", "value": "sha384-…"}].'
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title or self.mime_type or "alternate enclosure"

    def clean(self):
        if not self.file and not self.sources:
            raise ValidationError("Upload a file or give at least one source URI.")
        if not self.file and not self.mime_type:
            raise ValidationError({"mime_type": "Give the type of the rendition the sources serve."})

    def read_file(self):
        """Type, size, duration and bitrate from the uploaded file, as for the main audio."""
        metadata = read_audio_metadata(self.file.file)
        self.mime_type = metadata["mime_type"]
        self.length = metadata["size"]
        self.duration = metadata["duration"]
        self.bitrate = round(metadata["size"] * 8 / metadata["duration"]) if metadata["duration"] else None

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.read_file()
        super().save(*args, **kwargs)


class LiveItem(models.Model):
    """podcast:liveItem: a live stream announced in the feed; it never changes show fields."""

    STATUS_CHOICES = [("pending", "Pending"), ("live", "Live"), ("ended", "Ended")]
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="live_items")
    guid = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default="pending")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    link = models.URLField(max_length=1000, blank=True)
    enclosure_url = models.URLField(max_length=1000, blank=True)
    enclosure_type = models.CharField(max_length=64, blank=True)
    enclosure_length = models.PositiveBigIntegerField(null=True, blank=True)
    content_links = models.JSONField(
        default=list, blank=True, help_text='podcast:contentLink: [{"href": "https://…", "text": "…"}].'
    )

    class Meta:
        ordering = ["start", "pk"]
        constraints = [models.UniqueConstraint(fields=["show", "guid"], name="live_item_guid_unique_in_show")]

    def __str__(self):
        return self.title


from .feeds.models import StoredFeed  # noqa: E402, F401
