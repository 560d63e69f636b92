"""Validation of uploaded files and bounded text, shared by every model that takes them."""

import json
import os
import re
import warnings

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

# Artwork is at most 3000 x 3000 px (Apple); anything far bigger is refused before decoding.
MAX_IMAGE_PIXELS = 40_000_000
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

    Pillow decodes the whole image, so a truncated file fails here rather than when a
    rendition is made later, and a decompression bomb is refused by its declared size.
    """
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        "This image is %(width)s × %(height)s pixels; the largest accepted is "
                        "%(limit)s million pixels.",
                        code="image_too_large",
                        params={"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
                    )
                if image.format not in ACCEPTED_IMAGE_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG, GIF or WebP image (this file is %(format)s).",
                        code="image_format",
                        params={"format": image.format},
                    )
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This image declares more pixels than we accept; it may be a decompression bomb.",
            code="image_bomb",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError("This file is not an image we can read.", code="not_an_image") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This image is damaged or incomplete (%(reason)s).",
            code="image_damaged",
            params={"reason": str(exc) or exc.__class__.__name__},
        ) from None
    finally:
        if position is not None:
            file.seek(position)


def read_audio_metadata(file):
    """Duration (seconds), size (bytes) and MIME type of an audio file, read with tinytag.

    Raises ValidationError when the file is not audio we can read.
    """
    from tinytag import TinyTag, TinyTagException

    name = getattr(file, "name", "") or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in AUDIO_MIME_TYPES:
        raise ValidationError(
            "Upload an audio file (MP3, M4A, AAC, OGG, Opus, FLAC or WAV) or a video podcast "
            "file (MP4, M4V, MOV).",
            code="audio_extension",
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        tag = TinyTag.get(file_obj=file, filename=name)
    except TinyTagException as exc:
        raise ValidationError(
            "This file is not audio we can read (%(reason)s).", code="not_audio", params={"reason": exc}
        ) from None
    except Exception as exc:  # tinytag raises plain errors on some garbage input
        raise ValidationError(
            "This file is not audio we can read (%(reason)s).", code="not_audio", params={"reason": exc}
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if not tag.duration or tag.duration <= 0:
        raise ValidationError("This file has no audio we can measure.", code="not_audio")
    return {
        "duration": round(tag.duration),
        "size": tag.filesize or file.size,
        "mime_type": AUDIO_MIME_TYPES[extension],
    }


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
