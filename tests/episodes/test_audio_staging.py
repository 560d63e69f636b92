"""Audio uploaded before the episode form is saved: checked, scoped, and kept through form errors."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from episodes.audio import tone_mp3
from episodes.audio_uploads import StagedAudio
from episodes.models import Episode, Team
from tests.episodes.test_admin_permissions import episode_post_data
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:episodes_episode_upload_audio")


@pytest.fixture
def studio():
    show = make_show(title="Alpha Show", slug="alpha")
    other = make_show(title="Bravo Show", slug="bravo")
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    client = Client()
    client.force_login(producer)
    return {"show": show, "other": other, "producer": producer, "client": client}


def mp3(name="Interview – final mix.mp3", seconds=4):
    return SimpleUploadedFile(name, tone_mp3(seconds), "audio/mpeg")


def test_upload_is_checked_stored_and_described(studio, media_root):
    response = studio["client"].post(f"{UPLOAD_URL}?show={studio['show'].pk}", {"file": mp3()})

    answer = json.loads(response.content)
    staged = StagedAudio.objects.get()
    size = len(tone_mp3(4))
    assert response.status_code == 201
    assert answer == {
        "token": str(staged.token),
        "name": "Interview – final mix.mp3",
        "size": size,
        "duration": 4,
        "mime_type": "audio/mpeg",
        "description": f"Interview – final mix.mp3 · 0:04 · {size / 1000:.1f} KB · audio/mpeg",
    }
    assert staged.file.name.startswith("shows/alpha/episodes/audio/") and staged.file.name.endswith(".mp3")
    assert (media_root / staged.file.name).read_bytes() == tone_mp3(4)


def test_upload_that_is_not_audio_is_refused_and_stores_nothing(studio, media_root):
    fake = SimpleUploadedFile("episode.mp3", b"<html>not audio</html>", "audio/mpeg")

    response = studio["client"].post(f"{UPLOAD_URL}?show={studio['show'].pk}", {"file": fake})

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "error": "This file is not MP3 audio: no MPEG audio frame starts at byte 0."
    }
    assert StagedAudio.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_upload_over_the_configured_limit_is_refused_before_it_is_read(studio, settings):
    settings.PODCASTCMS_MAX_AUDIO_BYTES = 1000

    response = studio["client"].post(f"{UPLOAD_URL}?show={studio['show'].pk}", {"file": mp3()})

    assert response.status_code == 413
    size = len(tone_mp3(4))
    assert json.loads(response.content) == {
        "error": f"This file is {size / 1000:.1f} KB; the largest audio file accepted is 1.0 KB."
    }
    assert StagedAudio.objects.count() == 0


def test_upload_to_another_show_answers_404(studio):
    response = studio["client"].post(f"{UPLOAD_URL}?show={studio['other'].pk}", {"file": mp3()})

    assert response.status_code == 404
    assert StagedAudio.objects.count() == 0


def test_direct_upload_urls_answer_404_without_object_storage(studio):
    for name in ("episodes_episode_upload_start", "episodes_episode_upload_complete"):
        url = reverse(f"admin:{name}") + f"?show={studio['show'].pk}"
        assert studio["client"].post(url, {"name": "a.mp3", "size": 10}).status_code == 404


def staged_token(studio, seconds=4):
    response = studio["client"].post(f"{UPLOAD_URL}?show={studio['show'].pk}", {"file": mp3(seconds=seconds)})
    return json.loads(response.content)["token"]


def test_staged_audio_survives_a_form_error_and_is_used_when_the_form_is_saved(studio):
    episode = make_episode(studio["show"], status=Episode.DRAFT, external_audio_url="")
    token = staged_token(studio)
    url = reverse("admin:episodes_episode_change", args=[episode.pk])

    failed = studio["client"].post(url, episode_post_data(episode, staged_audio=token, summary=""))
    widget_html = failed.content.decode()
    saved = studio["client"].post(url, episode_post_data(episode, staged_audio=token))

    assert failed.context["adminform"].form.errors == {"summary": ["This field is required."]}
    assert f'name="staged_audio" value="{token}"' in widget_html
    assert "Uploaded, saved with the episode: <strong>Interview – final mix.mp3 · 0:04" in widget_html
    assert saved.status_code == 302
    episode.refresh_from_db()
    assert (episode.audio_original_name, episode.duration, episode.audio_mime_type) == (
        "Interview – final mix.mp3",
        4,
        "audio/mpeg",
    )
    assert episode.audio.name.startswith("shows/alpha/episodes/audio/")
    assert StagedAudio.objects.count() == 0


def test_change_form_shows_current_audio_by_original_name(studio):
    episode = make_episode(studio["show"], status=Episode.DRAFT, external_audio_url="")
    url = reverse("admin:episodes_episode_change", args=[episode.pk])
    studio["client"].post(url, episode_post_data(episode, staged_audio=staged_token(studio)))

    page = studio["client"].get(url).content.decode()

    size = len(tone_mp3(4))
    assert (
        f"Current audio: <strong>Interview – final mix.mp3 · 0:04 · {size / 1000:.1f} KB · audio/mpeg" in page
    )


def test_another_users_staged_audio_is_refused(studio):
    token = staged_token(studio)
    colleague = make_user("colleague", role=Team.PRODUCER, shows=[studio["show"]])
    episode = make_episode(studio["show"], status=Episode.DRAFT)
    client = Client()
    client.force_login(colleague)

    response = client.post(
        reverse("admin:episodes_episode_change", args=[episode.pk]),
        episode_post_data(episode, staged_audio=token),
    )

    assert response.context["adminform"].form.errors == {
        "audio": ["The uploaded audio belongs to another show or has expired; choose the file again."]
    }


def test_audio_stored_before_names_were_kept_is_not_shown_by_its_random_name(studio):
    episode = make_episode(studio["show"], status=Episode.DRAFT, audio=3)

    page = studio["client"].get(reverse("admin:episodes_episode_change", args=[episode.pk])).content.decode()

    assert "Current audio: <strong>uploaded audio (.mp3) · 0:03" in page
    assert episode.audio.name.rsplit("/", 1)[1] not in page.split('class="audio-current"')[1].split("</p>")[0]


def test_uploads_no_form_took_are_deleted_with_their_files_after_two_days(studio, media_root):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    staged_token(studio)
    staged_token(studio)
    old, recent = StagedAudio.objects.order_by("pk")
    StagedAudio.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))

    call_command("clearstagedaudio")

    assert list(StagedAudio.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (media_root / old.file.name).exists()
    assert (media_root / recent.file.name).exists()
