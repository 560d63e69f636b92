"""The README's example: scripts/publish_episode.py publishes an episode through a live server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from episodes.api.models import ApiToken
from episodes.audio import tone_mp3
from episodes.models import Episode, PublicationRecord, Team
from tests.factories import make_show, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "publish_episode.py"


def run_script(api_server, key, *args):
    env = {**os.environ, "PODCASTCMS_API_TOKEN": key}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--api", f"{api_server.url}/api", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def arguments(audio):
    return [
        "--show",
        "alpha",
        "--guid",
        "urn:ci:episode-7",
        "--title",
        "Seventh",
        "--slug",
        "seventh",
        "--summary",
        "What we talk about.",
        "--audio",
        str(audio),
    ]


def test_publish_script_publishes_an_episode_with_its_audio_and_twice_is_once(api_server, tmp_path):
    show = make_show(slug="alpha")
    editor = make_user("editor", role=Team.EDITOR, shows=[show])
    _token, key = ApiToken.create_for(editor, "cli", access=ApiToken.READ_WRITE, shows=[show])
    audio = tmp_path / "mastered.mp3"
    audio.write_bytes(tone_mp3(2))

    first = run_script(api_server, key, *arguments(audio))
    second = run_script(api_server, key, *arguments(audio))

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    episode = Episode.objects.get(guid="urn:ci:episode-7")
    assert (episode.status, episode.duration, episode.published_by) == (Episode.PUBLISHED, 2, editor)
    assert episode.is_public
    assert PublicationRecord.objects.filter(episode=episode).count() == 1
    assert f"published at {episode.published_at.isoformat().replace('+00:00', 'Z')}" in first.stdout
    assert "/shows/alpha/seventh/" in first.stdout


def test_publish_script_with_a_producers_token_stops_with_the_reason(api_server, tmp_path):
    show = make_show(slug="alpha")
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    _token, key = ApiToken.create_for(producer, "cli", access=ApiToken.READ_WRITE, shows=[show])
    audio = tmp_path / "mastered.mp3"
    audio.write_bytes(tone_mp3(1))

    result = run_script(api_server, key, *arguments(audio))

    assert result.returncode == 1
    assert "answered 403: Only editors of" in result.stderr
    assert Episode.objects.get(guid="urn:ci:episode-7").status == Episode.DRAFT


def test_publish_script_at_a_future_time_schedules_the_episode(api_server, tmp_path):
    show = make_show(slug="alpha")
    editor = make_user("editor", role=Team.EDITOR, shows=[show])
    _token, key = ApiToken.create_for(editor, "cli", access=ApiToken.READ_WRITE, shows=[show])
    audio = tmp_path / "mastered.mp3"
    audio.write_bytes(tone_mp3(1))

    result = run_script(api_server, key, *arguments(audio), "--at", "2031-01-02T09:00:00Z")

    assert result.returncode == 0, result.stderr
    episode = Episode.objects.get(guid="urn:ci:episode-7")
    assert episode.is_scheduled
    assert episode.published_at.isoformat() == "2031-01-02T09:00:00+00:00"
    assert not episode.is_public
