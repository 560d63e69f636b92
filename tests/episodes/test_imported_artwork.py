"""Artwork an imported feed hosts elsewhere (``artwork_url``) is used wherever no upload is."""

import xml.etree.ElementTree as ET

import pytest

from episodes.feeds.lint import WARNING, lint_episode, lint_show
from tests.factories import image_upload, make_episode, make_show
from tests.html import parse

pytestmark = pytest.mark.django_db

SITE = "https://podcasts.example.org"
ITUNES_IMAGE = "{http://www.itunes.com/dtds/podcast-1.0.dtd}image"
SHOW_ART = "https://old-host.example.com/show.jpg"
EPISODE_ART = "https://old-host.example.com/episode-1.jpg"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def feed_images(client, show):
    """itunes:image hrefs of the channel, and of each item by guid."""
    response = client.get(show.get_feed_url())
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    items = {item.findtext("guid"): item.find(ITUNES_IMAGE).get("href") for item in channel.iter("item")}
    return channel.find(ITUNES_IMAGE).get("href"), items


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return parse(response.content)


def og_image(document):
    return [el.attrs["content"] for el in document.find_all("meta") if el.attrs.get("property") == "og:image"]


def test_feed_uses_artwork_urls_when_nothing_is_uploaded(client):
    show = make_show(artwork_url=SHOW_ART)
    own = make_episode(show, guid="own-art", artwork_url=EPISODE_ART)
    make_episode(show, guid="show-art")

    channel_image, item_images = feed_images(client, show)

    assert channel_image == SHOW_ART
    assert item_images == {own.guid: EPISODE_ART, "show-art": SHOW_ART}


def test_feed_prefers_uploaded_artwork_to_artwork_urls(client):
    show = make_show(artwork_url=SHOW_ART, artwork=image_upload("cover.png"))
    episode = make_episode(show, guid="both", artwork_url=EPISODE_ART, artwork=image_upload("ep.png"))

    channel_image, item_images = feed_images(client, show)

    assert channel_image == f"{SITE}/media/{show.artwork.name}"
    assert item_images == {"both": f"{SITE}/media/{episode.artwork.name}"}


def test_network_feed_uses_the_show_artwork_url(client):
    show = make_show(artwork_url=SHOW_ART)
    make_episode(show, guid="network-item")

    response = client.get("/network/feed.xml")

    item = ET.fromstring(response.content).find("channel/item")
    assert item.find(ITUNES_IMAGE).get("href") == SHOW_ART


def test_show_page_shows_the_artwork_url(client):
    show = make_show(artwork_url=SHOW_ART)

    document = page(client, show.get_absolute_url())

    assert [img.attrs["src"] for img in document.find_all("img", "show-header__art")] == [SHOW_ART]
    assert og_image(document) == [SHOW_ART]


def test_episode_page_and_card_show_the_episode_artwork_url_before_the_show_artwork(client):
    show = make_show(artwork_url=SHOW_ART)
    episode = make_episode(show, artwork_url=EPISODE_ART)

    episode_page = page(client, episode.get_absolute_url())
    show_page = page(client, show.get_absolute_url())

    header = episode_page.find_all("a", "episode-header__art")[0]
    assert [img.attrs["src"] for img in header.find_all("img")] == [EPISODE_ART]
    assert og_image(episode_page) == [EPISODE_ART]
    card = show_page.find_all("a", "episode-card__art")[0]
    assert [img.attrs["src"] for img in card.find_all("img")] == [EPISODE_ART]


def test_episode_page_falls_back_to_the_show_artwork_url(client):
    episode = make_episode(make_show(artwork_url=SHOW_ART))

    document = page(client, episode.get_absolute_url())

    header = document.find_all("a", "episode-header__art")[0]
    assert [img.attrs["src"] for img in header.find_all("img")] == [SHOW_ART]
    assert og_image(document) == [SHOW_ART]


def test_artwork_url_with_a_script_scheme_never_reaches_a_page(client):
    # Written around validation, as a shell or a restore could.
    show = make_show(artwork_url="javascript:alert(1)")

    document = page(client, show.get_absolute_url())

    assert document.find_all("img", "show-header__art") == []
    assert len(document.find_all("span", "artwork--placeholder")) == 1
    assert og_image(document) == []


def test_lint_warns_that_hosted_artwork_cannot_be_checked_instead_of_calling_it_missing():
    show = make_show(artwork_url=SHOW_ART, category="Technology", language="en-us")
    episode = make_episode(show, artwork_url=EPISODE_ART)

    show_findings = [(f.severity, f.message) for f in lint_show(show, episodes=False)]
    episode_findings = [(f.severity, f.message) for f in lint_episode(episode) if "artwork" in f.message]

    assert show_findings == [
        (
            WARNING,
            "The show artwork is hosted elsewhere (its artwork URL); its format and size cannot be "
            "checked here. Upload it to have it checked.",
        )
    ]
    assert episode_findings == [
        (
            WARNING,
            "The episode artwork is hosted elsewhere (its artwork URL); its format and size cannot be "
            "checked here. Upload it to have it checked.",
        )
    ]
