"""Image renditions made with Pillow when artwork is uploaded: WebP and a JPEG fallback per width.

Pages never download a 3000 px original to show it at 96 px: templates build ``srcset`` from the
renditions stored beside the image (``{"96": {"webp": name, "jpg": name}, …}``).
"""

import io
import os

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

# Lists (96), pages (240, 160 at twice the density), cards (320) and social cards (1200).
RENDITION_WIDTHS = (96, 192, 320, 640, 1200)


def make_renditions(field_file, widths=RENDITION_WIDTHS):
    """Write the renditions of an uploaded image next to it; returns their names by width."""
    storage = field_file.storage
    base, _extension = os.path.splitext(field_file.name)
    with field_file.open("rb") as file:
        original = Image.open(file)
        original.load()
    original = ImageOps.exif_transpose(original)
    if original.mode not in ("RGB", "RGBA"):
        original = original.convert("RGBA" if "A" in original.getbands() else "RGB")
    renditions = {}
    for width in widths:
        if width > original.width and renditions:
            break  # never upscale; the largest rendition is the original's size
        scaled = original.copy()
        scaled.thumbnail((width, width * original.height // max(original.width, 1)), Image.LANCZOS)
        names = {}
        for kind, fmt, options in (("webp", "WEBP", {"quality": 82}), ("jpg", "JPEG", {"quality": 85})):
            image = scaled if fmt == "WEBP" or scaled.mode == "RGB" else _flatten(scaled)
            buffer = io.BytesIO()
            image.save(buffer, format=fmt, optimize=True, **options)
            name = f"{base}.{width}w.{kind}"
            if storage.exists(name):
                storage.delete(name)
            names[kind] = storage.save(name, ContentFile(buffer.getvalue()))
        renditions[str(scaled.width)] = names
    return renditions


def _flatten(image):
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def refresh_renditions(instance, field_name, renditions_field):
    """After a save: make renditions when the image changed, drop them when it was removed."""
    field_file = getattr(instance, field_name)
    stored = getattr(instance, renditions_field) or {}
    if not field_file:
        value = {}
    elif stored.get("source") == field_file.name:
        return
    else:
        try:
            value = {"source": field_file.name, "widths": make_renditions(field_file)}
        except (OSError, ValueError):
            value = {}  # an unreadable image keeps its original; the page uses that
    if value != stored:
        setattr(instance, renditions_field, value)
        type(instance)._default_manager.filter(pk=instance.pk).update(**{renditions_field: value})
