"""The 2026 tags in our feeds: uploaded renditions read like the main audio, every tag emitted."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from episodes.models import AlternateEnclosure, FundingLink, LiveItem, TxtRecord
from tests.factories import make_episode, make_show, mp3_upload

pytestmark = pytest.mark.django_db
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def channel_of(client, show):
    cache.clear()
    return ET.fromstring(client.get(f"/shows/{show.slug}/feed.xml").content).find("channel")


def test_uploaded_rendition_is_read_with_tinytag_and_served_first(client, settings):
    episode = make_episode()
    upload = mp3_upload("episode.mp3", seconds=2)
    size = upload.size
    alternate = AlternateEnclosure(
        episode=episode,
        file=upload,
        title="Low bitrate",
        sources=[{"uri": "https://cdn.example.com/low.mp3"}],
    )
    alternate.full_clean()
    alternate.save()

    assert (alternate.mime_type, alternate.length, alternate.duration) == ("audio/mpeg", size, 2)
    assert alternate.bitrate == round(size * 8 / 2)
    [element] = channel_of(client, episode.show).find("item").findall(f"{PODCAST}alternateEnclosure")
    assert element.attrib == {
        "type": "audio/mpeg",
        "length": str(size),
        "bitrate": str(round(size * 8 / 2)),
        "title": "Low bitrate",
    }
    assert [source.get("uri") for source in element.findall(f"{PODCAST}source")] == [
        f"{settings.SITE_URL}{alternate.file.url}",
        "https://cdn.example.com/low.mp3",
    ]


def test_rendition_without_file_or_source_is_refused():
    episode = make_episode()
    with pytest.raises(ValidationError, match="Upload a file or give at least one source URI."):
        AlternateEnclosure(episode=episode, mime_type="audio/opus").full_clean()


def test_channel_carries_several_funding_links_verify_txt_and_live_item(client):
    show = make_show()
    make_episode(show)
    FundingLink.objects.create(show=show, url="https://example.com/a", text="One", order=0)
    FundingLink.objects.create(show=show, url="https://example.com/b", text="Two", order=1)
    TxtRecord.objects.create(show=show, purpose="verify", value="S6lpp-7ZCn8")
    LiveItem.objects.create(
        show=show, guid="live-1", status="live", start="2026-01-01T10:00:00Z", title="Live", summary="Now"
    )

    channel = channel_of(client, show)

    assert [(f.text, f.get("url")) for f in channel.findall(f"{PODCAST}funding")] == [
        ("One", "https://example.com/a"),
        ("Two", "https://example.com/b"),
    ]
    assert [(t.get("purpose"), t.text) for t in channel.findall(f"{PODCAST}txt")] == [
        ("verify", "S6lpp-7ZCn8")
    ]
    [live] = channel.findall(f"{PODCAST}liveItem")
    assert (live.get("status"), live.findtext("title"), live.findtext("guid")) == ("live", "Live", "live-1")
    assert channel.findtext("title") == show.title  # the live item's title stays inside it
