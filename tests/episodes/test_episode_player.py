"""The episode page's player, chapters and transcript, as the server renders them (without JavaScript)."""

from pathlib import Path

import pytest

from episodes.models import Chapter, Transcript
from tests.factories import credit, image_upload, make_episode, make_person, text_upload
from tests.html import parse

pytestmark = pytest.mark.django_db

VTT = """WEBVTT

00:00:00.000 --> 00:00:05.000
<v Tobias Macey>Welcome to the show.

00:01:15.000 --> 00:01:20.000
<v Adam Paszke>Thanks for having me.

00:02:00.000 --> 00:02:04.000
<v Somebody Uncredited>A question from the audience.
"""


@pytest.fixture
def episode():
    episode = make_episode(title="Interview", duration=2532)
    credit(episode, make_person(name="Tobias Macey", slug="tobias-macey"), "host")
    credit(episode, make_person(name="Adam Paszke", slug="adam-paszke"), "guest")
    Chapter.objects.create(episode=episode, start_time=0, title="Introduction")
    Chapter.objects.create(
        episode=episode,
        start_time=754,
        title="Autograd",
        url="https://pytorch.org/",
        image=image_upload(size=(400, 400)),
    )
    Transcript.objects.create(episode=episode, mime_type="text/vtt", file=text_upload("t.vtt", VTT))
    return episode


def test_player_shows_the_duration_before_play_and_keeps_the_plain_audio(client, episode):
    page = parse(client.get(episode.get_absolute_url()).content)
    player = page.by_id("player")

    assert player.attrs["data-duration"] == "2532"
    assert [a.attrs.get("controls", "absent") for a in player.find_all("audio")] == [None]
    assert [el.text for el in player.find_all("span") if "data-total" in el.attrs] == ["42:12"]
    assert player.find_all("p", "player__download")[0].text.startswith("Duration 42:12 · Download the audio")
    # The custom controls appear only when the script runs.
    assert "hidden" in player.find_all("div", "player__controls")[0].attrs


def test_chapters_are_seek_links_with_times_titles_images_and_links(client, episode):
    page = parse(client.get(episode.get_absolute_url()).content)
    chapters = page.by_id("chapters").find_all("li", "chapter")

    assert [
        (li.attrs["data-start"], li.find_all("a", "chapter__seek")[0].attrs["href"]) for li in chapters
    ] == [
        ("0", "#t=0"),
        ("754", "#t=754"),
    ]
    assert [li.find_all("a", "chapter__seek")[0].text for li in chapters] == [
        "0:00 Introduction",
        "12:34 Autograd",
    ]
    images = chapters[1].find_all("img")
    assert (len(chapters[0].find_all("img")), images[0].attrs["alt"], "srcset" in images[0].attrs) == (
        0,
        "",
        True,
    )
    assert [a.attrs["href"] for a in chapters[1].find_all("a", "chapter__link")] == ["https://pytorch.org/"]


def test_transcript_lines_seek_and_link_credited_speakers(client, episode):
    page = parse(client.get(episode.get_absolute_url()).content)
    cues = page.by_id("transcript").find_all("li", "cue")

    assert [(cue.attrs["data-start"], cue.find_all("a", "cue__time")[0].attrs["href"]) for cue in cues] == [
        ("0.0", "#t=0"),
        ("75.0", "#t=75"),
        ("120.0", "#t=120"),
    ]
    assert [
        [(a.text, a.attrs["href"]) for a in cue.find_all("span", "cue__speaker")[0].find_all("a")]
        for cue in cues
    ] == [[("Tobias Macey", "/people/tobias-macey/")], [("Adam Paszke", "/people/adam-paszke/")], []]
    assert cues[2].find_all("span", "cue__speaker")[0].text == "Somebody Uncredited"
    assert [cue.find_all("span", "cue__text")[0].text for cue in cues] == [
        "Welcome to the show.",
        "Thanks for having me.",
        "A question from the audience.",
    ]
    # The search field and the follow switch need the script: hidden until it runs.
    assert "hidden" in page.by_id("transcript").find_all("div", "transcript__tools")[0].attrs


def test_episode_without_chapters_or_transcript_has_neither_section(client):
    episode = make_episode()

    page = parse(client.get(episode.get_absolute_url()).content)

    assert (page.by_id("chapters"), page.by_id("transcript")) == (None, None)


def test_episode_page_loads_only_the_player_script_and_no_inline_code(client, episode):
    html = client.get(episode.get_absolute_url()).content.decode()
    scripts = [el for el in parse(html).iter() if el.tag == "script"]

    assert [(s.attrs.get("src"), s.attrs.get("type")) for s in scripts] == [
        (None, "application/ld+json"),
        ("/static/js/player.js", None),
    ]
    assert [name for el in parse(html).iter() for name in el.attrs if name.startswith("on")] == []


def test_episode_page_html_css_and_js_stay_under_100_kb_compressed(client, episode):
    import gzip

    from django.contrib.staticfiles import finders

    html = client.get(episode.get_absolute_url()).content
    assets = [Path(finders.find(name)).read_bytes() for name in ("css/site.css", "js/player.js")]

    compressed = sum(len(gzip.compress(body, 9)) for body in (html, *assets))

    assert compressed < 100 * 1024


def test_chapters_document_gives_chapter_images(client, episode):
    chapters = client.get(f"/chapters/{episode.pk}.json").json()["chapters"]
    image = Chapter.objects.get(episode=episode, start_time=754)

    assert [chapter.get("img") for chapter in chapters] == [
        None,
        "http://testserver" + image.image.storage.url(image.image_renditions["widths"]["320"]["jpg"]),
    ]
