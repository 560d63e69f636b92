from django.db import models


class SearchEntry(models.Model):
    """One searchable thing: an episode (with its transcript), a show or a person.

    The text is copied here when its source is saved. What the database searches lives beside
    this table: a weighted ``tsvector`` column on PostgreSQL, an FTS5 table on SQLite
    (see ``episodes.search.index``). The transcript is also cut into ``SearchSegment`` rows, so
    that a hit finds the second where it is spoken without reading the whole transcript.
    Entries of drafts and private shows are kept too, so an
    episode becomes findable the moment it becomes public; every query filters them out with
    ``Episode.objects.published()``.
    """

    EPISODE = "episode"
    SHOW = "show"
    PERSON = "person"
    KIND_CHOICES = [(EPISODE, "Episode"), (SHOW, "Show"), (PERSON, "Person")]

    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    episode = models.OneToOneField(
        "episodes.Episode", null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    show = models.ForeignKey(
        "episodes.Show", null=True, blank=True, on_delete=models.CASCADE, related_name="search_entries"
    )
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    config = models.CharField(
        max_length=32, default="simple", help_text="The PostgreSQL text search configuration of its language."
    )
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    transcript = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["kind", "show"])]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchSegment(models.Model):
    """A stretch of an episode's transcript (a few consecutive cues), searched on its own.

    ``cues`` holds the stretch's ``[start seconds or None, text]`` cues and, so that a phrase said
    across two stretches is found in one, the first cue of the next stretch. What the database
    searches lives beside it, as for ``SearchEntry``: a ``tsvector`` column on PostgreSQL, an FTS5
    table on SQLite.
    """

    # Looked up by the unique (entry, position) index, so no index of its own.
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="segments", db_index=False)
    show = models.ForeignKey(
        "episodes.Show", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField()
    start = models.FloatField(null=True, blank=True)
    cues = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="searchsegment_entry_position")
        ]
        indexes = [models.Index(fields=["show"], name="searchsegment_show")]

    def __str__(self):
        return f"{self.entry_id} #{self.position}"
