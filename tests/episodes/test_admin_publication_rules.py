"""What the episode form refuses around publication, whatever a user posts by hand."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes.models import Episode, Team
from tests.episodes.test_admin_permissions import episode_post_data
from tests.factories import make_campaign, make_episode, make_show, make_user

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(episode):
    return reverse("admin:episodes_episode_change", args=[episode.pk])


@pytest.fixture
def shows():
    return make_show(slug="alpha", title="Alpha"), make_show(slug="charlie", title="Charlie")


def test_producer_of_both_shows_cannot_move_a_published_episode(shows):
    alpha, charlie = shows
    episode = make_episode(alpha, slug="live")
    producer = make_user(role=Team.PRODUCER, shows=[alpha, charlie])
    data = episode_post_data(episode, show=charlie.pk)
    del data["status"]  # read-only for a producer on a published episode

    response = logged_in(producer).post(change_url(episode), data)

    episode.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["show"] == [
        "Only an editor of both shows may move a published episode to another show."
    ]
    assert episode.show == alpha


def test_editor_of_one_show_cannot_move_a_published_episode_to_the_other(shows):
    alpha, charlie = shows
    episode = make_episode(alpha, slug="live")
    user = make_user(role=Team.EDITOR, shows=[alpha])
    Team.objects.create(name="Charlie producers", role=Team.PRODUCER).members.add(user)
    Team.objects.get(name="Charlie producers").shows.add(charlie)

    response = logged_in(user).post(change_url(episode), episode_post_data(episode, show=charlie.pk))

    episode.refresh_from_db()
    assert response.status_code == 200
    assert episode.show == alpha


def test_editor_of_both_shows_moves_a_published_episode(shows):
    alpha, charlie = shows
    episode = make_episode(alpha, slug="live")
    editor = make_user(role=Team.EDITOR, shows=[alpha, charlie])

    response = logged_in(editor).post(change_url(episode), episode_post_data(episode, show=charlie.pk))

    episode.refresh_from_db()
    assert response.status_code == 302
    assert episode.show == charlie


def test_published_episode_set_to_review_gets_a_form_error(shows):
    alpha, _ = shows
    episode = make_episode(alpha)
    editor = make_user(role=Team.EDITOR, shows=[alpha])

    response = logged_in(editor).post(change_url(episode), episode_post_data(episode, status=Episode.REVIEW))

    episode.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "This episode is published: choose Draft to unpublish it before a review."
    ]
    assert episode.status == Episode.PUBLISHED


def test_publication_time_on_a_draft_asks_for_published_status(shows):
    alpha, _ = shows
    episode = make_episode(alpha, status=Episode.DRAFT)
    editor = make_user(role=Team.EDITOR, shows=[alpha])
    when = timezone.localtime(timezone.now() + timedelta(days=3))

    response = logged_in(editor).post(
        change_url(episode),
        episode_post_data(
            episode,
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
        ),
    )

    episode.refresh_from_db()
    assert response.context["adminform"].form.errors["published_at"] == [
        "A publication time applies to published episodes: choose Published."
    ]
    assert (episode.status, episode.published_at) == (Episode.DRAFT, None)


def test_campaign_list_refuses_lookups_that_are_not_its_filters(shows):
    alpha, charlie = shows
    campaign = make_campaign(alpha, charlie, name="Shared")
    producer = make_user(role=Team.PRODUCER, shows=[alpha])
    client = logged_in(producer)
    url = reverse("admin:sponsors_campaign_changelist")

    probing = client.get(url, {"shows__id__exact": charlie.pk})
    declared = client.get(url, {"show": alpha.pk})

    assert probing.status_code == 400
    assert declared.status_code == 200
    assert list(declared.context["cl"].result_list) == [campaign]
