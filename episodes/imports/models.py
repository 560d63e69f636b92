from django.conf import settings
from django.db import models
from django.utils import timezone

from episodes.models import Show


class ImportJob(models.Model):
    """An import of a feed run by the task runner; the admin's progress page reads it."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (QUEUED, "Waiting for a worker"),
        (RUNNING, "Importing"),
        (FINISHED, "Finished"),
        (FAILED, "Failed: nothing was imported"),
        (CANCELLED, "Cancelled: nothing was imported"),
    ]
    DONE = {FINISHED, FAILED, CANCELLED}

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    source_url = models.URLField(max_length=1000, blank=True)
    source_name = models.CharField(max_length=255, blank=True, help_text="The uploaded file's name.")
    feed_data = models.BinaryField(
        blank=True, default=b"", help_text="The uploaded feed, until it is imported."
    )
    show = models.ForeignKey(
        Show,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The show to import into, or the show the import created or updated.",
    )
    allow_locked = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=QUEUED)
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True, help_text="The full outcome, once finished.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def source(self):
        return self.source_url or self.source_name
