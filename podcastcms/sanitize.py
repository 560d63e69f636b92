"""The one allowlist for rich text, used by every page and feed.

Rich text reaches us from CKEditor, from imported feeds and from the shell; all of it is
cleaned here when it is saved (see ``podcastcms.fields.RichTextField``), so templates and
feeds can trust what the database holds.
"""

import html as html_lib

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
    "pre", "s", "small", "strong", "sub", "sup", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html):
    """Return ``html`` reduced to the allowlist: no scripts, event handlers or unsafe URLs."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def html_to_text(html):
    """Plain text of sanitised HTML, for places that take no markup (feed summaries)."""
    return " ".join(html_lib.unescape(nh3.clean(html or "", tags=set())).split())
