"""Scripts, event handlers and javascript: links saved anywhere never reach a public page."""

import json
import re

import pytest

from episodes.models import Announcement, Episode, EpisodeLink
from people.models import PersonLink, Pick
from sponsors.models import Campaign, SponsorRead
from tests.factories import (
    announcement,
    credit,
    default_host,
    episode_link,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    person_link,
    pick,
    sponsor_read,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

HOSTILE_HTML = (
    "<p>{name} before<script>alert('{name}')</script>"
    '<img src="https://example.com/x.png" onerror="alert(1)" alt="{name} image">'
    '<a href="javascript:alert(1)" onclick="alert(2)">{name} link</a> after</p>'
)
HOSTILE_TEXT = "<script>alert('plain')</script><b onmouseover=alert(1)>plain text</b>"


def assert_no_active_content(html):
    """No script of the content's making, no event handler attribute, no javascript: URL: text may say so.

    The page's own scripts are allowed: the player from our static files (no inline code, as the
    CSP demands) and JSON-LD, which must parse as JSON (data, never code).
    """
    elements = list(parse(html).iter())
    scripts = [el for el in elements if el.tag == "script"]
    assert len(re.findall(r"<script\b", html, flags=re.I)) == len(scripts)
    for script in scripts:
        if script.attrs.get("type") == "application/ld+json":
            json.loads(script.text)
        else:
            assert (script.attrs.get("src"), script.text.strip()) == ("/static/js/player.js", "")
    assert [(el.tag, name) for el in elements for name in el.attrs if name.lower().startswith("on")] == []
    assert [
        (el.tag, name)
        for el in elements
        for name, value in el.attrs.items()
        if "javascript:" in (value or "").lower().replace(" ", "")
    ] == []
    assert re.findall(r"javascript:", html, flags=re.I) == []


@pytest.fixture
def hostile_episode():
    show = make_show(slug="hostile", intro=HOSTILE_TEXT, description=HOSTILE_TEXT)
    episode = make_episode(
        show,
        slug="episode",
        summary=HOSTILE_TEXT,
        show_notes=HOSTILE_HTML.format(name="notes"),
        interview_topic=HOSTILE_TEXT,
    )
    host = make_person(slug="host", name="Host", bio=HOSTILE_TEXT)
    guest = make_person(slug="guest", name="Guest", website="javascript:alert(1)")
    default_host(show, host)
    credit(episode, host, "host")
    credit(episode, guest, "guest")
    announcement(show, HOSTILE_HTML.format(name="announcement"))
    campaign = make_campaign(show, read_copy=HOSTILE_HTML.format(name="campaign"))
    sponsor_read(episode, campaign, copy=HOSTILE_HTML.format(name="read"))
    return episode


def test_hostile_rich_text_is_cleaned_on_the_episode_page(client, hostile_episode):
    html = client.get("/shows/hostile/episode/").content.decode()
    page = parse(html)

    assert_no_active_content(html)
    assert page.by_id("notes").text == "Show notes notes before notes link after"
    assert page.by_id("announcements").text == "announcement before announcement link after"
    assert page.by_id("sponsors").text.startswith("read before read link after Sponsored by")
    assert [img.attrs.get("alt") for img in page.by_id("notes").find_all("img")] == ["notes image"]
    assert [a.attrs.get("href") for a in page.by_id("notes").find_all("a")] == [None]


def test_plain_text_fields_are_escaped_on_every_page(client, hostile_episode):
    urls = ["/", "/shows/hostile/", "/shows/hostile/episode/", "/people/host/", "/people/guest/"]

    pages = {url: client.get(url).content.decode() for url in urls}

    for html in pages.values():
        assert_no_active_content(html)
    assert parse(pages["/shows/hostile/episode/"]).by_id("intro").text == HOSTILE_TEXT
    assert parse(pages["/people/host/"]).by_id("bio").text == HOSTILE_TEXT
    assert "&lt;script&gt;alert(&#x27;plain&#x27;)&lt;/script&gt;" in pages["/shows/hostile/"]


def test_rich_text_written_around_save_is_cleaned_when_shown(client, hostile_episode):
    # update() skips the field's pre_save: the page must clean it on its own.
    Episode.objects.update(show_notes=HOSTILE_HTML.format(name="raw notes"))
    Announcement.objects.update(text=HOSTILE_HTML.format(name="raw announcement"))
    SponsorRead.objects.update(copy="")
    Campaign.objects.update(read_copy=HOSTILE_HTML.format(name="raw campaign"))

    html = client.get("/shows/hostile/episode/").content.decode()
    page = parse(html)

    assert_no_active_content(html)
    assert page.by_id("notes").text == "Show notes raw notes before raw notes link after"
    assert page.by_id("announcements").text == "raw announcement before raw announcement link after"
    assert page.by_id("sponsors").text.startswith("raw campaign before raw campaign link after Sponsored by")


def test_javascript_urls_in_link_fields_never_become_links(client):
    show = make_show(
        slug="links", music_credit="Music", music_license="CC BY", music_license_url="https://ok"
    )
    episode = make_episode(show, slug="episode")
    guest = make_person(slug="guest")
    credit(episode, guest)
    campaign = make_campaign(show)
    sponsor_read(episode, campaign)
    # Rows written without form validation, as a shell session or an import could.
    episode_link(episode, "Episode link text", "https://example.com/ok")
    EpisodeLink.objects.create(episode=episode, title="Hostile episode link", url="javascript:alert(1)")
    person_link(guest, "Hostile contact", "JavaScript:alert(1)")
    pick(episode, guest, "Hostile pick", " javascript:alert(1)")
    Campaign.objects.update(promo_url="javascript:alert(1)")
    show.__class__.objects.update(music_license_url="javascript:alert(1)", website="javascript:alert(1)")
    assert (PersonLink.objects.count(), Pick.objects.count()) == (1, 1)

    urls = ["/shows/links/episode/", "/shows/links/", "/people/guest/"]
    pages = {url: client.get(url).content.decode() for url in urls}
    episode_page = parse(pages["/shows/links/episode/"])

    for html in pages.values():
        assert_no_active_content(html)
    assert episode_page.by_id("links").text == "Links Episode link text Hostile episode link"
    assert [a.attrs["href"] for a in episode_page.by_id("links").find_all("a")] == ["https://example.com/ok"]
    assert episode_page.by_id("keep-in-touch").text == "Keep In Touch Hostile contact"
    assert episode_page.by_id("picks").text == f"Picks {guest.name} Hostile pick"
    assert episode_page.by_id("music").text == "The intro and outro music is from Music / CC BY"
    assert episode_page.by_id("sponsors").find_all("a") == []


def test_javascript_audio_url_never_reaches_the_player(client):
    show = make_show(slug="player")
    make_episode(show, slug="hostile-audio")
    make_episode(show, slug="fine-audio", external_audio_url="https://cdn.example.com/fine.mp3")
    # Written around validation, as a shell session or an import could.
    Episode.objects.filter(slug="hostile-audio").update(external_audio_url="javascript:alert(1)")

    hostile = client.get("/shows/player/hostile-audio/").content.decode()
    fine = parse(client.get("/shows/player/fine-audio/").content)

    assert_no_active_content(hostile)
    assert parse(hostile).by_id("player") is None
    assert fine.find_all("audio")[0].attrs["src"] == "https://cdn.example.com/fine.mp3"
    assert [a.attrs["href"] for a in fine.by_id("player").find_all("a")] == [
        "https://cdn.example.com/fine.mp3",
        "https://cdn.example.com/fine.mp3",
    ]
