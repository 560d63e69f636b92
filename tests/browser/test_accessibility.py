"""Every public page type checked with axe-core at a phone's and a desktop's width, and the player,
chapters and transcript used with the keyboard alone.

axe-core comes from npm (package.json; scripts/test.sh runs ``npm ci``) and is evaluated in the
page through the DevTools protocol, so the site's script-src 'self' policy does not have to allow it.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from episodes.listen_links import ListenLink
from episodes.models import Chapter, Episode, Network, Transcript
from episodes.preview import preview_path
from tests.factories import (
    credit,
    default_host,
    image_upload,
    make_episode,
    make_person,
    make_show,
    person_link,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}
TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:04.000
<v Tobias Macey>Hello and welcome to the show.

00:00:08.000 --> 00:00:12.000
<v Adam Paszke>Thanks for having me.

00:00:15.000 --> 00:00:19.000
<v Adam Paszke>Autograd records every operation.

00:00:22.000 --> 00:00:26.000
<v Tobias Macey>Thank you for joining us.
"""


@pytest.fixture
def axe_source():
    if not AXE.exists():
        message = (
            f"axe-core is not installed at {AXE}: run `npm ci` in the project folder (scripts/test.sh does)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    Network.objects.create(name="Boundless Notebook", tagline="Conversations about software")
    show = make_show(slug="init", title="Podcast.__init__", artwork=image_upload(size=(1400, 1400)))
    host = make_person(name="Tobias Macey", slug="tobias-macey", bio="Host of the show.")
    guest = make_person(name="Adam Paszke", slug="adam-paszke", bio="Author of PyTorch.")
    person_link(guest, "apaszke on GitHub", "https://github.com/apaszke")
    default_host(show, host)
    episode = make_episode(
        show,
        slug="pytorch",
        title="Deep learning in PyTorch",
        summary="Adam Paszke on autograd.",
        show_notes="<h2>Interview</h2><ul><li>How did you get started?</li></ul>",
        audio=30,
        number=202,
    )
    credit(episode, host, "host")
    credit(episode, guest, "guest", order=1)
    for start, title in ((0, "Introduction"), (10, "Autograd"), (20, "Wrapping up")):
        Chapter.objects.create(
            episode=episode,
            start_time=start,
            title=title,
            image=image_upload(size=(200, 200)) if start == 10 else "",
        )
    Transcript.objects.create(
        episode=episode, mime_type="text/vtt", file=SimpleUploadedFile("t.vtt", TRANSCRIPT.encode())
    )
    ListenLink.objects.create(show=show, platform="apple", url="https://podcasts.apple.com/init")
    draft = make_episode(show, slug="draft", title="A draft", status=Episode.DRAFT)
    return {"show": show, "episode": episode, "draft": draft}


def page_types(site):
    return {
        "home": "/",
        "show": "/shows/init/",
        "episode": "/shows/init/pytorch/",
        "person": "/people/adam-paszke/",
        "search": "/search/?q=autograd",
        "search-empty": "/search/?q=nothingmatchesthis",
        "embed": "/shows/init/pytorch/embed/",
        "preview": preview_path(site["draft"]),
        "not-found": "/no/such/page/",
    }


def axe_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5]) for v in result]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_have_no_axe_violations(new_page, live_server, site, axe_source, viewport, screenshot):
    page = new_page(VIEWPORTS[viewport])
    found = {}
    for name, path in page_types(site).items():
        page.goto(live_server.url + path)
        found[name] = axe_violations(page, axe_source)
        if name in ("episode", "search", "embed", "preview"):
            screenshot(f"a11y-{name}-{viewport}", page)

    assert found == {name: [] for name in page_types(site)}


def test_server_error_page_has_no_axe_violations(new_page, live_server, site, axe_source):
    from django.template.loader import render_to_string

    page = new_page()
    page.goto(live_server.url + "/")
    page.set_content(render_to_string("500.html"))

    assert axe_violations(page, axe_source) == []


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches ``selector``; how a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def current_time(page):
    return page.evaluate("document.querySelector('#player audio').currentTime")


def test_player_chapters_and_transcript_work_with_the_keyboard_alone(page, live_server, site, screenshot):
    page.goto(live_server.url + "/shows/init/pytorch/")
    assert page.locator("[data-total]").inner_text() == "0:30"  # the duration, before play

    tab_to(page, ".player__play")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('#player audio').paused")
    assert page.get_attribute(".player__play", "aria-label") == "Pause"
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('#player audio').paused")

    tab_to(page, ".player__seek")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#player audio').currentTime >= 4")
    assert round(current_time(page)) == 5

    tab_to(page, '.chapter__seek[href="#t=10"]')
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('.chapter[data-start=\"10\"]').getAttribute('aria-current')"
    )
    assert 10 <= current_time(page) < 14
    assert page.locator(".chapter[aria-current=true] .chapter__title").inner_text() == "Autograd"

    tab_to(page, '.cue__time[href="#t=22"]')
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.cue.is-current') !== null")
    assert page.locator(".cue.is-current .cue__text").inner_text() == "Thank you for joining us."
    assert page.locator(".chapter[aria-current=true] .chapter__title").inner_text() == "Wrapping up"
    page.evaluate("document.querySelector('#player audio').pause()")

    tab_to(page, "[data-transcript-search]")
    page.keyboard.type("autograd")
    assert page.locator("[data-transcript-count]").inner_text() == "1 line matches."
    visible = page.locator(".cue:not([hidden]) .cue__text")
    assert (visible.count(), visible.first.inner_text(), page.locator(".cue mark").inner_text()) == (
        1,
        "Autograd records every operation.",
        "Autograd",
    )
    screenshot("keyboard-transcript-search")


def test_transcript_link_with_a_time_opens_the_player_there(page, live_server, site):
    page.goto(live_server.url + "/shows/init/pytorch/#t=15")

    page.wait_for_function("document.querySelector('#player audio').currentTime >= 15")
    assert page.locator("[data-current]").inner_text() == "0:15"


def test_without_javascript_the_page_has_audio_chapters_and_transcript(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/shows/init/pytorch/")
        audio = page.locator("#player audio")

        assert (audio.is_visible(), audio.get_attribute("controls")) == (True, "")
        assert page.locator(".player__controls").is_visible() is False
        assert page.locator(".chapter__title").all_inner_texts() == [
            "Introduction",
            "Autograd",
            "Wrapping up",
        ]
        assert page.locator(".cue__text").count() == 4
        assert page.locator(".transcript__tools").is_visible() is False
    finally:
        context.close()


def test_search_page_finds_transcript_words_and_links_to_the_second(page, live_server, site):
    page.goto(live_server.url + "/")
    page.fill("#site-search-q", "autograd records")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=autograd"))

    link = page.locator(".search-result__transcript a")
    assert link.get_attribute("href") == "/shows/init/pytorch/#t=15"
    assert page.locator(".search-result__transcript mark").all_inner_texts()[:2] == ["Autograd", "records"]
