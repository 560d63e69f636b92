"""The public pages in Debian's Chromium, at a phone's and a desktop's width."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from episodes.models import Episode, Network
from sponsors.models import Sponsor
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}


def artwork(name, top, bottom, size=1400):
    """A square gradient with a ring, so screenshots show real images rather than flat blocks."""
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        mix = y / size
        draw.line(
            [(0, y), (size, y)], fill=tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        )
    draw.ellipse(
        [size * 0.22, size * 0.22, size * 0.78, size * 0.78], outline=(255, 255, 255), width=size // 30
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture
def network_pages(urls):
    Network.objects.create(
        name="Boundless Audio",
        tagline="Conversations with the people who build our tools",
        description="Three independent shows about programming, data and the craft of software.",
    )
    show = make_show(
        title="Podcast.__init__",
        slug="podcastinit",
        subtitle="The podcast about Python and the people who make it great",
        description=(
            "The weekly podcast about the Python programming language, its community and the "
            "innovative ways it is being used. Each episode is an interview with someone who builds "
            "or uses Python in a way worth hearing about."
        ),
        artwork=artwork("init.png", (32, 74, 135), (16, 28, 54)),
        intro=(
            "Hello and welcome to Podcast.__init__, the podcast about Python and the people who "
            "make it great."
        ),
        music_credit="Requiem for a Fish The Freak Fandango Orchestra",
        music_license="CC BY-SA",
        music_license_url="https://creativecommons.org/licenses/by-sa/3.0/",
    )
    second = make_show(
        title="Data Engineering Podcast",
        slug="data-engineering",
        subtitle="Weekly deep dives on data management",
        description="How data platforms are built and run, from the engineers who do it.",
        artwork=artwork("data.png", (180, 71, 43), (92, 30, 20)),
    )
    make_show(
        title="Machine Learning Podcast",
        slug="machine-learning",
        description="Practical machine learning, from research to production systems.",
    )
    tobias = make_person(
        name="Tobias Macey",
        slug="tobias-macey",
        bio="Host of Podcast.__init__ and the Data Engineering Podcast.",
        website="https://www.boundlessnotions.com",
        photo=artwork("tobias.png", (90, 120, 90), (40, 60, 40), size=400),
    )
    adam = make_person(name="Adam Paszke", slug="adam-paszke", bio="Co-author of PyTorch.")
    default_host(show, tobias)
    default_host(second, tobias)
    episode = make_episode(
        show,
        title="The Past, Present, and Future of Deep Learning In PyTorch",
        slug="pytorch",
        number=202,
        published_at=datetime(2019, 3, 10, 15, tzinfo=UTC),
        summary=(
            "The current buzz in data science and big data is around the promise of deep learning, "
            "especially when working with unstructured data. One of the most popular frameworks for "
            "building deep learning applications is PyTorch, in large part because of their focus on "
            "ease of use. In this episode Adam Paszke explains how he started the project, how it "
            "compares to other frameworks in the space such as Tensorflow and CNTK, and how it has "
            "evolved to support deploying models into production and on mobile devices."
        ),
        show_notes=(
            "<ul><li>Introductions</li><li>How did you get introduced to Python?</li>"
            "<li>Can you explain what PyTorch is and your motivation for creating it?<ul>"
            "<li>Why was it important for PyTorch to be open source?</li></ul></li>"
            "<li>What do you have planned for the future of PyTorch?</li></ul>"
        ),
        interview_topic=(
            "PyTorch, an open source deep learning platform that provides a seamless path from "
            "research prototyping to production deployment"
        ),
    )
    Episode.objects.filter(pk=episode.pk).update(duration=2532, audio_size=20_254_000)
    credit(episode, tobias, "host")
    credit(episode, adam, "guest")
    campaign = make_campaign(
        show,
        second,
        sponsor=Sponsor.objects.create(name="Linode", slug="linode"),
        read_copy=(
            "<p>When you’re ready to launch your next app you’ll need somewhere to deploy it, so take a "
            "look at our friends over at Linode. Go to linode.com/podcastinit to get a $20 credit.</p>"
        ),
        promo_url="https://www.linode.com/podcastinit",
        promo_code="PODCASTINIT20",
    )
    sponsor_read(episode, campaign)
    announcement(
        show,
        "<p>Visit the site to subscribe to the show, sign up for the newsletter, "
        "and read the show notes.</p>",
        date(2019, 1, 1),
    )
    announcement(
        show, "<p>Join the community in the new Zulip chat workspace.</p>", date(2019, 1, 1), order=1
    )
    person_link(adam, "@apaszke on Twitter", "https://twitter.com/apaszke")
    person_link(adam, "apaszke on GitHub", "https://github.com/apaszke", order=1)
    pick(episode, tobias, "The Expanse TV series", "https://example.com/expanse")
    pick(episode, adam, "Rust", "https://www.rust-lang.org/")
    for order, (title, url) in enumerate(
        [
            ("PyTorch", "https://pytorch.org"),
            ("Tensorflow", "https://www.tensorflow.org"),
            ("CNTK", "https://cntk.ai"),
        ]
    ):
        episode_link(episode, title, url, order=order)
    for n in range(1, 6):
        older = make_episode(
            second,
            title=f"Building a Data Platform, part {n}",
            number=n,
            published_at=datetime(2019, 2, n, tzinfo=UTC),
            summary="How a small team built a data platform that grew with them, and what they would change.",
        )
        Episode.objects.filter(pk=older.pk).update(duration=2400 + n * 61)
        credit(older, tobias, "host")
    return {
        "home": "/",
        "show": show.get_absolute_url(),
        "episode": episode.get_absolute_url(),
        "person": adam.get_absolute_url(),
        "host": tobias.get_absolute_url(),
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_public_pages_fit_the_screen_without_horizontal_scrolling(
    live_server, new_page, screenshot, network_pages, viewport
):
    page = new_page(VIEWPORTS[viewport])
    widths = {}
    for name, path in network_pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        widths[name] = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        screenshot(f"public-{name}-{viewport}", page)

    assert {name: scroll <= inner for name, (scroll, inner) in widths.items()} == dict.fromkeys(
        network_pages, True
    )


def test_episode_page_uses_the_stylesheet_and_loads_artwork(live_server, new_page, network_pages):
    page = new_page(VIEWPORTS["desktop"])
    page.goto(live_server.url + network_pages["episode"])
    page.wait_for_load_state("networkidle")

    header_background = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    artwork_loaded = page.eval_on_selector(".episode-header img", "img => img.complete && img.naturalWidth")
    artwork_source = page.eval_on_selector(".episode-header img", "img => img.currentSrc")
    audio_preload = page.eval_on_selector("#player audio", "el => el.preload")

    assert header_background == "rgb(29, 35, 39)"
    # A rendition for the 160 px slot (WebP, 192 px wide, shown at its density-corrected 160 px),
    # not the 1400 px original.
    assert (artwork_loaded, artwork_source.endswith(".192w.webp")) == (160, True)
    assert audio_preload == "none"


def test_not_found_page_fits_a_phone(live_server, new_page, screenshot, urls):
    page = new_page(VIEWPORTS["phone"])
    response = page.goto(live_server.url + "/shows/no-such-show/")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    heading = page.inner_text("h1")
    screenshot("public-404-phone", page)

    assert (response.status, heading, widths[0] <= widths[1]) == (404, "This page is not here", True)
