"""Every feed the demo's pages announce passes the document lint with no error, the network feed
included; and the document lint finds what directories refuse."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from episodes.feeds.lint import lint_feed_document

pytestmark = pytest.mark.django_db


def discovered_feeds(client, page):
    html = client.get(page).content.decode()
    return re.findall(r'<link rel="alternate" type="application/rss\+xml" title="[^"]*" href="([^"]+)"', html)


def test_every_feed_the_demo_announces_passes_the_lint_with_no_error(client):
    call_command("loaddemo", stdout=io.StringIO())
    cache.clear()

    feeds = discovered_feeds(client, "/") + discovered_feeds(client, "/shows/podcast-init/")
    # The publisher feed is for directories, not offered to podcast apps; it is checked as well.
    assert sorted(set(feeds)) == [
        "/network/feed.xml",
        "/shows/data-engineering-podcast/feed.xml",
        "/shows/podcast-init/feed.xml",
    ]
    for url in [*sorted(set(feeds)), "/network/publisher.xml"]:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        errors = [str(f) for f in lint_feed_document(body) if f.is_error]
        assert errors == [], url


NETWORK_LIKE_BEFORE = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Network</title><link>https://n.example/</link><description>All shows</description>
<atom:link rel="self" href="https://n.example/network/feed.xml"/><language>en</language>
<item><title>One</title><guid>g1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
<enclosure url="https://n.example/1.mp3" length="12" type="audio/mpeg"/></item>
<item><title>Two</title><guid>g1</guid><enclosure url="https://n.example/2.mp3" length="" type="audio/mpeg"/>
<itunes:explicit>yes</itunes:explicit></item>
</channel></rss>"""


def test_document_lint_finds_what_the_network_feed_used_to_lack():
    found = [(f.severity, f.subject, f.message) for f in lint_feed_document(NETWORK_LIKE_BEFORE)]

    assert found == [
        ("error", "", "The channel has no podcast:guid."),
        ("error", "", "The channel has no itunes:image."),
        ("error", "", "The channel has no itunes:category."),
        ("error", "", "The channel's itunes:explicit is “”; Apple wants true or false."),
        ("warning", "", "The channel has no itunes:owner e-mail; directories use it to verify ownership."),
        ("error", "“Two”", "The guid g1 appears twice."),
        ("error", "“Two”", "The enclosure has no length."),
        ("error", "“Two”", "The enclosure length is not a number of bytes."),
        ("error", "“Two”", "itunes:explicit is “yes”; Apple wants true or false."),
    ]


def test_document_lint_refuses_what_is_not_a_feed():
    assert [f.message for f in lint_feed_document(b"<html></html>")] == [
        "The document is not RSS 2.0 (no rss/channel)."
    ]
    assert lint_feed_document(b"<rss")[0].message.startswith("The feed is not well-formed XML")


def test_editing_a_feed_tag_changes_the_show_feed_etag(client):
    from episodes.models import FundingLink, SocialInteract
    from tests.factories import make_episode, make_show

    show = make_show()
    episode = make_episode(show)
    etags = [client.get(f"/shows/{show.slug}/feed.xml")["ETag"]]
    link = FundingLink.objects.create(show=show, url="https://example.com/donate", text="Donate")
    etags.append(client.get(f"/shows/{show.slug}/feed.xml")["ETag"])
    SocialInteract.objects.create(episode=episode, protocol="activitypub", uri="https://social.example/1")
    etags.append(client.get(f"/shows/{show.slug}/feed.xml")["ETag"])
    link.delete()
    etags.append(client.get(f"/shows/{show.slug}/feed.xml")["ETag"])

    assert len(set(etags)) == 4
