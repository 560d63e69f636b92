"""``manage.py importfeed`` from a file and from a local web server."""

import io

import pytest
from django.core.management import CommandError, call_command

from episodes.models import Episode, Show
from tests.factories import rss_document, rss_item

FEED = rss_document(
    rss_item("First steps", guid="c-1", audio_url="https://cdn.example.com/1.mp3", itunes__duration="10:00"),
    rss_item("No audio here", guid="c-2"),
    rss_item("Second steps", guid="c-3", audio_url="https://cdn.example.com/3.mp3"),
    title="Command Line Show",
)


def run(*args):
    out = io.StringIO()
    call_command("importfeed", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_importfeed_from_a_file_prints_progress_and_summary(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)

    lines = run(str(path))

    assert lines == [
        "[1/3] created: First steps",
        "[2/3] skipped: No audio here",
        "[3/3] created: Second steps",
        "Show “Command Line Show” (command-line-show): created.",
        "Skipped “No audio here”: no enclosure (audio URL)",
        "Warning: The feed has no Apple category; choose one before the show goes public.",
        "Warning: The show was created as not public: check it, then make it public.",
        "Episodes: 2 created, 0 updated, 0 unchanged, 1 skipped.",
    ]
    assert list(Episode.objects.order_by("guid").values_list("guid", "duration")) == [
        ("c-1", 600),
        ("c-3", None),
    ]

    assert (
        run(str(path), "--show", "command-line-show")[-1]
        == "Episodes: 0 created, 0 updated, 2 unchanged, 1 skipped."
    )


@pytest.mark.django_db
def test_importfeed_from_a_url(tmp_path, feed_server):
    (tmp_path / "feed.xml").write_bytes(FEED)

    lines = run(f"{feed_server}/feed.xml", "--show", "moved-show")

    assert lines[-1] == "Episodes: 2 created, 0 updated, 0 unchanged, 1 skipped."
    show = Show.objects.get()
    assert (show.slug, show.title) == ("moved-show", "Command Line Show")


@pytest.mark.django_db
def test_importfeed_url_that_answers_404_fails_clearly(feed_server):
    with pytest.raises(CommandError) as error:
        run(f"{feed_server}/missing.xml")

    assert str(error.value) == "The feed URL answered HTTP 404 (File not found). Nothing was imported."
    assert Show.objects.count() == 0


@pytest.mark.django_db
def test_importfeed_refuses_a_locked_feed_unless_allowed(tmp_path):
    path = tmp_path / "locked.xml"
    path.write_bytes(
        rss_document(
            rss_item("Mine", guid="l-1", audio_url="https://cdn.example.com/1.mp3"),
            channel_extra='<podcast:locked owner="me@example.com">yes</podcast:locked>',
        )
    )

    with pytest.raises(CommandError) as error:
        run(str(path))
    assert str(error.value) == (
        "This feed is locked (podcast:locked yes, owner me@example.com): its owner does not allow other "
        "platforms to import it. Import it only if you own it, confirming that you do. Nothing was imported."
    )
    assert (Show.objects.count(), Episode.objects.count()) == (0, 0)

    assert run(str(path), "--allow-locked")[-1] == "Episodes: 1 created, 0 updated, 0 unchanged, 0 skipped."
    assert Show.objects.get().podcast_locked is True


@pytest.mark.django_db
def test_importfeed_of_an_unreadable_file_exits_non_zero(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body>Not a feed</body></html>")

    with pytest.raises(CommandError) as error:
        run(str(path))

    assert (
        str(error.value) == "This is not a feed that can be read: it is an HTML page. Nothing was imported."
    )
    assert Show.objects.count() == 0
