"""The embeddable player, its oEmbed endpoint and the embed code on the episode page."""

import pytest

from episodes.models import Episode
from tests.factories import make_episode, make_show
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode():
    return make_episode(make_show(slug="deep", title="Deep"), slug="autograd", title="Autograd <talk>")


def test_embed_page_may_be_framed_from_anywhere_and_the_episode_page_may_not(client, episode):
    embed = client.get("/shows/deep/autograd/embed/")
    page = client.get("/shows/deep/autograd/")

    assert (embed.status_code, embed.has_header("X-Frame-Options"), embed["X-Robots-Tag"]) == (
        200,
        False,
        "noindex",
    )
    assert page["X-Frame-Options"] == "DENY"
    html = parse(embed.content)
    assert [a.attrs["src"] for a in html.find_all("audio")] == [episode.external_audio_url]
    assert html.find_all("h1")[0].text == "Autograd <talk>"


def test_embed_page_of_hidden_episode_answers_404(client, episode):
    draft = make_episode(episode.show, slug="draft", status=Episode.DRAFT)

    assert client.get(f"/shows/deep/{draft.slug}/embed/").status_code == 404


def test_oembed_answers_rich_json_with_the_iframe(client, episode):
    response = client.get("/oembed/", {"url": "http://testserver/shows/deep/autograd/", "maxwidth": "400"})
    data = response.json()
    iframe = parse(data.pop("html")).find_all("iframe")[0].attrs

    assert (response.status_code, response["Access-Control-Allow-Origin"]) == (200, "*")
    assert data == {
        "version": "1.0",
        "type": "rich",
        "title": "Autograd <talk>",
        "author_name": "Deep",
        "author_url": "http://testserver/shows/deep/",
        "provider_name": "Podcast Network",
        "provider_url": "http://testserver/",
        "cache_age": 3600,
        "width": 400,
        "height": 200,
    }
    assert (iframe["src"], iframe["width"], iframe["title"]) == (
        "http://testserver/shows/deep/autograd/embed/",
        "400",
        "Autograd <talk> · Deep",
    )


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"url": "http://testserver/shows/deep/autograd/", "format": "xml"}, 501),
        ({"url": "http://testserver/shows/deep/"}, 404),
        ({"url": "http://testserver/shows/deep/missing/"}, 404),
        ({"url": "javascript:alert(1)"}, 404),
    ],
)
def test_oembed_refuses_what_is_not_a_public_episode_page(client, episode, query, status):
    assert client.get("/oembed/", query).status_code == status


def test_oembed_of_a_draft_answers_404(client, episode):
    make_episode(episode.show, slug="draft", status=Episode.DRAFT)

    assert client.get("/oembed/", {"url": "http://testserver/shows/deep/draft/"}).status_code == 404


def test_episode_page_links_oembed_discovery_and_offers_the_embed_code(client, episode):
    page = parse(client.get("/shows/deep/autograd/").content)
    [discovery] = [el for el in page.find_all("link") if el.attrs.get("type") == "application/json+oembed"]

    assert discovery.attrs["href"] == (
        "http://testserver/oembed/?url=http%3A%2F%2Ftestserver%2Fshows%2Fdeep%2Fautograd%2F&format=json"
    )
    assert client.get(discovery.attrs["href"]).status_code == 200
    code = page.by_id("embed-code")
    iframe = parse(code.text).find_all("iframe")[0].attrs
    assert (iframe["src"], iframe["title"], code.attrs["readonly"]) == (
        "http://testserver/shows/deep/autograd/embed/",
        "Autograd <talk> · Deep",
        None,
    )
