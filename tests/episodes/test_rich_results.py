"""What search engines and social sites read: JSON-LD, Open Graph and Twitter tags, canonical URLs,
and the image renditions pages use instead of the uploaded originals."""

import json

import pytest
from PIL import Image

from episodes.listen_links import ListenLink
from tests.factories import (
    credit,
    default_host,
    image_upload,
    make_episode,
    make_person,
    make_show,
    person_link,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def json_ld(html):
    return [json.loads(el.text) for el in parse(html).iter() if el.attrs.get("type") == "application/ld+json"]


def metas(html):
    return {
        el.attrs.get("property") or el.attrs.get("name"): el.attrs.get("content")
        for el in parse(html).find_all("meta")
        if el.attrs.get("property") or el.attrs.get("name")
    }


@pytest.fixture
def episode():
    show = make_show(slug="deep", title="Deep", language="en-us", artwork=image_upload(size=(1400, 1400)))
    episode = make_episode(show, slug="autograd", title="Autograd", summary="On </script> tapes.", number=7)
    episode.duration = 2532
    episode.save()
    credit(episode, make_person(name="Ada Host", slug="ada"), "host")
    return episode


def test_episode_page_json_ld_is_a_podcast_episode_of_its_series(client, episode):
    [data] = json_ld(client.get("/shows/deep/autograd/").content.decode())

    image = data.pop("image")
    assert data == {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": "Autograd",
        "description": "On </script> tapes.",
        "url": "http://testserver/shows/deep/autograd/",
        "inLanguage": "en-us",
        "partOfSeries": {"@type": "PodcastSeries", "name": "Deep", "url": "http://testserver/shows/deep/"},
        "episodeNumber": 7,
        "datePublished": episode.published_at.date().isoformat(),
        "timeRequired": "PT42M12S",
        "associatedMedia": {
            "@type": "AudioObject",
            "contentUrl": episode.external_audio_url,
            "duration": "PT42M12S",
        },
        "actor": [{"@type": "Person", "name": "Ada Host", "url": "http://testserver/people/ada/"}],
    }
    assert image.startswith("http://testserver/media/shows/deep/artwork/") and image.endswith(".1200w.jpg")


def test_show_page_json_ld_is_a_podcast_series_with_its_feed(client, episode):
    default_host(episode.show, make_person(name="Bo Host", slug="bo"))

    [data] = json_ld(client.get("/shows/deep/").content.decode())

    assert (data["@type"], data["name"], data["webFeed"], data["author"]) == (
        "PodcastSeries",
        "Deep",
        "http://testserver/shows/deep/feed.xml",
        [{"@type": "Person", "name": "Bo Host", "url": "http://testserver/people/bo/"}],
    )


def test_person_page_json_ld_is_a_person_with_their_links(client, episode):
    person = make_person(name="Cy Guest", slug="cy", bio="Builds things.", website="https://cy.example.com")
    person_link(person, "GitHub", "https://github.com/cy")
    credit(episode, person)

    [data] = json_ld(client.get("/people/cy/").content.decode())

    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Cy Guest",
        "url": "http://testserver/people/cy/",
        "description": "Builds things.",
        "sameAs": ["https://cy.example.com", "https://github.com/cy"],
    }


def test_json_ld_cannot_close_its_script_element(client, episode):
    html = client.get("/shows/deep/autograd/").content.decode()

    assert (
        "On </script> tapes" not in html.split('type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    )


def test_episode_page_has_open_graph_and_twitter_player_card_with_audio(client, episode):
    tags = metas(client.get("/shows/deep/autograd/").content.decode())

    assert {
        name: tags[name] for name in ("og:type", "og:url", "og:audio", "twitter:card", "twitter:player")
    } == {
        "og:type": "article",
        "og:url": "http://testserver/shows/deep/autograd/",
        "og:audio": episode.external_audio_url,
        "twitter:card": "player",
        "twitter:player": "http://testserver/shows/deep/autograd/embed/",
    }
    assert tags["og:image"] == tags["twitter:image"]
    assert tags["og:image"].endswith(".1200w.jpg")


def test_canonical_urls_drop_query_strings(client, episode):
    pages = ["/shows/deep/autograd/?utm_source=x", "/shows/deep/?utm=1", "/people/ada/?x=1"]

    canonicals = [
        [
            el.attrs["href"]
            for el in parse(client.get(path).content).find_all("link")
            if el.attrs.get("rel") == "canonical"
        ]
        for path in pages
    ]

    assert canonicals == [
        ["http://testserver/shows/deep/autograd/"],
        ["http://testserver/shows/deep/"],
        ["http://testserver/people/ada/"],
    ]


def test_artwork_upload_makes_webp_and_jpeg_renditions_that_pages_use(client, episode):
    show = episode.show
    widths = show.artwork_renditions["widths"]
    storage = show.artwork.storage
    sizes = {
        width: [Image.open(storage.open(names[kind])).format for kind in ("webp", "jpg")]
        for width, names in widths.items()
    }

    assert sizes == {w: ["WEBP", "JPEG"] for w in ("96", "192", "320", "640", "1200")}
    assert Image.open(storage.open(widths["96"]["jpg"])).size == (96, 96)
    html = client.get("/shows/deep/").content.decode()
    [picture] = [el for el in parse(html).find_all("picture") if el.find_all("img", "show-header__art")]
    source, img = picture.find_all("source")[0].attrs, picture.find_all("img")[0].attrs
    assert source["type"] == "image/webp"
    assert [part.split()[1] for part in source["srcset"].split(", ")] == [
        "96w",
        "192w",
        "320w",
        "640w",
        "1200w",
    ]
    assert (img["src"], img["sizes"]) == (storage.url(widths["640"]["jpg"]), "240px")
    assert show.artwork.url not in html  # the 1400 px original is never sent to a page


def test_replacing_artwork_makes_new_renditions_and_removing_it_drops_them(episode):
    show = episode.show
    first = show.artwork_renditions["source"]

    show.artwork = image_upload(name="new.png", size=(1600, 1600))
    show.save()
    changed = show.artwork_renditions["source"]
    show.artwork = None
    show.save()

    assert (changed != first, show.artwork_renditions) == (True, {})


def test_listen_on_links_show_on_show_and_episode_pages_with_the_feed_to_copy(client, episode):
    ListenLink.objects.create(show=episode.show, platform="overcast", url="https://overcast.fm/deep", order=1)
    ListenLink.objects.create(
        show=episode.show, platform="apple", url="https://podcasts.apple.com/deep", order=0
    )
    ListenLink.objects.create(
        show=episode.show, platform="other", label="Fountain", url="https://fountain.fm/d", order=2
    )

    for path, section in (("/shows/deep/", "subscribe"), ("/shows/deep/autograd/", "listen-on")):
        page = parse(client.get(path).content).by_id(section)
        links = [(a.text, a.attrs["href"]) for a in page.find_all("a", "listen-link")]
        assert links == [
            ("Apple Podcasts", "https://podcasts.apple.com/deep"),
            ("Overcast", "https://overcast.fm/deep"),
            ("Fountain", "https://fountain.fm/d"),
        ]
        assert [i.attrs["value"] for i in page.find_all("input")] == ["http://testserver/shows/deep/feed.xml"]
