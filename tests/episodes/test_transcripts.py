"""Uploaded transcripts: the file must be what its type says, and stored under a name nobody guesses."""

import os
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from episodes.models import Transcript
from tests.factories import WEBVTT_SAMPLE, make_episode, png_bytes, text_upload

pytestmark = pytest.mark.django_db

RANDOM_HEX = "[0-9a-f]{32}"


def transcript(name, content, mime_type):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    upload = SimpleUploadedFile(name, data, content_type=mime_type)
    return Transcript(episode=make_episode(), file=upload, mime_type=mime_type)


def file_errors(transcript):
    with pytest.raises(ValidationError) as caught:
        transcript.full_clean()
    return caught.value.message_dict["file"]


@pytest.mark.parametrize(
    ("name", "content", "mime_type"),
    [
        ("captions.vtt", WEBVTT_SAMPLE, "text/vtt"),
        ("captions.vtt", "\ufeffWEBVTT - with a header\n\n00:00.000 --> 00:01.000\nHi\n", "text/vtt"),
        ("captions.SRT", "1\n00:00:00,000 --> 00:00:02,000\nHello\n", "application/x-subrip"),
        ("transcript.json", '{"version": "1.0.0", "segments": []}', "application/json"),
        ("transcript.html", "<p>Grüße</p>", "text/html"),
        ("transcript.htm", "<p>Hello</p>", "text/html"),
        ("transcript.txt", "Hello and welcome.", "text/plain"),
    ],
)
def test_transcript_clean_accepts_a_file_matching_its_type(name, content, mime_type):
    transcript(name, content, mime_type).full_clean()


@pytest.mark.parametrize(
    ("name", "mime_type", "message"),
    [
        (
            "page.html",
            "text/vtt",
            "A transcript of type text/vtt must be a .vtt file; this one is named “page.html”.",
        ),
        (
            "t.vtt",
            "text/html",
            "A transcript of type text/html must be a .html or .htm file; this one is named “t.vtt”.",
        ),
        ("t", "text/plain", "A transcript of type text/plain must be a .txt file; this one is named “t”."),
        (
            "t.exe",
            "application/json",
            "A transcript of type application/json must be a .json file; this one is named “t.exe”.",
        ),
    ],
)
def test_transcript_clean_refuses_an_extension_not_matching_its_type(name, mime_type, message):
    assert file_errors(transcript(name, WEBVTT_SAMPLE, mime_type)) == [message]


def test_transcript_clean_refuses_a_file_that_is_not_utf8():
    latin1 = "Grüße".encode("iso-8859-1")

    errors = file_errors(transcript("t.txt", latin1, "text/plain"))

    assert errors == ["Transcripts must be UTF-8 text; this file is not (byte 2)."]


def test_transcript_clean_refuses_binary_data():
    errors = file_errors(transcript("t.srt", png_bytes(), "application/x-subrip"))

    assert errors == ["Transcripts must be UTF-8 text; this file is not (byte 0)."]


def test_transcript_clean_refuses_json_that_does_not_parse():
    errors = file_errors(transcript("t.json", '{"segments": [', "application/json"))

    assert errors == ["This JSON transcript is not valid JSON (Expecting value: line 1 column 15 (char 14))."]


@pytest.mark.parametrize("content", ["1\n00:00:00,000 --> 00:00:02,000\nHi\n", "WEBVTTX\n", "", " WEBVTT\n"])
def test_transcript_clean_refuses_webvtt_without_the_signature(content):
    errors = file_errors(transcript("t.vtt", content, "text/vtt"))

    assert errors == ["A WebVTT transcript must start with the line “WEBVTT”."]


def test_transcript_clean_checks_a_stored_file_against_a_changed_type():
    stored = Transcript.objects.create(episode=make_episode(), file=text_upload("t.vtt", WEBVTT_SAMPLE))
    stored.mime_type = "application/json"

    name = os.path.basename(stored.file.name)
    assert file_errors(stored) == [
        f"A transcript of type application/json must be a .json file; this one is named “{name}”."
    ]


def test_transcript_with_only_a_url_needs_no_file_checks():
    Transcript(episode=make_episode(), url="https://cdn.example.com/t.vtt", mime_type="text/vtt").full_clean()


def test_transcript_is_stored_under_a_random_name_keeping_its_extension():
    first = Transcript.objects.create(
        episode=make_episode(), file=text_upload("Secret Guest.VTT", WEBVTT_SAMPLE)
    )
    second = Transcript.objects.create(
        episode=make_episode(), file=text_upload("Secret Guest.VTT", WEBVTT_SAMPLE)
    )

    assert re.fullmatch(f"transcripts/{RANDOM_HEX}\\.vtt", first.file.name)
    assert re.fullmatch(f"transcripts/{RANDOM_HEX}\\.vtt", second.file.name)
    assert first.file.name != second.file.name


def test_episode_audio_is_stored_under_a_random_name_keeping_its_extension():
    episode = make_episode(audio=True, slug="surprise-guest")

    assert re.fullmatch(f"shows/{episode.show.slug}/episodes/audio/{RANDOM_HEX}\\.mp3", episode.audio.name)
    assert "episode" not in episode.audio.name.rsplit("/", 1)[1]


def test_artwork_is_stored_under_a_random_name_keeping_its_extension():
    from tests.factories import image_upload, make_show

    show = make_show(slug="private-launch", is_public=False, artwork=image_upload("Secret Launch.PNG"))
    episode = make_episode(show, status="draft", artwork=image_upload("surprise-guest.png"))

    assert re.fullmatch(f"shows/private-launch/artwork/{RANDOM_HEX}\\.png", show.artwork.name)
    assert re.fullmatch(f"shows/private-launch/episodes/artwork/{RANDOM_HEX}\\.png", episode.artwork.name)


HOSTILE_TRANSCRIPT = (
    "<p>Host: Welcome.</p><script>fetch('/admin/').then(r => r.text()).then(steal)</script>"
    '<img src="x" onerror="alert(document.cookie)"><iframe src="/admin/"></iframe>'
    '<p onclick="alert(1)">Guest: <a href="javascript:alert(2)">Thanks</a>.</p>'
)
CLEAN_TRANSCRIPT = '<p>Host: Welcome.</p><img src="x"><p>Guest: <a rel="noopener noreferrer">Thanks</a>.</p>'


def test_html_transcript_is_stored_sanitised(media_root):
    stored = Transcript.objects.create(
        episode=make_episode(),
        file=SimpleUploadedFile("t.html", HOSTILE_TRANSCRIPT.encode(), "text/html"),
        mime_type="text/html",
    )

    on_disk = (media_root / stored.file.name).read_text()

    assert re.fullmatch(f"transcripts/{RANDOM_HEX}\\.html", stored.file.name)
    assert on_disk == CLEAN_TRANSCRIPT


def test_html_transcript_is_served_sanitised_even_when_stored_raw(client, media_root):
    stored = Transcript.objects.create(
        episode=make_episode(), file=text_upload("t.txt", "placeholder"), mime_type="text/plain"
    )
    # A file written around the model (an old upload, a shell session) holds the raw markup.
    (media_root / "transcripts" / "raw.html").write_text(HOSTILE_TRANSCRIPT)
    Transcript.objects.filter(pk=stored.pk).update(file="transcripts/raw.html", mime_type="text/html")

    response = client.get(f"/transcripts/{stored.pk}.html")

    assert response.status_code == 200
    assert response.content.decode() == CLEAN_TRANSCRIPT
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "mime_type", "content_type"),
    [
        ("t.vtt", "text/vtt", "text/vtt; charset=utf-8"),
        ("t.srt", "application/x-subrip", "application/x-subrip; charset=utf-8"),
        ("t.json", "application/json", "application/json"),
        ("t.txt", "text/plain", "text/plain; charset=utf-8"),
    ],
)
def test_text_transcripts_are_served_with_their_type_nosniff_and_sandbox(
    client, name, mime_type, content_type
):
    body = {"text/vtt": WEBVTT_SAMPLE, "application/json": '{"segments": []}'}.get(
        mime_type, "<script>x</script>"
    )
    stored = Transcript.objects.create(
        episode=make_episode(), file=text_upload(name, body), mime_type=mime_type
    )

    response = client.get(f"/transcripts/{stored.pk}.{name.rsplit('.', 1)[1]}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == body
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_migration_rewrites_html_transcripts_stored_raw_before_sanitising(media_root):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("episodes.migrations.0008_preview_keys_sanitised_html_transcripts")
    stored = Transcript.objects.create(
        episode=make_episode(), file=text_upload("t.txt", "x"), mime_type="text/plain"
    )
    (media_root / "transcripts" / "old.html").write_text(HOSTILE_TRANSCRIPT)
    Transcript.objects.filter(pk=stored.pk).update(file="transcripts/old.html", mime_type="text/html")

    migration.sanitise_stored_html_transcripts(apps, None)

    assert (media_root / "transcripts" / "old.html").read_text() == CLEAN_TRANSCRIPT
    assert Transcript.objects.get(pk=stored.pk).file.name == "transcripts/old.html"
