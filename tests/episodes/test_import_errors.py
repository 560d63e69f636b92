"""Feeds that cannot be read at all give a clear error and write nothing."""

import pytest

from episodes.imports.feedreader import MAX_FEED_BYTES, FeedImportError, read_source
from episodes.imports.importer import import_feed
from episodes.models import Episode, Show, Transcript
from people.models import Credit, Person
from tests.factories import rss_document, rss_item, shared_feed


def row_counts():
    return (
        Show.objects.count(),
        Episode.objects.count(),
        Person.objects.count(),
        Credit.objects.count(),
        Transcript.objects.count(),
    )


@pytest.mark.django_db
def test_feed_declared_iso_8859_1_is_decoded():
    feed = rss_document(
        rss_item("Grüße aus Köln", guid="köln-1", audio_url="https://cdn.example.com/k%C3%B6ln.mp3"),
        title="Straßenfeger Café",
        encoding="iso-8859-1",
    )
    assert "Grüße".encode("iso-8859-1") in feed

    result = import_feed(feed)

    assert result.show.title == "Straßenfeger Café"
    episode = Episode.objects.get()
    assert (episode.guid, episode.title) == ("köln-1", "Grüße aus Köln")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "fraction"),
    [
        ("sentimental-garbage.xml", 0.5),
        ("sentimental-garbage.xml", 0.9),
        ("1865.xml", 0.7),
        ("no-agenda.xml", 0.6),
    ],
)
def test_truncated_feed_is_refused_and_writes_nothing(name, fraction):
    data = shared_feed(name).read_bytes()

    with pytest.raises(FeedImportError) as error:
        import_feed(data[: int(len(data) * fraction)])

    assert "looks truncated, so nothing was imported" in str(error.value)
    assert row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_feed_cut_after_its_first_lines_is_refused():
    data = rss_document(rss_item("One", guid="1", audio_url="https://cdn.example.com/1.mp3"))

    with pytest.raises(FeedImportError) as error:
        import_feed(data[:60])

    assert str(error.value) == "This is not a feed that can be read: it is cut off."
    assert row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_html_page_given_as_a_feed_is_refused():
    page = (
        b"<!DOCTYPE html>\n<html><head><title>Our podcast</title></head><body><h1>Listen</h1></body></html>"
    )

    with pytest.raises(FeedImportError) as error:
        import_feed(page)

    assert str(error.value) == "This is not a feed that can be read: it is an HTML page."
    assert row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The feed is empty."),
        (b"  \n ", "The feed is empty."),
        (b"just some words", "This is not a feed that can be read: it is not RSS or Atom (syntax error)."),
        (
            b'{"title": "json"}',
            "This is not a feed that can be read: it is not RSS or Atom (not well-formed (invalid token)).",
        ),
    ],
)
def test_empty_and_non_feed_data_is_refused(data, message):
    with pytest.raises(FeedImportError) as error:
        import_feed(data)

    assert str(error.value) == message
    assert row_counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_feed_over_50_mb_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xml"
    with path.open("wb") as file:
        file.write(rss_document(rss_item("One", guid="1", audio_url="https://cdn.example.com/1.mp3"))[:-20])
        file.write(b"<!--" + b" " * MAX_FEED_BYTES + b"-->")
    assert path.stat().st_size > 50 * 1024 * 1024

    with pytest.raises(FeedImportError) as error:
        read_source(path)

    assert str(error.value) == "The feed is 50.0 MB; at most 50 MB are accepted."
    with pytest.raises(FeedImportError) as error:
        import_feed(path.read_bytes())
    assert str(error.value) == "The feed is larger than 50 MB."
    assert row_counts() == (0, 0, 0, 0, 0)


def test_missing_file_and_other_schemes_are_refused(tmp_path):
    with pytest.raises(FeedImportError) as error:
        read_source(tmp_path / "absent.xml")
    assert (
        str(error.value)
        == f"The feed file “{tmp_path / 'absent.xml'}” cannot be read: No such file or directory."
    )

    with pytest.raises(FeedImportError) as error:
        read_source("file:///etc/passwd")
    assert str(error.value) == "Only http and https feed URLs can be imported, not “file:///etc/passwd”."
