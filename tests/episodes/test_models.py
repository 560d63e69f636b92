from datetime import timedelta

import pytest
from django.utils import timezone

from episodes.models import Episode, podcast_guid_for_url
from tests.factories import make_episode, make_show, mp3_upload

pytestmark = pytest.mark.django_db


def test_published_excludes_draft_scheduled_and_private_show():
    public_show = make_show()
    private_show = make_show(is_public=False)
    visible = make_episode(public_show)
    make_episode(public_show, status=Episode.DRAFT)
    make_episode(public_show, status=Episode.REVIEW)
    make_episode(public_show, published_at=timezone.now() + timedelta(days=1))
    make_episode(private_show)

    assert list(Episode.objects.published()) == [visible]


def test_published_includes_scheduled_episode_once_its_time_passes():
    episode = make_episode(published_at=timezone.now() + timedelta(hours=2))

    assert list(Episode.objects.published()) == []
    assert list(Episode.objects.published(now=timezone.now() + timedelta(hours=3))) == [episode]


def test_guid_unchanged_after_editing_title_slug_audio_date_and_show():
    episode = make_episode(audio=True)
    guid = episode.guid
    other_show = make_show()

    episode.title = "A new title"
    episode.slug = "a-new-slug"
    episode.audio = mp3_upload("replacement.mp3", seconds=4)
    episode.published_at = timezone.now() - timedelta(days=10)
    episode.show = other_show
    episode.save()
    episode.refresh_from_db()

    assert episode.guid == guid
    assert episode.show == other_show
    assert episode.duration == 4


def test_guids_are_unique_across_shows():
    guids = {make_episode(make_show()).guid for _ in range(20)}

    assert len(guids) == 20


def test_audio_upload_fills_duration_size_and_type_from_the_file():
    episode = make_episode(audio=5)

    assert episode.duration == 5
    assert episode.audio_mime_type == "audio/mpeg"
    assert episode.audio_size == episode.audio.size
    assert len(episode.audio_revision) == 12


def test_podcast_guid_matches_the_spec_worked_example():
    # podcast-namespace docs/tags/guid.md
    assert str(podcast_guid_for_url("https://mp3s.nashownotes.com/pc20rss.xml")) == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert str(podcast_guid_for_url("podnews.net/rss/")) == "9b024349-ccf0-5f69-a609-6b82873eab3c"
