"""Publish and unpublish actions on the episode list."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes.models import Episode, Team
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_setup():
    show = make_show()
    editor = make_user(role=Team.EDITOR, shows=[show])
    client = Client()
    client.force_login(editor)
    return show, editor, client


def run_action(client, action, *episodes):
    data = {"action": action, "_selected_action": [e.pk for e in episodes], "index": 0}
    response = client.post(reverse("admin:episodes_episode_changelist"), data)
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_publish_action_publishes_drafts_now_and_records_editor(editor_setup):
    show, editor, client = editor_setup
    draft = make_episode(show, status=Episode.DRAFT)
    before = timezone.now()

    messages = run_action(client, "publish_episodes", draft)

    draft.refresh_from_db()
    assert messages == ["Published 1 episode(s)."]
    assert (draft.status, draft.published_by) == (Episode.PUBLISHED, editor)
    assert before <= draft.published_at <= timezone.now()


def test_publish_action_leaves_published_and_scheduled_times_alone(editor_setup):
    show, _, client = editor_setup
    scheduled_at = timezone.now() + timedelta(days=3)
    scheduled = make_episode(show, published_at=scheduled_at)

    messages = run_action(client, "publish_episodes", scheduled)

    scheduled.refresh_from_db()
    assert messages == ["Published 0 episode(s)."]
    assert scheduled.published_at == scheduled_at


def test_publish_action_refuses_episode_without_audio_and_says_why(editor_setup):
    show, _, client = editor_setup
    silent = make_episode(show, title="Silent", status=Episode.DRAFT, external_audio_url="")

    messages = run_action(client, "publish_episodes", silent)

    assert messages == [
        "Published 0 episode(s).",
        "Not published: “Silent”: Upload the audio (or give its URL) before publishing.",
    ]
    assert Episode.objects.get(pk=silent.pk).status == Episode.DRAFT


def test_unpublish_action_returns_episode_to_draft(editor_setup):
    show, _, client = editor_setup
    published = make_episode(show)

    messages = run_action(client, "unpublish_episodes", published)

    assert messages == ["Unpublished 1 episode(s)."]
    assert Episode.objects.get(pk=published.pk).status == Episode.DRAFT
    assert list(Episode.objects.published()) == []
