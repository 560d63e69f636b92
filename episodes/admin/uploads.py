"""Episode audio uploaded before the form is saved, with a progress bar (``audio-upload.js``).

Three admin URLs under the episode admin, each behind ``episodes.access`` (the show must be one
the user may edit, else 404):

- ``upload-audio/?show=<id>`` (POST, multipart ``file``): the file goes through the app, is
  checked with the project's audio validator and stored under its final random name;
- ``upload-audio/start/?show=<id>`` (POST ``name``, ``size``): with object storage, a presigned
  POST the browser sends the file with, straight to the bucket;
- ``upload-audio/complete/?show=<id>`` (POST ``key``, ``name``): the object is there; it is
  checked like an upload and remembered.

Each answers JSON: the staged upload's token and what was read from the file (original name,
duration, size, type); the form then posts only the token.
"""

import os
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from episodes.access import can
from episodes.audio_uploads import StagedAudio, staged_audio_name
from episodes.models import Show
from podcastcms.validators import AUDIO_MIME_TYPES, read_audio_metadata


def human_size(size):
    if size is None:
        return ""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def human_duration(seconds):
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def describe_audio(name, duration, size, mime_type):
    """“interview-final.mp3 · 42:12 · 40.5 MB · audio/mpeg”."""
    return " · ".join(part for part in (name, human_duration(duration), human_size(size), mime_type) if part)


def max_audio_bytes():
    return settings.PODCASTCMS_MAX_AUDIO_BYTES


def too_large_message(size):
    return (
        f"This file is {human_size(size)}; the largest audio file accepted is "
        f"{human_size(max_audio_bytes())}."
    )


def show_for_upload(request):
    show_id = request.GET.get("show", "")
    show = Show.objects.filter(pk=int(show_id)).first() if show_id.isdigit() else None
    if show is None or not can(request.user, "edit", show):
        raise Http404("No such show.")
    return show


def refused(message, status=400):
    return JsonResponse({"error": message}, status=status)


def uses_object_storage():
    """True when media goes to a bucket that can take presigned uploads (django-storages S3)."""
    return hasattr(default_storage, "bucket_name") and hasattr(default_storage, "connection")


def direct_upload_origin():
    """Where the browser sends presigned uploads (the change form's CSP lets it connect there)."""
    if not uses_object_storage():
        return None
    url = default_storage.connection.meta.client.generate_presigned_post(
        Bucket=default_storage.bucket_name, Key="origin"
    )["url"]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_POST
def upload_audio(request):
    show = show_for_upload(request)
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > max_audio_bytes() + 64 * 1024:
        # Refused before the body is read: nothing of it is stored.
        return refused(too_large_message(declared), status=413)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return refused("Choose an audio file to upload.")
    if uploaded.size > max_audio_bytes():
        return refused(too_large_message(uploaded.size), status=413)
    try:
        metadata = read_audio_metadata(uploaded)
    except ValidationError as exc:
        return refused(" ".join(exc.messages))
    name = default_storage.save(staged_audio_name(show, uploaded.name), uploaded)
    staged = StagedAudio.objects.create(
        user=request.user,
        show=show,
        file=name,
        original_name=os.path.basename(uploaded.name)[:255],
        size=metadata["size"],
        duration=metadata["duration"],
        mime_type=metadata["mime_type"],
    )
    return JsonResponse(staged.as_json(), status=201)


def presigned_post(key, size, mime_type):
    """A presigned POST for ``key`` limited to ``size`` bytes (boto3 signs it locally)."""
    client = default_storage.connection.meta.client
    conditions = [["content-length-range", 1, max_audio_bytes()], {"Content-Type": mime_type}]
    return client.generate_presigned_post(
        Bucket=default_storage.bucket_name,
        Key=default_storage._normalize_name(key) if hasattr(default_storage, "_normalize_name") else key,
        Fields={"Content-Type": mime_type},
        Conditions=conditions,
        ExpiresIn=settings.PODCASTCMS_PRESIGNED_UPLOAD_SECONDS,
    )


@require_POST
def start_direct_upload(request):
    show = show_for_upload(request)
    if not uses_object_storage():
        raise Http404("Direct uploads need object storage.")
    name = os.path.basename(request.POST.get("name", ""))
    extension = os.path.splitext(name)[1].lower()
    if extension not in AUDIO_MIME_TYPES:
        return refused("Upload an audio file (MP3, M4A, AAC, OGG, Opus, FLAC or WAV) or a video file.")
    size = int(request.POST.get("size") or 0)
    if size > max_audio_bytes():
        return refused(too_large_message(size), status=413)
    key = staged_audio_name(show, name)
    return JsonResponse({"key": key, "post": presigned_post(key, size, AUDIO_MIME_TYPES[extension])})


@require_POST
def complete_direct_upload(request):
    show = show_for_upload(request)
    if not uses_object_storage():
        raise Http404("Direct uploads need object storage.")
    key = request.POST.get("key", "")
    prefix = f"shows/{show.slug}/episodes/audio/"
    if not key.startswith(prefix) or "/" in key[len(prefix) :] or not default_storage.exists(key):
        return refused("The upload did not arrive; choose the file again.")
    size = default_storage.size(key)
    if size > max_audio_bytes():
        default_storage.delete(key)
        return refused(too_large_message(size), status=413)
    try:
        with default_storage.open(key, "rb") as file:
            metadata = read_audio_metadata(file)
    except ValidationError as exc:
        default_storage.delete(key)
        return refused(" ".join(exc.messages))
    staged = StagedAudio.objects.create(
        user=request.user,
        show=show,
        file=key,
        original_name=os.path.basename(request.POST.get("name", "") or key)[:255],
        size=size,
        duration=metadata["duration"],
        mime_type=metadata["mime_type"],
    )
    return JsonResponse(staged.as_json(), status=201)


def upload_urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    return [
        path("upload-audio/", wrap(upload_audio), name="episodes_episode_upload_audio"),
        path("upload-audio/start/", wrap(start_direct_upload), name="episodes_episode_upload_start"),
        path("upload-audio/complete/", wrap(complete_direct_upload), name="episodes_episode_upload_complete"),
    ]


class AudioUploadWidget(forms.ClearableFileInput):
    """The file input, plus what the script needs: where to send the file, and what is stored now."""

    # An app template: form widgets are rendered by the form renderer, not the project templates.
    template_name = "episodes/widgets/audio_upload.html"

    def __init__(self, *args, episode=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.staged_description = ""

    class Media:
        js = ["episodes/admin/audio-upload.js"]
        css = {"all": ["episodes/admin/episode-form.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        episode = self.episode
        current = ""
        if episode is not None and episode.audio:
            # Files uploaded before original names were kept carry only their random stored name.
            extension = os.path.splitext(episode.audio.name)[1]
            current = describe_audio(
                episode.audio_original_name or f"uploaded audio ({extension or 'no extension'})",
                episode.duration,
                episode.audio_size,
                episode.audio_mime_type,
            )
        context["widget"].update(
            {
                "config_id": f"{context['widget']['attrs'].get('id', 'id_' + name)}-config",
                "staged_description": self.staged_description,
                "current_description": current,
                "config": {
                    "uploadUrl": reverse("admin:episodes_episode_upload_audio"),
                    "startUrl": reverse("admin:episodes_episode_upload_start"),
                    "completeUrl": reverse("admin:episodes_episode_upload_complete"),
                    "direct": uses_object_storage(),
                    "maxBytes": max_audio_bytes(),
                    "maxDisplay": human_size(max_audio_bytes()),
                },
            }
        )
        return context


def staged_description(token, user):
    staged = StagedAudio.objects.filter(token=token, user=user).first() if token else None
    if staged is None:
        return ""
    return format_html("{}", staged.as_json()["description"])
