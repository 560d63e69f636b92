from decimal import Decimal
from urllib.parse import urlsplit

from django import template
from django.utils.safestring import mark_safe

from podcastcms.sanitize import ALLOWED_URL_SCHEMES, sanitize_html

register = template.Library()


@register.filter
def safe_href(url):
    """The URL when its scheme is one rich text may link to, else nothing.

    URL fields are validated by forms, but rows written from the shell or an import are not;
    a ``javascript:`` address must never become a link.
    """
    url = (url or "").strip()
    if not url:
        return ""
    scheme = urlsplit(url).scheme.lower()
    if scheme and scheme not in ALLOWED_URL_SCHEMES:
        return ""
    if not scheme and not url.startswith("/"):
        return ""
    return url


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` made absolute for the current request (canonical links, feed URLs, Open Graph)."""
    if not path:
        return ""
    request = context.get("request")
    if request is None or urlsplit(path).scheme:
        return path
    return request.build_absolute_uri(path)


@register.filter
def rich_text(html):
    """Rich text for a page, through the one allowlist again.

    Values are sanitised when saved; rows written around ``save()`` (``update()``, raw SQL,
    a restore) are cleaned here too, so a page never trusts the database alone.
    """
    return mark_safe(sanitize_html(html))


@register.filter
def seconds(value):
    """A time in the audio as the shortest number of seconds: ``754``, ``12.5``."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def timestamp(seconds):
    """“4:05” or “1:02:03”: a position in the audio."""
    if seconds in (None, ""):
        return ""
    seconds = int(float(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def iso_duration(seconds):
    """ISO 8601 duration (schema.org): ``PT42M12S``."""
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A ``<script type="application/ld+json">``: data, never code, so the page's CSP allows it."""
    import json

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.inclusion_tag("includes/picture.html")
def picture(image, image_url="", renditions=None, *, alt="", size=96, css=""):
    """Artwork at ``size`` CSS pixels: WebP with a JPEG fallback from the renditions made on upload,
    the original when there are none, the imported URL, or a placeholder with the initial."""
    widths = (renditions or {}).get("widths") or {}
    usable = (
        sorted(((int(width), names) for width, names in widths.items()), key=lambda item: item[0])
        if image
        else []
    )
    storage = image.storage if image else None

    def srcset(kind):
        return ", ".join(f"{storage.url(names[kind])} {width}w" for width, names in usable if kind in names)

    fallback = ""
    if usable:
        # The smallest rendition at least twice the size (sharp on high-density screens), else the largest.
        chosen = next((names for width, names in usable if width >= size * 2), usable[-1][1])
        fallback = storage.url(chosen["jpg"])
    elif image:
        fallback = image.url
    elif safe_href(image_url):
        fallback = safe_href(image_url)
    return {
        "src": fallback,
        "webp_srcset": srcset("webp") if usable else "",
        "jpg_srcset": srcset("jpg") if usable else "",
        "alt": alt,
        "size": size,
        "css": css,
        "initial": (alt or "?")[:1].upper(),
    }


def rendition_url(image, renditions, width=1200):
    """The JPEG rendition closest to ``width`` (social cards), else the original's URL."""
    widths = (renditions or {}).get("widths") or {}
    if image and widths:
        best = min(widths.items(), key=lambda item: abs(int(item[0]) - width))
        return image.storage.url(best[1]["jpg"])
    return image.url if image else ""


@register.simple_tag(takes_context=True)
def card_image(context, *objects):
    """Absolute URL of the first artwork among episode/show/person objects, for Open Graph and JSON-LD."""
    for obj in objects:
        if obj is None:
            continue
        for field, renditions, url_field in (
            ("artwork", "artwork_renditions", "artwork_url"),
            ("photo", "photo_renditions", None),
        ):
            image = getattr(obj, field, None)
            if image:
                return absolute_url(context, rendition_url(image, getattr(obj, renditions, None)))
            remote = safe_href(getattr(obj, url_field, "")) if url_field else ""
            if remote:
                return absolute_url(context, remote)
    return ""
