"""The one allowlist for rich text, used by every page and feed.

Rich text reaches us from CKEditor, from imported feeds and from the shell; all of it is
cleaned here when it is saved (see ``podcastcms.fields.RichTextField``), so templates and
feeds can trust what the database holds.
"""

import html as html_lib
import re

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


# Where HTML separates words without a space ("<p>one</p><p>two</p>", "one<br>two").
_BLOCK_BOUNDARY = re.compile(
    r"(?i)(?=<(?:/?(?:p|div|br|li|ul|ol|dl|dt|dd|tr|td|th|table|h[1-6]|blockquote|pre|hr|figure|"
    r"figcaption|section|article|header|footer))\b)"
)


def html_to_text(html):
    """Plain text of sanitised HTML, for places that take no markup (feed summaries).

    Block boundaries become spaces, so words the HTML kept apart stay apart.
    """
    html = _BLOCK_BOUNDARY.sub(" ", html or "")
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())
