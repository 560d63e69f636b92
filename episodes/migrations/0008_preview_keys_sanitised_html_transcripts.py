import secrets

from django.core.exceptions import ValidationError

from django.db import migrations, models

import episodes.models


def give_each_episode_its_preview_key(apps, schema_editor):
    """Every episode its own key (AddField gives all rows the one default it computed)."""
    Episode = apps.get_model("episodes", "Episode")
    for pk in Episode.objects.values_list("pk", flat=True).iterator():
        Episode.objects.filter(pk=pk).update(preview_key=secrets.token_hex(16))


def sanitise_stored_html_transcripts(apps, schema_editor):
    """HTML transcripts uploaded before they were sanitised on save: rewrite each file cleaned."""
    from podcastcms.validators import sanitize_transcript_html

    Transcript = apps.get_model("episodes", "Transcript")
    for transcript in Transcript.objects.filter(mime_type="text/html").exclude(file=""):
        storage, name = transcript.file.storage, transcript.file.name
        if not storage.exists(name):
            continue
        with storage.open(name, "rb") as file:
            try:
                cleaned = sanitize_transcript_html(file)
            except ValidationError:  # not UTF-8: it cannot be served as HTML text either
                cleaned = b""
        storage.delete(name)
        storage.save(name, episodes.models.ContentFile(cleaned))


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0007_alter_transcript_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="preview_key",
            field=models.CharField(
                default=episodes.models.new_preview_key,
                editable=False,
                help_text="Part of every preview link; replaced on publish, unpublish and revoke, which ends them.",
                max_length=32,
            ),
        ),
        migrations.RunPython(give_each_episode_its_preview_key, migrations.RunPython.noop),
        migrations.RunPython(sanitise_stored_html_transcripts, migrations.RunPython.noop),
    ]
