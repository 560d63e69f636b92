"""Audio uploaded before its episode form is saved.

The episode form sends the file on its own (with a progress bar) as soon as the producer
chooses it; the file is checked, stored under its final random name and remembered here with
its original name and what was read from it. The form then carries only the upload's token, so
a form error elsewhere never drops the file. With object storage the browser sends the file to
the bucket itself (a presigned POST) and this row is written once the object is there.
"""

import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import Show, random_file_name


def staged_audio_name(show, original_name):
    """Where the upload is stored: the episode audio folder of its show, under a random name."""
    return f"shows/{show.slug}/episodes/audio/{random_file_name(original_name)}"


class StagedAudio(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    duration = models.PositiveIntegerField()
    mime_type = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "uploaded audio"
        verbose_name_plural = "uploaded audio"

    def __str__(self):
        return self.original_name

    @property
    def extension(self):
        return os.path.splitext(self.original_name)[1].lower()

    def as_json(self):
        from .admin.uploads import describe_audio

        return {
            "token": str(self.token),
            "name": self.original_name,
            "size": self.size,
            "duration": self.duration,
            "mime_type": self.mime_type,
            "description": describe_audio(self.original_name, self.duration, self.size, self.mime_type),
        }


def delete_stale_staged_audio(older_than=timedelta(days=2)):
    """Delete uploads no episode form took within ``older_than``, files included.

    Idempotent; ``manage.py clearstagedaudio`` runs it (and a periodic task may). Returns how many.
    """
    stale = list(StagedAudio.objects.filter(created_at__lt=timezone.now() - older_than))
    for staged in stale:
        staged.file.delete(save=False)
        staged.delete()
    return len(stale)
