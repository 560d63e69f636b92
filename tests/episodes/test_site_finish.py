"""The finish of the public site: icons, the preview banner, error pages in debug mode, German pages."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import path
from django.utils import timezone
from PIL import Image

from episodes.models import Episode
from episodes.preview import preview_path
from tests.factories import image_upload, make_episode, make_network, make_show
from tests.html import parse

pytestmark = pytest.mark.django_db


def failing_view(request):
    raise RuntimeError("the database fell over")


urlpatterns = [path("boom/", failing_view)]


def test_favicon_and_touch_icon_are_made_from_the_network_artwork(client):
    make_network(artwork=image_upload(size=(600, 600), color=(10, 200, 30)))

    favicon, touch = client.get("/favicon.ico"), client.get("/apple-touch-icon.png")
    touch_image = Image.open(io.BytesIO(touch.content))

    assert (favicon.status_code, favicon["Content-Type"], Image.open(io.BytesIO(favicon.content)).format) == (
        200,
        "image/x-icon",
        "ICO",
    )
    assert (touch["Content-Type"], touch_image.size, touch_image.convert("RGB").getpixel((90, 90))) == (
        "image/png",
        (180, 180),
        (10, 200, 30),
    )
    page = parse(client.get("/").content)
    assert [
        (el.attrs["rel"], el.attrs["href"]) for el in page.find_all("link") if "icon" in el.attrs["rel"]
    ] == [
        ("icon", "/favicon.ico"),
        ("apple-touch-icon", "/apple-touch-icon.png"),
    ]


def test_favicon_without_network_artwork_is_the_initial_not_a_404(client):
    make_network(name="Boundless")

    response = client.get("/apple-touch-icon.png")

    assert (response.status_code, Image.open(io.BytesIO(response.content)).size) == (200, (180, 180))


def test_draft_preview_says_it_is_not_published_and_has_no_date(client):
    draft = make_episode(status=Episode.DRAFT, title="Draft one")

    page = parse(client.get(preview_path(draft)).content)

    assert page.find_all("strong", "preview-banner__title")[0].text == "Preview — not published"
    assert page.find_all("span", "episode-header__unpublished")[0].text == "Not published yet"
    assert page.by_id("date") is None
    assert page.by_id("share") is None  # nothing to embed before it is public


def test_scheduled_preview_names_its_publication_time(client):
    when = datetime(2031, 5, 4, 9, 30, tzinfo=UTC)
    scheduled = make_episode(published_at=when)

    page = parse(client.get(preview_path(scheduled)).content)

    assert (
        "This episode is scheduled for May 4th, 2031, 09:30."
        in page.find_all("aside", "preview-banner")[0].text
    )
    assert page.by_id("date").text == "May 4th, 2031"


def test_public_pages_have_no_preview_banner(client):
    episode = make_episode()

    assert parse(client.get(episode.get_absolute_url()).content).find_all("aside", "preview-banner") == []


@override_settings(DEBUG=True)
def test_debug_mode_answers_with_our_own_404_page(client):
    make_show(slug="known")

    unrouted, missing_episode = client.get("/no/such/page/"), client.get("/shows/known/missing/")

    for response in (unrouted, missing_episode):
        assert (response.status_code, parse(response.content).find_all("h1")[0].text) == (
            404,
            "This page is not here",
        )


@override_settings(DEBUG=True, ROOT_URLCONF="tests.episodes.test_site_finish")
def test_debug_mode_answers_with_our_own_500_page(client, caplog):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert (response.status_code, parse(response.content).find_all("h1")[0].text) == (
        500,
        "Something went wrong on our side",
    )
    assert "the database fell over" in caplog.text


@override_settings(DEBUG=True, PODCASTCMS_OWN_ERROR_PAGES=False)
def test_own_error_pages_can_be_turned_off_for_development(client):
    response = client.get("/no/such/page/")

    assert b"This page is not here" not in response.content


def test_german_show_pages_speak_german_with_german_dates(client):
    show = make_show(slug="technik", title="Technik", language="de")
    episode = make_episode(
        show, slug="folge", title="Folge", published_at=datetime(2019, 3, 10, 12, tzinfo=UTC), number=3
    )
    episode.duration = 2532
    episode.save()
    english = make_episode(make_show(slug="tech"), published_at=timezone.now() - timedelta(days=1))

    page = parse(client.get("/shows/technik/folge/").content)
    show_page = parse(client.get("/shows/technik/").content)
    english_page = parse(client.get(english.get_absolute_url()).content)

    assert page.find_all("html")[0].attrs["lang"] == "de"
    assert (
        page.by_id("date").text,
        page.by_id("duration").text,
        page.by_id("about").find_all("h2")[0].text,
    ) == (
        "10. März 2019",
        "42 Min. 12 Sek.",
        "Über diese Folge",
    )
    assert page.find_all("p", "episode-header__show")[0].text == "Technik · Folge 3"
    assert show_page.by_id("episodes").find_all("h2")[0].text == "Folgen"
    assert english_page.find_all("html")[0].attrs["lang"] == "en"
    assert english_page.by_id("about").find_all("h2")[0].text == "About this Episode"
