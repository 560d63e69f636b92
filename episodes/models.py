import hashlib
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from podcastcms.fields import RichTextField
from podcastcms.validators import (
    AUDIO_MIME_TYPES,
    MaxBytesValidator,
    read_audio_metadata,
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


def show_artwork_path(show, filename):
    return f"shows/{show.slug}/artwork/{filename}"


def episode_artwork_path(episode, filename):
    return f"shows/{episode.show.slug}/episodes/artwork/{filename}"


def random_file_name(filename):
    """A name nobody can guess, keeping the upload's extension (which says its type)."""
    return uuid.uuid4().hex + os.path.splitext(filename)[1].lower()


def episode_audio_path(episode, filename):
    # Media URLs are public: a draft's audio must not be found by guessing the name it was uploaded as.
    return f"shows/{episode.show.slug}/episodes/audio/{random_file_name(filename)}"


def transcript_path(transcript, filename):
    # As for audio: a draft's transcript must not be found by guessing its name.
    return f"transcripts/{random_file_name(filename)}"


class Network(models.Model):
    """The network that runs this install: one row, shown on the home page and in feeds."""

    name = models.CharField(max_length=200, default="Podcast Network")
    tagline = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True, help_text="Plain text shown on the home page.")
    website = models.URLField(blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(blank=True)
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
        help_text="Square JPEG or PNG, 1400–3000 px, RGB (Apple's rule).",
    )
    artwork_url = models.URLField(
        "artwork URL",
        max_length=1000,
        blank=True,
        help_text="For imported shows: their artwork where it is hosted; an upload takes precedence.",
    )
    language = models.CharField(
        max_length=16, default="en-us", help_text="ISO 639 language code, e.g. en-us or de."
    )
    category = models.CharField(max_length=64, choices=CATEGORY_CHOICES, default="Technology")
    subcategory = models.CharField(
        max_length=64, choices=SUBCATEGORY_CHOICES, blank=True, help_text="Must belong to the category."
    )
    explicit = models.BooleanField(default=False, help_text="The show contains explicit content.")
    show_type = models.CharField("type", max_length=16, choices=TYPE_CHOICES, default=EPISODIC)
    author = models.CharField(max_length=255, blank=True, help_text="itunes:author, e.g. the host.")
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
        help_text="podcast:guid, derived once from the first feed URL and kept for life.",
    )
    # Feed settings used by the feed and directory features.
    itunes_block = models.BooleanField(
        "hide from Apple Podcasts", default=False, help_text="Adds itunes:block Yes to the feed."
    )
    itunes_complete = models.BooleanField(
        "complete", default=False, help_text="No more episodes will be published (itunes:complete)."
    )
    podcast_locked = models.BooleanField(
        "locked",
        default=True,
        help_text="podcast:locked yes: other hosting platforms must refuse to import this feed.",
    )
    funding_url = models.URLField(blank=True)
    funding_text = models.CharField(max_length=128, blank=True)
    new_feed_url = models.URLField(
        blank=True, help_text="When the feed moves elsewhere: its new address (itunes:new-feed-url)."
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
        max_length=16, choices=MEDIUM_CHOICES, default="podcast", help_text="podcast:medium"
    )
    license = models.CharField(
        max_length=128,
        blank=True,
        help_text="podcast:license: an SPDX identifier such as cc-by-4.0, or a name with its URL below.",
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

    def save(self, *args, **kwargs):
        if self.podcast_guid is None:
            self.podcast_guid = podcast_guid_for_url(settings.SITE_URL + self.get_feed_url())
        super().save(*args, **kwargs)


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
        max_length=255, help_text="Without the episode number or show name (Apple's rule)."
    )
    slug = models.SlugField(max_length=150, help_text="Unique within the show; part of the page URL.")
    number = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="itunes:episode"
    )
    season = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="itunes:season"
    )
    episode_type = models.CharField("type", max_length=16, choices=TYPE_CHOICES, default=FULL)
    summary = models.TextField(
        validators=[MaxBytesValidator(4000)],
        help_text="Plain text, at most 4000 bytes: “About this Episode” and the feed description.",
    )
    show_notes = RichTextField(
        blank=True, help_text="The full notes; sanitised on save and sent as content:encoded."
    )
    interview_topic = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Plain text ending the guest line on the page: “today I’m interviewing Adam Paszke "
            "about <this>”. Leave empty to end the line after the guests’ names."
        ),
    )
    audio = models.FileField(
        upload_to=episode_audio_path,
        blank=True,
        validators=[validate_audio_file],
        help_text="Duration, size and type are read from the file.",
    )
    external_audio_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="For imported shows: the audio stays where it is and this URL is the enclosure.",
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
    explicit = models.BooleanField(default=False)
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
            parts.append(f"{hours} hr{'s' if hours != 1 else ''}")
        if minutes or hours:
            parts.append(f"{minutes} min{'s' if minutes != 1 else ''}")
        parts.append(f"{seconds} sec{'s' if seconds != 1 else ''}")
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
        """Read duration, size and type from the audio file, and bump the revision."""
        audio = self.audio
        audio.open("rb")
        try:
            metadata = read_audio_metadata(audio.file)
            digest = hashlib.sha256()
            audio.file.seek(0)
            for chunk in iter(lambda: audio.file.read(1 << 20), b""):
                digest.update(chunk)
            audio.file.seek(0)
        finally:
            if audio._committed:
                audio.close()
        self.duration = metadata["duration"]
        self.audio_size = metadata["size"]
        self.audio_mime_type = metadata["mime_type"]
        self.audio_revision = digest.hexdigest()[:12]

    def save(self, *args, **kwargs):
        if not self.guid:
            self.guid = str(uuid.uuid4())
        if self.audio_changed():
            self.read_audio()
        elif not self.audio and self.audio_revision:
            self.audio_revision = ""
        super().save(*args, **kwargs)
        self._stored_audio_name = self.audio.name if self.audio else None


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


class Chapter(models.Model):
    """A chapter marker, served in the episode's JSON chapters document."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="chapters")
    start_time = models.PositiveIntegerField(help_text="Seconds from the start of the audio.")
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self):
        return self.title


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
    ROLE_CHOICES = [
        (PRODUCER, "Producer: drafts and edits episodes, marks them ready for review"),
        (EDITOR, "Editor: also publishes, schedules and unpublishes"),
        (NETWORK_ADMIN, "Network admin: everything, including shows, teams, people and sponsors"),
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


from .feeds.models import StoredFeed  # noqa: E402, F401
