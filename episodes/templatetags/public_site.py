from urllib.parse import urlsplit

from django import template

from podcastcms.sanitize import ALLOWED_URL_SCHEMES

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
