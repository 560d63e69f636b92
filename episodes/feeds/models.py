"""The current rendered copy of each feed, as written to the feed store (``episodes.feeds.store``)."""

from django.db import models


class StoredFeed(models.Model):
    """One feed's current rendered copy: where its files are, its validators, and whether it is due.

    ``generation`` is bumped (in the editor's transaction) by every change that may alter the
    feed; a render records the generation it started from, so an edit that lands while a render
    runs leaves the feed due again instead of being lost. ``last_modified`` and the sizes move
    only when the rendered bytes differ from the stored ones.
    """

    name = models.CharField(max_length=64, unique=True, help_text="show:<id>, network, publisher or opml.")
    show = models.OneToOneField(
        "episodes.Show", null=True, blank=True, on_delete=models.CASCADE, related_name="stored_feed"
    )
    path = models.CharField(
        max_length=255, blank=True, help_text="The plain file, relative to the feed store; empty: no feed."
    )
    digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the plain body.")
    size = models.PositiveBigIntegerField(default=0)
    gzip_size = models.PositiveBigIntegerField(default=0)
    last_modified = models.DateTimeField(null=True, blank=True)
    next_change_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled episode of this feed becomes public."
    )
    format = models.CharField(
        max_length=64, blank=True, help_text="The markup version and site URL it was rendered with."
    )
    generation = models.PositiveBigIntegerField(default=0)
    rendered_generation = models.PositiveBigIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
