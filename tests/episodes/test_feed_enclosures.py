"""Enclosures that stay put: stable guids and URLs, HEAD and byte ranges on the audio."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from episodes.models import Episode, Show
from tests.factories import image_upload, make_episode, make_show, mp3_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def item_identity(client, show):
    """(guid, enclosure URL) of every item, as the feed prints them."""
    content = client.get(show.get_feed_url()).content
    return [
        (item.findtext("guid"), item.find("enclosure").get("url"))
        for item in ET.fromstring(content).iter("item")
    ]


def audio_bytes(episode):
    with episode.audio.open("rb") as file:
        return file.read()


@pytest.fixture
def episode():
    return make_episode(make_show(), audio=3)


def test_guid_and_enclosure_url_byte_identical_after_editing_everything_else(client, settings):
    show = make_show(artwork=image_upload("first.png"))
    uploaded = make_episode(show, audio=3, title="Original", slug="original", show_notes="<p>Notes</p>")
    imported = make_episode(show, external_audio_url="https://cdn.example.com/imported.mp3")
    before = item_identity(client, show)

    uploaded.title = "Edited title"
    uploaded.slug = "edited-slug"
    uploaded.show_notes = "<p>Edited notes</p>"
    uploaded.summary = "Edited summary"
    uploaded.published_at = timezone.now() - timedelta(days=30)
    uploaded.artwork = image_upload("episode-art.png")
    uploaded.save()
    imported.title = "Imported, edited"
    imported.save()
    show.title = "Edited show"
    show.slug = "edited-show"
    show.show_type = Show.SERIAL
    show.explicit = True
    show.artwork = image_upload("second.png", color=(10, 20, 30))
    show.save()
    after = item_identity(client, show)

    assert sorted(after) == sorted(before)
    assert {url for _, url in after} == {
        f"{settings.SITE_URL}/audio/{uploaded.pk}/{uploaded.audio_revision}.mp3",
        "https://cdn.example.com/imported.mp3",
    }


def test_new_audio_changes_the_enclosure_url_and_not_the_guid(client, episode):
    [(guid, old_url)] = item_identity(client, episode.show)
    old_path = old_url.split("localhost:8000", 1)[1]

    episode.audio = mp3_upload("replacement.mp3", seconds=4)
    episode.save()
    [(new_guid, new_url)] = item_identity(client, episode.show)

    assert new_guid == guid
    assert new_url != old_url
    assert new_url.endswith(f"/audio/{episode.pk}/{episode.audio_revision}.mp3")
    assert client.get(old_path).status_code == 404
    assert client.head(new_url.split("localhost:8000", 1)[1]).status_code == 200


def test_audio_get_serves_the_whole_file(client, episode):
    response = client.get(episode.enclosure_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == audio_bytes(episode)
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(episode.audio_size)


def test_audio_head_answers_real_length_and_type_without_body(client, episode):
    response = client.head(episode.enclosure_url)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(audio_bytes(episode)))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=10-99", 10, 99), ("bytes=100-", 100, None), ("bytes=-64", -64, None), ("bytes=0-0", 0, 0)],
)
def test_audio_range_answers_206_with_exact_bytes(client, episode, header, start, end):
    data = audio_bytes(episode)
    size = len(data)
    first = start if start >= 0 else size + start
    last = end if end is not None else size - 1

    response = client.get(episode.enclosure_url, headers={"Range": header})

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "audio/mpeg"


def test_audio_range_past_the_end_answers_416(client, episode):
    size = len(audio_bytes(episode))

    response = client.get(episode.enclosure_url, headers={"Range": f"bytes={size}-"})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_audio_head_with_range_answers_206_headers(client, episode):
    size = len(audio_bytes(episode))

    response = client.head(episode.enclosure_url, headers={"Range": "bytes=0-99"})

    assert response.status_code == 206
    assert response.content == b""
    assert response["Content-Range"] == f"bytes 0-99/{size}"
    assert response["Content-Length"] == "100"


def test_audio_of_draft_scheduled_and_private_episodes_answers_404(client):
    draft = make_episode(audio=True, status=Episode.DRAFT)
    scheduled = make_episode(audio=True, published_at=timezone.now() + timedelta(days=1))
    private = make_episode(make_show(is_public=False), audio=True)
    public = make_episode(audio=True)

    for hidden in (draft, scheduled, private):
        assert client.get(hidden.enclosure_url).status_code == 404
        assert client.head(hidden.enclosure_url).status_code == 404
    assert client.head(public.enclosure_url).status_code == 200


def test_audio_with_wrong_revision_or_extension_answers_404(client, episode):
    assert client.get(f"/audio/{episode.pk}/000000000000.mp3").status_code == 404
    assert client.get(f"/audio/{episode.pk}/{episode.audio_revision}.m4a").status_code == 404


def test_audio_on_remote_storage_redirects_to_the_stored_file(client, episode, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.storages.NoLocalPathStorage"},
    }
    remote = Episode.objects.get(pk=episode.pk)

    response = client.get(remote.enclosure_url)

    assert response.status_code == 302
    assert response["Location"] == f"https://media.example.com/{episode.audio.name}"
