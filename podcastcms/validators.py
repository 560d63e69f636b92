"""Validation of uploaded files and bounded text, shared by every model that takes them."""

import json
import os
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

from podcastcms.audiocheck import NotAudio, inspect_audio

ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}

AUDIO_MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}

# podcast:transcript types and the file extensions an upload of each may have.
TRANSCRIPT_EXTENSIONS = {
    "text/vtt": (".vtt",),
    "application/x-subrip": (".srt",),
    "application/json": (".json",),
    "text/html": (".html", ".htm"),
    "text/plain": (".txt",),
}
# The whole transcript is read to check it; a real one is far smaller than this.
MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024
# WebVTT: an optional byte order mark, then "WEBVTT" alone or followed by a space, tab or newline.
WEBVTT_SIGNATURE = re.compile(r"\ufeff?WEBVTT(?:[ \t\r\n]|$)")


def validate_image_file(file):
    """Refuse files that are not complete, reasonably sized images.

    The declared size is checked against ``PODCASTCMS_MAX_IMAGE_PIXELS`` before any pixel is
    decoded (a decompression bomb is refused by its header), and the image data is then
    checked end to end with little memory, whatever its size (``check_image_data``).
    """
    limit = settings.PODCASTCMS_MAX_IMAGE_PIXELS
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > limit:
                    raise ValidationError(
                        "This image is %(width)s × %(height)s pixels; the largest accepted is "
                        "%(limit)s million pixels.",
                        code="image_too_large",
                        params={"width": width, "height": height, "limit": f"{limit / 1_000_000:g}"},
                    )
                if image.format not in ACCEPTED_IMAGE_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG, GIF or WebP image (this file is %(format)s).",
                        code="image_format",
                        params={"format": image.format},
                    )
                check_image_data(image, file)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This image declares more pixels than we accept; it may be a decompression bomb.",
            code="image_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError("This file is not an image we can read.", code="not_an_image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            "This image is damaged or incomplete (%(reason)s).",
            code="image_damaged",
            params={"reason": str(exc) or exc.__class__.__name__},
        ) from None
    finally:
        if position is not None:
            file.seek(position)


def check_image_data(image, file):
    """Read every byte of the image data while keeping few decoded pixels in memory.

    JPEG is decoded by libjpeg at an eighth of its size (a 4096 × 4096 photo takes 0.8 MB,
    not 50 MB); PNG's chunks are walked with their checksums up to the end marker, without
    inflating pixels; WebP's RIFF chunks must tile the file; GIF, one byte a pixel, is decoded.
    Raises OSError or SyntaxError when the data is damaged or cut short.
    """
    if image.format == "JPEG":
        image.draft(image.mode, (max(image.width // 8, 1), max(image.height // 8, 1)))
        image.load()
    elif image.format == "PNG":
        image.verify()
    elif image.format == "WEBP":
        file.seek(0)
        header = file.read(12)
        declared = int.from_bytes(header[4:8], "little") + 8
        size = file.seek(0, os.SEEK_END)
        if header[:4] != b"RIFF" or header[8:12] != b"WEBP" or declared != size:
            raise OSError(f"its RIFF header declares {declared} bytes, the file has {size}")
        offset = 12
        while offset < size:
            file.seek(offset)
            chunk = file.read(8)
            length = int.from_bytes(chunk[4:8], "little") if len(chunk) == 8 else -1
            if length < 0 or offset + 8 + length > size:
                raise OSError(f"a WebP chunk is cut off at byte {offset}")
            offset += 8 + length + (length & 1)
    else:
        image.load()


def read_audio_metadata(file):
    """Duration (seconds), size (bytes), MIME type and SHA-256 of an audio file.

    The file is audio when its frames hold from start to end (``podcastcms.audiocheck``), read
    in one pass that also hashes it; the result is kept on the file object, so validating
    and then saving an upload reads it once. Raises ValidationError when it is not audio.
    """
    name = getattr(file, "name", "") or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in AUDIO_MIME_TYPES:
        raise ValidationError(
            "Upload an audio file (MP3, M4A, AAC, OGG, Opus, FLAC or WAV) or a video podcast "
            "file (MP4, M4V, MOV).",
            code="audio_extension",
        )
    size = file.size
    limit = settings.PODCASTCMS_MAX_AUDIO_BYTES
    if size > limit:
        raise ValidationError(
            "This file is %(size)s MB; the largest audio file accepted is %(limit)s MB.",
            code="audio_too_large",
            params={"size": f"{size / 1024**2:,.0f}", "limit": f"{limit / 1024**2:,.0f}"},
        )
    cached = getattr(file, "_podcastcms_audio", None)
    if cached is not None and cached[0] == (name, size):
        return cached[1]
    format_name = extension.lstrip(".").upper()
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        info = inspect_audio(file, extension, size)
        duration = info.duration if info.duration is not None else _tag_duration(file, name)
    except NotAudio as exc:
        raise ValidationError(
            "This file is not %(format)s audio: %(reason)s.",
            code="not_audio",
            params={"format": format_name, "reason": exc},
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if not duration or duration <= 0:
        raise ValidationError("This file has no audio we can measure.", code="not_audio")
    metadata = {
        "duration": round(duration),
        "size": size,
        "mime_type": AUDIO_MIME_TYPES[extension],
        "sha256": info.sha256,
    }
    file._podcastcms_audio = ((name, size), metadata)
    return metadata


def _tag_duration(file, name):
    """The duration tinytag reads from the container's index (MP4's mvhd): header reads only."""
    from tinytag import TinyTag

    file.seek(0)
    try:
        return TinyTag.get(file_obj=file, filename=name).duration
    except Exception as exc:  # tinytag raises plain errors on damaged indexes
        raise NotAudio(f"its duration cannot be read ({exc})") from None


def validate_audio_file(file):
    read_audio_metadata(file)


@deconstructible
class MaxBytesValidator:
    """Limits text by its UTF-8 size, as Apple counts it, not by characters."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        size = len((value or "").encode("utf-8"))
        if size > self.limit:
            raise ValidationError(
                "This text is too long for podcast apps: %(size)s bytes, at most %(limit)s (accented letters "
                "and emoji count as two to four).",
                code="max_bytes",
                params={"size": size, "limit": self.limit},
            )

    def __eq__(self, other):
        return isinstance(other, MaxBytesValidator) and other.limit == self.limit


def validate_transcript_file(file, mime_type):
    """Refuse a transcript whose name or content does not match the type it is served as.

    Apps pick a parser by the declared type, and the file is served from our origin: a
    ``.html`` file declared as WebVTT, or bytes that are not text, must not get through.
    """
    extensions = TRANSCRIPT_EXTENSIONS.get(mime_type)
    if extensions is None:
        raise ValidationError(
            "“%(type)s” is not a transcript type we serve.",
            code="transcript_type",
            params={"type": mime_type},
        )
    extension = os.path.splitext(getattr(file, "name", "") or "")[1].lower()
    if extension not in extensions:
        raise ValidationError(
            "A transcript of type %(type)s must be a %(expected)s file; this one is named “%(name)s”.",
            code="transcript_extension",
            params={
                "type": mime_type,
                "expected": " or ".join(extensions),
                "name": os.path.basename(file.name or ""),
            },
        )
    text = _read_utf8_text(file)
    if mime_type == "application/json":
        try:
            json.loads(text)
        except ValueError as exc:
            raise ValidationError(
                "This JSON transcript is not valid JSON (%(reason)s).",
                code="transcript_json",
                params={"reason": exc},
            ) from None
    if mime_type == "text/vtt" and not WEBVTT_SIGNATURE.match(text):
        raise ValidationError(
            "A WebVTT transcript must start with the line “WEBVTT”.", code="transcript_webvtt"
        )


def sanitize_transcript_html(file):
    """The UTF-8 bytes of an HTML transcript reduced to the one rich-text allowlist."""
    from podcastcms.sanitize import sanitize_html

    return sanitize_html(_read_utf8_text(file)).encode("utf-8")


def _read_utf8_text(file):
    """The whole file as text; ValidationError when it is too large or not UTF-8."""
    if file.size is not None and file.size > MAX_TRANSCRIPT_BYTES:
        raise ValidationError(
            "This transcript is larger than %(limit)s MB.",
            code="transcript_too_large",
            params={"limit": MAX_TRANSCRIPT_BYTES // (1024 * 1024)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        data = file.read(MAX_TRANSCRIPT_BYTES + 1)
    finally:
        if position is not None:
            file.seek(position)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "Transcripts must be UTF-8 text; this file is not (byte %(position)s).",
            code="transcript_encoding",
            params={"position": exc.start},
        ) from None
