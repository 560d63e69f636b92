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
