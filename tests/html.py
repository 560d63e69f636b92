"""A small reader of rendered pages, on the standard library's HTML parser."""

from html.parser import HTMLParser

INLINE_ELEMENTS = {
    "a",
    "abbr",
    "b",
    "cite",
    "code",
    "em",
    "i",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    @property
    def text(self):
        """The element's text with whitespace collapsed, as a reader sees it.

        Blocks are separated by a space; what is hidden from assistive technology is skipped.
        """
        parts = []

        def walk(node):
            for child in node.children:
                if not isinstance(child, Element):
                    parts.append(child)
                elif child.attrs.get("aria-hidden") != "true":
                    gap = "" if child.tag in INLINE_ELEMENTS else " "
                    parts.append(gap)
                    walk(child)
                    parts.append(gap)

        walk(self)
        return " ".join("".join(parts).split())

    def by_id(self, element_id):
        return next((el for el in self.iter() if el.attrs.get("id") == element_id), None)

    def find_all(self, tag=None, class_name=None):
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (class_name is None or class_name in (el.attrs.get("class") or "").split())
        ]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    if isinstance(html, bytes):
        html = html.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
