"""Workflow e-mail: editors hear of reviews, producers of publications and send-backs; opt-out per user."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import services
from episodes.models import Episode, NotificationSettings, Team
from tests.episodes.test_admin_permissions import episode_post_data
from tests.factories import make_episode, make_show, make_user
from tests.workers import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    show = make_show(title="Alpha Show", slug="alpha")
    other = make_show(title="Bravo Show", slug="bravo")
    return {
        "show": show,
        "producer": make_user("producer", role=Team.PRODUCER, shows=[show]),
        "editor": make_user("editor", role=Team.EDITOR, shows=[show]),
        # Someone on another show must never hear about this one.
        "other_editor": make_user("other-editor", role=Team.EDITOR, shows=[other]),
        "other_producer": make_user("other-producer", role=Team.PRODUCER, shows=[other]),
    }


def test_marking_ready_mails_the_shows_editors_once_committed(team, django_capture_on_commit_callbacks):
    episode = make_episode(team["show"], status=Episode.DRAFT, title="Typing at scale")

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_ready_for_review(episode, team["producer"])
    assert mail.outbox == []  # queued: the request never waits for the mail server
    run_worker()  # the mail is a task: the worker sends it

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["editor@example.com"], "[Alpha Show] “Typing at scale” is ready for review")
    ]
    assert "producer marked “Typing at scale” (Alpha Show) as ready for review." in mail.outbox[0].body
    assert f"/admin/episodes/episode/{episode.pk}/change/" in mail.outbox[0].body


def test_no_mail_is_sent_when_the_change_is_rolled_back(team, django_capture_on_commit_callbacks):
    episode = make_episode(team["show"], status=Episode.PUBLISHED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        services.mark_ready_for_review(episode, team["producer"])

    assert (callbacks, mail.outbox) == ([], [])


def test_publishing_and_scheduling_mail_the_producers(team, django_capture_on_commit_callbacks):
    live = make_episode(team["show"], status=Episode.DRAFT, title="Live now")
    later = make_episode(team["show"], status=Episode.DRAFT, title="Next week")

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(live, team["editor"])
        services.publish(later, team["editor"], when=timezone.now() + timedelta(days=7))
    run_worker()  # the mail is a task: the worker sends it

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["producer@example.com"], "[Alpha Show] “Live now” is published"),
        (["producer@example.com"], "[Alpha Show] “Next week” is scheduled"),
    ]
    assert "It goes live on " in mail.outbox[1].body


def test_sending_back_with_a_comment_mails_it_to_the_producers(team, django_capture_on_commit_callbacks):
    episode = make_episode(team["show"], status=Episode.REVIEW, title="Rough cut")
    client = Client()
    client.force_login(team["editor"])
    url = reverse("admin:episodes_episode_change", args=[episode.pk])

    form = client.get(url).context["adminform"].form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, episode_post_data(episode, status=Episode.DRAFT, review_comment="Cut the first two minutes.")
        )
    run_worker()  # the mail is a task: the worker sends it

    assert "review_comment" in form.fields
    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["producer@example.com"], "[Alpha Show] “Rough cut” is sent back to draft")
    ]
    assert "Their comment:\nCut the first two minutes." in mail.outbox[0].body


def test_a_user_who_turned_mail_off_gets_none(team, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(user=team["editor"], email_enabled=False)
    episode = make_episode(team["show"], status=Episode.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_ready_for_review(episode, team["producer"])
    run_worker()  # the mail is a task: the worker sends it

    assert mail.outbox == []


def test_notification_settings_page_changes_only_the_users_own_setting(team):
    client = Client()
    client.force_login(team["editor"])
    mine = client.get(reverse("admin:episodes_notificationsettings_changelist"))
    setting = NotificationSettings.objects.get(user=team["editor"])
    others = NotificationSettings.objects.create(user=team["producer"])

    client.post(mine["Location"], {"email_enabled": ""})
    foreign = client.get(reverse("admin:episodes_notificationsettings_change", args=[others.pk]))

    assert mine["Location"] == reverse("admin:episodes_notificationsettings_change", args=[setting.pk])
    assert NotificationSettings.objects.get(pk=setting.pk).email_enabled is False
    assert NotificationSettings.objects.get(pk=others.pk).email_enabled is True
    assert (foreign.status_code, foreign["Location"]) == (302, reverse("admin:index"))


def test_save_and_mark_ready_button_hands_the_draft_over(team, django_capture_on_commit_callbacks):
    episode = make_episode(team["show"], status=Episode.DRAFT, title="Hand over")
    client = Client()
    client.force_login(team["producer"])
    url = reverse("admin:episodes_episode_change", args=[episode.pk])

    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, episode_post_data(episode, title="Handed over", _mark_ready="1"))
    run_worker()  # the mail is a task: the worker sends it

    assert 'name="_mark_ready" value="Save and mark ready for review"' in page
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.title, episode.status) == ("Handed over", Episode.REVIEW)
    assert [m.subject for m in mail.outbox] == ["[Alpha Show] “Handed over” is ready for review"]
