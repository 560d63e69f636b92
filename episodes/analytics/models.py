"""Raw download events (append-only) and the daily rollups derived from them.

Raw events carry no address: only a salted hash of address and user agent, made with a salt
that rotates every day and lives in ``ListenerSalt`` (not with the events), deleted after two days.
Rollups are derived by ``episodes.analytics.rollup`` and can be recomputed from the raw events.
"""

from django.db import models

__all__ = [
    "Breakdown",
    "DownloadEvent",
    "EpisodeDay",
    "EpisodeTotal",
    "EpisodeWindow",
    "JournalFile",
    "ListenerSalt",
    "RollingWindow",
    "RollupRun",
    "ShowBreakdown",
]


class ListenerSalt(models.Model):
    """The day's random salt for listener hashes. Deleted two days later: old hashes can then
    no longer be linked to an address, even by someone holding the database."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt of {self.day}"


class DownloadEvent(models.Model):
    """One GET of an enclosure, as it was asked for. Never updated; purged after the retention time.

    Episode and show are kept as plain ids (no foreign-key constraint): deleting an episode must
    not rewrite history, and the table stays cheap to insert into and to purge by time.
    """

    occurred_at = models.DateTimeField(db_index=False)
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    show = models.ForeignKey(
        "episodes.Show", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    listener = models.CharField(max_length=32, help_text="Salted hash of address and user agent, hex.")
    agent_kind = models.CharField(max_length=8, help_text="bot, app, library, browser or unknown.")
    is_bot = models.BooleanField(default=False)
    app = models.CharField(max_length=80, blank=True)
    device = models.CharField(max_length=40, blank=True)
    device_category = models.CharField(max_length=20, blank=True)
    os = models.CharField(max_length=20, blank=True)
    referrer = models.CharField(max_length=300, blank=True)
    referrer_app = models.CharField(max_length=80, blank=True)
    range_start = models.PositiveBigIntegerField(null=True, blank=True)
    range_end = models.PositiveBigIntegerField(null=True, blank=True)
    bytes_requested = models.PositiveBigIntegerField(help_text="Bytes the request asked for.")
    bytes_needed = models.PositiveBigIntegerField(
        help_text="Bytes a download needs at this file's bit rate (counting.minimum_bytes), at the time."
    )
    redirected = models.BooleanField(default=False, help_text="Answered by a redirect to remote storage.")
    from_datacenter = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The address was in a configured data-centre range (episodes.analytics.datacenters).",
    )

    class Meta:
        # The time index is created by the migration: BRIN on PostgreSQL, B-tree on SQLite.
        verbose_name = "download event"

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} episode {self.episode_id}"


class JournalFile(models.Model):
    """How far the loader has read one journal file (``episodes.analytics.journal``).

    Updated in the transaction that inserts the lines read, so a line is loaded exactly once;
    deleted with the file once its writer has finished with it.
    """

    name = models.CharField(max_length=200, unique=True)
    offset = models.PositiveBigIntegerField(default=0, help_text="Bytes of the file already loaded.")

    def __str__(self):
        return f"{self.name} at {self.offset}"


class EpisodeDay(models.Model):
    """Downloads of one episode on one day (UTC), counted by ``episodes.analytics.counting``."""

    day = models.DateField()
    show = models.ForeignKey(
        "episodes.Show", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    age_days = models.IntegerField(help_text="Days since the episode's publication day (0 = that day).")
    downloads = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode", "day"], name="episodeday_unique")]
        indexes = [
            models.Index(fields=["show", "day"], name="episodeday_show_day"),
            # The rollup replaces a day; the network's top episodes sum a range of days over
            # every show (on PostgreSQL from this index alone, without reading the table).
            models.Index(fields=["day"], include=["show", "episode", "downloads"], name="episodeday_day"),
        ]

    def __str__(self):
        return f"{self.day}: episode {self.episode_id}, {self.downloads} downloads"


class Breakdown(models.Model):
    """One episode's downloads on one day split by one dimension (app, device, os)."""

    APP, DEVICE, OS = "app", "device", "os"
    DIMENSIONS = [(APP, "app"), (DEVICE, "device"), (OS, "operating system")]

    day = models.DateField()
    show = models.ForeignKey(
        "episodes.Show", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    dimension = models.CharField(max_length=8, choices=DIMENSIONS)
    value = models.CharField(max_length=80)
    downloads = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "day", "dimension", "value"], name="breakdown_unique")
        ]
        indexes = [models.Index(fields=["day"], name="breakdown_day")]  # the rollup replaces a day

    def __str__(self):
        return f"{self.day}: episode {self.episode_id}, {self.dimension} {self.value}: {self.downloads}"


class EpisodeTotal(models.Model):
    """An episode's downloads to date and in its first 1, 7 and 30 days: the sums of its
    ``EpisodeDay`` rows, kept by the rollup as it replaces a day (the old day's figures out, the
    new ones in), so that reports read one row per episode whatever its age.
    ``rollup.rebuild_totals`` makes the table again from ``EpisodeDay``; the result is identical."""

    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    downloads = models.IntegerField()
    first_1 = models.IntegerField()
    first_7 = models.IntegerField()
    first_30 = models.IntegerField()

    def __str__(self):
        return f"episode {self.episode_id}: {self.downloads} downloads"


class RollingWindow(models.Model):
    """The last ``days`` days up to ``through`` (the latest day rolled up): the range the
    dashboards open on. ``EpisodeWindow`` holds every episode's downloads in it."""

    days = models.PositiveSmallIntegerField(unique=True)
    through = models.DateField()

    def __str__(self):
        return f"{self.days} days to {self.through}"


class EpisodeWindow(models.Model):
    """An episode's downloads in a ``RollingWindow``: the sum of its ``EpisodeDay`` rows of those
    days, kept by the rollup (a day rolled up again: its old figures out, the new in; a new
    latest day: the days that leave the window out, those that enter in). The network's most
    downloaded episodes of the last 7, 30 or 90 days are read from one row per episode, not
    summed from a million daily rows. ``rollup.rebuild_windows`` makes the table again; identically."""

    days = models.PositiveSmallIntegerField()
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    downloads = models.IntegerField()

    class Meta:
        # No index on downloads: the rollup updates every row of a day's episodes, and a window
        # holds at most one row per episode, sorted in a few milliseconds for the top ones.
        constraints = [models.UniqueConstraint(fields=["days", "episode"], name="episodewindow_unique")]

    def __str__(self):
        return f"episode {self.episode_id}, last {self.days} days: {self.downloads}"


class ShowBreakdown(models.Model):
    """A show's downloads on one day, in total and split by app, device and os.

    The network and show pages read only this small table (a few rows per show and day),
    whatever the number of episodes; ``total`` rows are the show's downloads of the day.
    """

    TOTAL = "total"
    DIMENSIONS = [(TOTAL, "total"), *Breakdown.DIMENSIONS]

    day = models.DateField()
    show = models.ForeignKey(
        "episodes.Show", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    dimension = models.CharField(max_length=8, choices=DIMENSIONS)
    value = models.CharField(max_length=80, blank=True)
    downloads = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "dimension", "day", "value"], name="showbreakdown_unique")
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="showbreakdown_dimension_day")]

    def __str__(self):
        return f"{self.day}: show {self.show_id}, {self.dimension} {self.value}: {self.downloads}"


class RollupRun(models.Model):
    """The audit trail of the rollup job: what each run of a day read, wrote and its checksum."""

    day = models.DateField()
    computed_at = models.DateTimeField()
    events_read = models.PositiveIntegerField()
    downloads = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the day's rollup rows, sorted.")

    class Meta:
        ordering = ["-day", "-computed_at"]
        indexes = [models.Index(fields=["day"], name="rolluprun_day")]

    def __str__(self):
        return f"{self.day}: {self.downloads} downloads"
