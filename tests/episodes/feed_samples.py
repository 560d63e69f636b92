"""Feeds written for the import tests: one per way real feeds have been mis-read, and one with
every 2026 tag. Each is a complete document (bytes)."""

NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:psc="http://podlove.org/simple-chapters" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)


def feed(channel, items="", prolog='<?xml version="1.0" encoding="UTF-8"?>\n'):
    return f'{prolog}<rss version="2.0" {NAMESPACES}><channel>{channel}{items}</channel></rss>'.encode()


def item(n, extra="", enclosure=None):
    enclosure = enclosure or (
        f'<enclosure url="https://cdn.example.com/ep{n}.mp3" length="{1000 + n}" type="audio/mpeg"/>'
    )
    return (
        f'<item><title>Episode {n}</title><guid isPermaLink="false">sample-{n}</guid>'
        f"<pubDate>Mon, 0{n} Jan 2024 10:00:00 +0000</pubDate>{enclosure}"
        f"<itunes:duration>{600 + n}</itunes:duration>{extra}</item>"
    )


CHANNEL = (
    "<title>Sample Show</title><link>https://old.example.com/</link>"
    "<description>A sample show.</description><language>en-us</language>"
    '<itunes:category text="Technology"/><itunes:explicit>false</itunes:explicit>'
)

# itunes:explicit as Apple documents it and as real feeds write it.
EXPLICIT_VARIANTS = feed(
    CHANNEL.replace("<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>Yes</itunes:explicit>"),
    item(1, "<itunes:explicit>true</itunes:explicit>")
    + item(2, "<itunes:explicit>explicit</itunes:explicit>")
    + item(3, "<itunes:explicit>Clean</itunes:explicit>")
    + item(4, "<itunes:explicit>FALSE</itunes:explicit>")
    + item(5, "<itunes:explicit>YES</itunes:explicit>")
    + item(6),
)

# Only <description>, in HTML, with block boundaries and no spaces around them.
DESCRIPTION_ONLY = feed(
    CHANNEL,
    item(1, "<description><![CDATA[<p>A Paradox.</p><p>With one<br>two and <b>bold</b>.</p>]]></description>")
    + item(2, "<description>Plain text only, said once.</description>"),
)

# A live item before the episodes: it must not touch the show's title, description, art or link.
LIVE_ITEM = feed(
    CHANNEL + '<itunes:image href="https://old.example.com/show.jpg"/>',
    '<podcast:liveItem status="live" start="2026-09-26T07:30:00.000-0600" end="2026-09-26T09:30:00.000-0600">'
    "<title>Live Now</title><description>Live description</description>"
    "<link>https://live.example.com/</link><guid>live-1</guid>"
    '<itunes:image href="https://live.example.com/live.jpg"/>'
    '<enclosure url="https://live.example.com/stream.mp3" type="audio/mpeg" length="312"/>'
    '<podcast:contentLink href="https://live.example.com/watch">Watch live</podcast:contentLink>'
    "</podcast:liveItem>" + item(1),
)

# itunes:author as written, beside managingEditor and an owner with another name.
AUTHOR_AND_OWNER = feed(
    CHANNEL.replace("<language>", "<managingEditor>editor@example.com (Ed Itor)</managingEditor><language>")
    + "<itunes:author>The Sample Crew</itunes:author>"
    "<itunes:owner><itunes:name>Olive Owner</itunes:name><itunes:email>olive@example.com</itunes:email>"
    "</itunes:owner>",
    item(1),
)

# Several enclosures: the artwork comes first, the audio second, an Opus copy third.
SEVERAL_ENCLOSURES = feed(
    CHANNEL,
    item(
        1,
        enclosure='<enclosure url="https://cdn.example.com/cover.jpg" length="500" type="image/jpeg"/>'
        '<enclosure url="https://cdn.example.com/ep1.mp3" length="1001" type="audio/mpeg"/>'
        '<enclosure url="https://cdn.example.com/ep1.opus" length="800" type="audio/opus"/>',
    ),
)

# Podlove Simple Chapters, with links and images.
PSC_CHAPTERS = feed(
    CHANNEL,
    item(
        1,
        '<psc:chapters version="1.2"><psc:chapter start="0" title="Intro"/>'
        '<psc:chapter start="00:01:02.500" title="The talk" href="https://example.com/talk" '
        'image="https://example.com/talk.jpg"/><psc:chapter start="1:05:00" title="Outro"/></psc:chapters>',
    ),
)

# Nothing said of category, language or lock: nothing is invented.
NOTHING_DECLARED = feed(
    "<title>Bare Show</title><link>https://bare.example.com/</link><description>Bare.</description>",
    item(1),
)

# Channel hosts; one item names its own people, another none; links and art as sources have them.
PEOPLE_AND_FALLBACKS = feed(
    CHANNEL + '<itunes:image href="https://old.example.com/art work.jpg"/>'
    '<podcast:person role="host" href="https://ann.example.com">Ann Host</podcast:person>',
    item(1, '<podcast:person role="guest">Gus Guest</podcast:person><link>https://old.example.com/1</link>')
    + item(2, '<itunes:image href="https://old.example.com/art work.jpg"/>')
    + item(3, '<itunes:image href="https://old.example.com/ep 3.jpg"/>'),
)

# Every 2026 tag, on the channel and on an item.
FULL_2026 = feed(
    CHANNEL.replace('<itunes:category text="Technology"/>', "")
    + '<itunes:category text="Technology"/><itunes:category text="Arts"><itunes:category text="Books"/>'
    "</itunes:category>"
    "<itunes:author>Sample Author</itunes:author><itunes:type>episodic</itunes:type>"
    "<itunes:owner><itunes:name>Olive Owner</itunes:name><itunes:email>olive@example.com</itunes:email>"
    "</itunes:owner>"
    '<podcast:locked owner="olive@example.com">no</podcast:locked>'
    "<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>"
    '<podcast:funding url="https://example.com/donate">Support us</podcast:funding>'
    '<podcast:funding url="https://example.com/members">Become a member</podcast:funding>'
    '<podcast:trailer pubdate="Thu, 01 Apr 2021 08:00:00 +0000" url="https://example.com/trailer.mp3" '
    'length="12345" type="audio/mpeg" season="1">Coming soon</podcast:trailer>'
    '<podcast:location geo="geo:30.2672,97.7431" osm="R113314" rel="creator" country="US">Austin, TX'
    "</podcast:location>"
    '<podcast:txt purpose="verify">S6lpp-7ZCn8-dZfGc-OoyaG</podcast:txt>'
    '<podcast:txt purpose="applepodcastsverify">d66ad670-0a52-11ef-8d60-5da3a5e7bc5b</podcast:txt>'
    '<podcast:updateFrequency rrule="FREQ=WEEKLY" dtstart="2023-04-01T12:00:00+00:00">Weekly'
    "</podcast:updateFrequency>"
    '<podcast:image href="https://example.com/banner.jpg" alt="A banner" aspect-ratio="16/9" width="1920" '
    'height="1080" type="image/jpeg" purpose="banner"/>'
    "<podcast:block>no</podcast:block>"
    '<podcast:block id="google">yes</podcast:block>'
    '<podcast:person role="host" href="https://ann.example.com">Ann Host</podcast:person>',
    item(
        1,
        "<description>The first one.</description>"
        '<content:encoded><![CDATA[<p>Notes with <a href="https://example.com/x">a link</a>.</p>]]>'
        "</content:encoded>"
        "<itunes:episode>1</itunes:episode><itunes:season>2</itunes:season>"
        '<podcast:season name="The Second">2</podcast:season>'
        '<podcast:episode display="Ch. 1">1</podcast:episode>'
        "<itunes:episodeType>full</itunes:episodeType>"
        '<podcast:funding url="https://example.com/ep1-tip">Tip this episode</podcast:funding>'
        '<podcast:location geo="geo:33.5,-86.8" rel="subject">Birmingham</podcast:location>'
        "<podcast:txt>episode note</podcast:txt>"
        '<podcast:image href="https://example.com/ep1-social.jpg" purpose="social" width="1200"/>'
        '<podcast:socialInteract protocol="activitypub" uri="https://social.example/@show/1" '
        'accountId="@show" accountUrl="https://social.example/@show" priority="1"/>'
        '<podcast:alternateEnclosure type="audio/opus" length="32400000" bitrate="96000" '
        'title="Opus" codecs="opus" default="true">'
        '<podcast:source uri="https://cdn.example.com/ep1.opus"/>'
        '<podcast:source uri="ipfs://QmdwGq" contentType="audio/opus"/>'
        '<podcast:integrity type="sri" '
        'value="sha384-ExVqijgYHm15PqQqdXfW95x+Rs6C+d6E/ICxyQOeFevnxNLR/wtJNrNYTjIysUBo"/>'
        "</podcast:alternateEnclosure>"
        '<podcast:person role="guest" href="https://gus.example.com">Gus Guest</podcast:person>'
        '<podcast:person role="host" href="https://ann.example.com">Ann Host</podcast:person>'
        '<podcast:transcript url="https://example.com/ep1.vtt" type="text/vtt" language="en" rel="captions"/>'
        '<podcast:chapters url="https://example.com/ep1-chapters.json" type="application/json+chapters"/>'
        '<podcast:soundbite startTime="73.5" duration="30">The best bit</podcast:soundbite>',
    )
    + item(2, "<description>The second one.</description><itunes:explicit>true</itunes:explicit>"),
)

WRITTEN = {
    "explicit-variants": EXPLICIT_VARIANTS,
    "description-only": DESCRIPTION_ONLY,
    "live-item": LIVE_ITEM,
    "author-and-owner": AUTHOR_AND_OWNER,
    "several-enclosures": SEVERAL_ENCLOSURES,
    "psc-chapters": PSC_CHAPTERS,
    "nothing-declared": NOTHING_DECLARED,
    "people-and-fallbacks": PEOPLE_AND_FALLBACKS,
    "full-2026": FULL_2026,
}
