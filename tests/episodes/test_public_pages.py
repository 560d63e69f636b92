from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from episodes.models import Episode, Network
from episodes.views import episode_page_context
from sponsors.models import Sponsor
from tests.factories import (
    announcement,
    credit,
    default_host,
    episode_link,
    image_upload,
    make_campaign,
    make_episode,
    make_full_episode,
    make_person,
    make_show,
    person_link,
    pick,
    sponsor_read,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

REFERENCE_ORDER = [
    "title",
    "date",
    "duration",
    "hosts",
    "about",
    "player",
    "intro",
    "sponsors",
    "announcements",
    "guests",
    "notes",
    "keep-in-touch",
    "picks",
    "links",
    "music",
]


@pytest.fixture
def reference_episode():
    """The reference page's episode, as producers would enter it."""
    show = make_show(
        title="Podcast.__init__",
        slug="podcastinit",
        intro="Hello and welcome to Podcast.__init__, the podcast about Python.",
        music_credit="Requiem for a Fish The Freak Fandango Orchestra",
        music_license="CC BY-SA",
        music_license_url="https://creativecommons.org/licenses/by-sa/3.0/",
    )
    tobias = make_person(name="Tobias Macey", slug="tobias-macey", photo=image_upload(size=(400, 400)))
    adam = make_person(name="Adam Paszke", slug="adam-paszke")
    default_host(show, tobias)
    episode = make_episode(
        show,
        title="The Past, Present, and Future of Deep Learning In PyTorch",
        slug="pytorch",
        published_at=datetime(2019, 3, 10, 15, 0, tzinfo=UTC),
        summary="In this episode Adam Paszke explains how he started the project.",
        show_notes="<ul><li>Introductions</li><li>How did you get introduced to Python?</li></ul>",
        interview_topic="PyTorch, an open source deep learning platform",
        duration=2532,
        audio=True,
    )
    # duration comes from the file on upload; the reference's 42:12 is set after.
    Episode.objects.filter(pk=episode.pk).update(duration=2532)
    credit(episode, tobias, "host")
    credit(episode, adam, "guest")
    campaign = make_campaign(
        show,
        sponsor=Sponsor.objects.create(name="Linode", slug="linode"),
        read_copy="<p>Take a look at our friends over at Linode.</p>",
        promo_url="https://www.linode.com/podcastinit",
        promo_code="PYTHON20",
    )
    sponsor_read(episode, campaign)
    announcement(show, "<p>Join the community in the new Zulip chat workspace.</p>", date(2019, 1, 1))
    announcement(show, "<p>Expired announcement.</p>", date(2018, 1, 1), date(2018, 12, 31))
    announcement(show, "<p>Future announcement.</p>", date(2019, 4, 1))
    person_link(adam, "@apaszke on Twitter", "https://twitter.com/apaszke")
    person_link(adam, "apaszke on GitHub", "https://github.com/apaszke")
    pick(episode, tobias, "The Expanse", "https://example.com/expanse")
    pick(episode, adam, "Rust", "https://www.rust-lang.org/")
    episode_link(episode, "PyTorch", "https://pytorch.org", order=0)
    episode_link(episode, "Tensorflow", "https://www.tensorflow.org", order=1)
    episode.refresh_from_db()
    return episode


def section_positions(html):
    return {
        section: html.index(f'id="{section}"') for section in REFERENCE_ORDER if f'id="{section}"' in html
    }


def test_episode_page_holds_every_section_in_the_reference_order(client, reference_episode):
    html = client.get(reference_episode.get_absolute_url()).content.decode()

    positions = section_positions(html)

    assert sorted(positions, key=positions.get) == REFERENCE_ORDER
    assert [html.count(f'id="{section}"') for section in REFERENCE_ORDER] == [1] * len(REFERENCE_ORDER)


def test_episode_page_texts_read_as_the_reference_page(client, reference_episode):
    response = client.get(reference_episode.get_absolute_url())
    page = parse(response.content)

    assert response.status_code == 200
    assert page.by_id("title").text == "The Past, Present, and Future of Deep Learning In PyTorch"
    assert page.by_id("date").text == "March 10th, 2019"
    assert page.by_id("duration").text == "42 mins 12 secs"
    assert page.by_id("hosts").text == "Your Host Tobias Macey"
    assert page.by_id("about").text == (
        "About this Episode In this episode Adam Paszke explains how he started the project."
    )
    assert page.by_id("intro").text == "Hello and welcome to Podcast.__init__, the podcast about Python."
    assert page.by_id("sponsors").text == (
        "Take a look at our friends over at Linode. Sponsored by Linode "
        "www.linode.com/podcastinit Promo code PYTHON20"
    )
    assert page.by_id("announcements").text == "Join the community in the new Zulip chat workspace."
    assert page.by_id("guests").text == (
        "Your host as usual is Tobias Macey and today I’m interviewing Adam Paszke "
        "about PyTorch, an open source deep learning platform"
    )
    assert page.by_id("notes").text == "Show notes Introductions How did you get introduced to Python?"
    assert page.by_id("keep-in-touch").text == "Keep In Touch @apaszke on Twitter apaszke on GitHub"
    assert page.by_id("picks").text == "Picks Tobias Macey The Expanse Adam Paszke Rust"
    assert page.by_id("links").text == "Links PyTorch Tensorflow"
    assert page.by_id("music").text == (
        "The intro and outro music is from Requiem for a Fish The Freak Fandango Orchestra / CC BY-SA"
    )


def test_episode_page_links_people_promo_licence_and_audio(client, reference_episode):
    page = parse(client.get(reference_episode.get_absolute_url()).content)

    assert [a.attrs["href"] for a in page.by_id("hosts").find_all("a")] == ["/people/tobias-macey/"]
    host_photo = page.by_id("hosts").find_all("img")[0].attrs
    assert (host_photo["width"], host_photo["height"], host_photo["loading"]) == ("56", "56", "lazy")
    assert [a.attrs["href"] for a in page.by_id("guests").find_all("a")] == ["/people/adam-paszke/"]
    assert [a.attrs["href"] for a in page.by_id("sponsors").find_all("a")] == [
        "https://www.linode.com/podcastinit"
    ]
    assert [a.attrs["href"] for a in page.by_id("music").find_all("a")] == [
        "https://creativecommons.org/licenses/by-sa/3.0/"
    ]
    audio = page.by_id("player").find_all("audio")[0].attrs
    assert audio == {
        "class": "player__audio",
        "controls": None,
        "preload": "none",
        "src": reference_episode.enclosure_url,
    }
    assert audio["src"].endswith(f"/{reference_episode.audio_revision}.mp3")


def test_episode_page_meta_has_description_canonical_and_open_graph(client, reference_episode):
    page = parse(client.get(reference_episode.get_absolute_url()).content)
    metas = {
        el.attrs.get("property") or el.attrs.get("name"): el.attrs.get("content")
        for el in page.find_all("meta")
        if "content" in el.attrs
    }
    canonical = [el.attrs["href"] for el in page.find_all("link") if el.attrs.get("rel") == "canonical"]
    feeds = [
        (el.attrs["title"], el.attrs["href"])
        for el in page.find_all("link")
        if el.attrs.get("type") == "application/rss+xml"
    ]

    assert canonical == ["http://testserver/shows/podcastinit/pytorch/"]
    assert metas["viewport"] == "width=device-width, initial-scale=1"
    assert metas["description"] == "In this episode Adam Paszke explains how he started the project."
    assert metas["og:title"] == "The Past, Present, and Future of Deep Learning In PyTorch"
    assert metas["og:type"] == "article"
    assert metas["og:url"] == "http://testserver/shows/podcastinit/pytorch/"
    assert metas["og:audio"] == f"http://testserver{reference_episode.enclosure_url}"
    assert feeds == [("Podcast.__init__", "/shows/podcastinit/feed.xml")]
    assert "robots" not in metas


def test_episode_page_omits_empty_sections(client):
    episode = make_episode(summary="Only a summary.", external_audio_url="https://cdn.example.com/a.mp3")

    html = client.get(episode.get_absolute_url()).content.decode()

    assert list(section_positions(html)) == ["title", "date", "about", "player"]


def test_episode_page_names_two_guests_and_groups_their_links(client):
    show = make_show()
    host = make_person(name="Hannah Host")
    first, second = make_person(name="Gina Guest"), make_person(name="Gus Guest")
    episode = make_episode(show)
    credit(episode, host, "host")
    credit(episode, first, "guest", order=1)
    credit(episode, second, "guest", order=2)
    person_link(first, "Gina's site", "https://gina.example.com")
    person_link(second, "Gus's site", "https://gus.example.com")

    page = parse(client.get(episode.get_absolute_url()).content)

    assert page.by_id("guests").text == (
        "Your host as usual is Hannah Host and today I’m interviewing Gina Guest and Gus Guest"
    )
    assert [h.text for h in page.by_id("keep-in-touch").find_all("h3")] == ["Gina Guest", "Gus Guest"]
    assert page.by_id("keep-in-touch").text == "Keep In Touch Gina Guest Gina's site Gus Guest Gus's site"


def test_home_lists_public_shows_their_feeds_and_latest_episodes(client):
    first = make_show(title="Alpha Cast", slug="alpha", artwork=image_upload())
    second = make_show(title="Beta Talk", slug="beta")
    older = make_episode(first, title="Older one", published_at=timezone.now() - timedelta(days=2))
    newer = make_episode(second, title="Newer one", published_at=timezone.now() - timedelta(days=1))

    page = parse(client.get("/").content)
    feeds = [
        (el.attrs["title"], el.attrs["href"])
        for el in page.find_all("link")
        if el.attrs.get("type") == "application/rss+xml"
    ]
    artwork = page.find_all("img", "artwork")[0].attrs

    assert [el.text for el in page.find_all("h3", "show-card__title")] == ["Alpha Cast", "Beta Talk"]
    assert feeds == [
        ("Podcast Network: latest episodes of every show", "/network/feed.xml"),
        ("Alpha Cast", "/shows/alpha/feed.xml"),
        ("Beta Talk", "/shows/beta/feed.xml"),
    ]
    assert [el.text for el in page.find_all("h3", "episode-card__title")] == [newer.title, older.title]
    assert (artwork["src"], artwork["width"], artwork["loading"]) == (
        first.artwork.storage.url(first.artwork_renditions["widths"]["640"]["jpg"]),
        "320",
        "lazy",
    )
    # The publisher feed lists shows, not episodes: it is offered to directories, not to podcast apps.
    assert [a.attrs["href"] for a in page.by_id("subscribe").find_all("a")] == [
        "/network/feed.xml",
        "/network/shows.opml",
        "/shows/alpha/feed.xml",
        "/shows/beta/feed.xml",
    ]


def test_show_page_lists_hosts_episodes_and_absolute_feed_address(client):
    show = make_show(title="Alpha Cast", slug="alpha", description="All about alphas.")
    default_host(show, make_person(name="Hannah Host", slug="hannah"))
    make_episode(show, title="First", published_at=timezone.now() - timedelta(days=2))
    make_episode(show, title="Second", published_at=timezone.now() - timedelta(days=1))

    page = parse(client.get("/shows/alpha/").content)
    feed_field = page.by_id("subscribe").find_all("input")[0].attrs
    feeds = [
        el.attrs["href"] for el in page.find_all("link") if el.attrs.get("type") == "application/rss+xml"
    ]

    assert page.by_id("description").text == "All about alphas."
    assert page.by_id("hosts").text == "Host Hannah Host"
    assert [el.text for el in page.find_all("h3", "episode-card__title")] == ["Second", "First"]
    assert (feed_field["value"], "readonly" in feed_field) == ("http://testserver/shows/alpha/feed.xml", True)
    assert [a.attrs["href"] for a in page.by_id("subscribe").find_all("a")] == ["/shows/alpha/feed.xml"]
    assert feeds == ["/shows/alpha/feed.xml"]


def test_show_page_paginates_twenty_episodes_a_page(client):
    show = make_show(slug="long")
    for day in range(25):
        make_episode(show, title=f"Day {day}", published_at=timezone.now() - timedelta(days=day + 1))

    first = parse(client.get("/shows/long/").content)
    second = parse(client.get("/shows/long/?page=2").content)

    assert [el.text for el in first.find_all("h3", "episode-card__title")] == [f"Day {d}" for d in range(20)]
    assert [el.text for el in second.find_all("h3", "episode-card__title")] == [
        f"Day {d}" for d in range(20, 25)
    ]
    assert second.find_all("nav", "pagination")[0].text == "← Newer Page 2 of 2"


@pytest.fixture
def hidden_episodes():
    """One of each kind of episode the public must never see, each with its own marker."""
    public_show = make_show(slug="public-show")
    private_show = make_show(slug="private-show", title="MARKER-PRIVATE-SHOW", is_public=False)
    guest = make_person(name="Visible Guest", slug="visible-guest")
    visible = make_episode(public_show, title="Visible episode")
    credit(visible, guest)
    hidden = {
        "draft": make_episode(public_show, status=Episode.DRAFT, title="MARKER-DRAFT"),
        "review": make_episode(public_show, status=Episode.REVIEW, title="MARKER-REVIEW"),
        "scheduled": make_episode(
            public_show, title="MARKER-SCHEDULED", published_at=timezone.now() + timedelta(days=1)
        ),
        "private": make_episode(private_show, title="MARKER-PRIVATE-EPISODE"),
    }
    for episode in hidden.values():
        episode.show_notes = f"<p>{episode.title}-NOTES</p>"
        episode.save()
        credit(episode, guest)
    return hidden


@pytest.mark.parametrize("kind", ["draft", "review", "scheduled", "private"])
def test_hidden_episode_page_answers_404(client, hidden_episodes, kind):
    response = client.get(hidden_episodes[kind].get_absolute_url())

    assert response.status_code == 404
    assert "MARKER" not in response.content.decode()
    assert parse(response.content).find_all("h1")[0].text == "This page is not here"


def test_hidden_episodes_appear_in_no_list(client, hidden_episodes):
    pages = ["/", "/shows/public-show/", "/people/visible-guest/", "/sitemap.xml"]

    responses = {url: client.get(url) for url in pages}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(pages, 200)
    assert {url: "MARKER" in r.content.decode() for url, r in responses.items()} == dict.fromkeys(
        pages, False
    )
    assert {
        url: "Visible episode" in r.content.decode() for url, r in responses.items() if url != "/sitemap.xml"
    } == {url: True for url in pages if url != "/sitemap.xml"}


def test_private_show_page_answers_404(client, hidden_episodes):
    response = client.get("/shows/private-show/")

    assert response.status_code == 404
    assert "MARKER" not in response.content.decode()


def test_scheduled_episode_appears_once_its_time_passes(client):
    show = make_show(slug="soon")
    when = timezone.now() + timedelta(hours=2)
    episode = make_episode(show, title="Coming soon", published_at=when)

    before = client.get("/shows/soon/")
    with time_machine.travel(when + timedelta(minutes=1), tick=False):
        after = client.get("/shows/soon/")
        page = client.get(episode.get_absolute_url())

    assert [el.text for el in parse(before.content).find_all("h3", "episode-card__title")] == []
    assert [el.text for el in parse(after.content).find_all("h3", "episode-card__title")] == ["Coming soon"]
    assert parse(page.content).by_id("title").text == "Coming soon"


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines()[-1] == "Sitemap: http://testserver/sitemap.xml"


def test_episode_page_lists_co_hosts_and_speaks_for_both(client):
    show = make_show()
    episode = make_episode(show)
    credit(episode, make_person(name="Ann Host"), "host", order=0)
    credit(episode, make_person(name="Bo Cohost"), "co-host", order=1)
    credit(episode, make_person(name="Cy Guest"), "guest", order=2)
    credit(episode, make_person(name="Di Producer"), "producer", order=3)

    page = parse(client.get(episode.get_absolute_url()).content)

    assert page.by_id("hosts").text == "Your Hosts Ann Host Bo Cohost"
    assert page.by_id("guests").text == (
        "Your hosts as usual are Ann Host and Bo Cohost and today we’re interviewing Cy Guest"
    )


def test_episode_preview_renders_a_draft_with_noindex_and_fixed_queries(django_assert_num_queries):
    draft = make_full_episode(status=Episode.DRAFT, title="Draft in review", items=3)
    draft = Episode.objects.select_related("show").get(pk=draft.pk)

    # episode, credits, guests' links, picks, reads, links, chapters, transcripts, listen-on links,
    # announcements (the network is lazy)
    with django_assert_num_queries(9):
        context = episode_page_context(draft)
    html = render_to_string("episodes/episode_detail.html", {**context, "is_preview": True})
    page = parse(html)
    metas = {el.attrs.get("name"): el.attrs.get("content") for el in page.find_all("meta")}

    assert metas["robots"] == "noindex, nofollow"
    assert page.by_id("title").text == "Draft in review"
    assert page.by_id("date") is None
    assert list(section_positions(html)) == [s for s in REFERENCE_ORDER if s != "date"]
    assert page.by_id("announcements").text == "Announcement 0 Announcement 1 Announcement 2"


def test_unknown_address_answers_the_site_404_page(client):
    Network.objects.create(name="Boundless Audio")

    response = client.get("/shows/no-such-show/")
    page = parse(response.content)

    assert response.status_code == 404
    assert page.find_all("h1")[0].text == "This page is not here"
    assert page.find_all("a", "brand")[0].text == "Boundless Audio"
