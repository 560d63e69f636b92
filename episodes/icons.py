"""The favicon and the touch icon, made from the network's artwork (or its initial when it has none)."""

import hashlib
import io

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .models import Network

ICON_MAX_AGE = 24 * 3600


def icon_image(network, size):
    if network.artwork:
        try:
            with network.artwork.open("rb") as file:
                image = Image.open(file)
                image.load()
            return ImageOps.fit(image.convert("RGBA"), (size, size), Image.LANCZOS)
        except OSError:
            pass  # an unreadable upload: fall back to the initial
    image = Image.new("RGBA", (size, size), (31, 58, 95, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * 0.62))
    letter = (network.name or "P")[:1].upper()
    draw.text((size / 2, size / 2), letter, fill=(255, 255, 255, 255), font=font, anchor="mm")
    return image


def _icon_response(kind, size, fmt, content_type):
    network = Network.load()
    source = network.artwork.name or network.name
    key = f"site-icon:{kind}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"
    body = cache.get(key)
    if body is None:
        buffer = io.BytesIO()
        image = icon_image(network, size)
        if fmt == "ICO":
            image.save(buffer, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
        else:
            image.save(buffer, format=fmt, optimize=True)
        body = buffer.getvalue()
        cache.set(key, body, ICON_MAX_AGE)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response


def favicon(request):
    return _icon_response("favicon", 48, "ICO", "image/x-icon")


def touch_icon(request):
    return _icon_response("touch", 180, "PNG", "image/png")
