"""Shows in the admin: network admins manage them; teams only read their own."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from episodes.models import Announcement, Episode, Show, Team
from people.models import ShowHost
from tests.factories import (
    SHOW_TAG_PREFIXES,
    empty_inlines,
    image_upload,
    make_episode,
    make_person,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def show_form(**changes):
    data = {
        "title": "Podcast.__init__",
        "slug": "podcast-init",
        "subtitle": "",
        "description": "The podcast about Python and the people who make it great.",
        "is_public": "on",
        "language": "en-us",
        "category": "Technology",
        "subcategory": "",
        "show_type": "episodic",
        "author": "Tobias Macey",
        "owner_name": "Tobias Macey",
        "owner_email": "host@example.com",
        "copyright": "",
        "website": "",
        "intro": "Hello and welcome to Podcast.__init__.",
        "music_credit": "Requiem for a Fish by The Freak Fandango Orchestra",
        "music_license": "CC BY-SA",
        "music_license_url": "",
        "podcast_locked": "on",
        "new_feed_url": "",
        "medium": "podcast",
        "license": "",
        "license_url": "",
        "artwork_url": "",
        "hosts-TOTAL_FORMS": 0,
        "hosts-INITIAL_FORMS": 0,
        "announcements-TOTAL_FORMS": 0,
        "announcements-INITIAL_FORMS": 0,
        "listen_links-TOTAL_FORMS": 0,
        "listen_links-INITIAL_FORMS": 0,
        **empty_inlines(SHOW_TAG_PREFIXES),
    }
    data.update(changes)
    return data


def test_network_admin_creates_show_with_default_host_and_announcement():
    tobias = make_person(name="Tobias Macey")
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = show_form(
        **{
            "hosts-TOTAL_FORMS": 1,
            "hosts-0-person": tobias.pk,
            "hosts-0-role": "host",
            "hosts-0-order": 0,
            "announcements-TOTAL_FORMS": 1,
            "announcements-0-text": '<p>Join the <a href="https://zulip.example.com">Zulip chat</a></p>',
            "announcements-0-starts_on": "2019-01-01",
            "announcements-0-ends_on": "2019-06-30",
            "announcements-0-order": 0,
        }
    )
    data["artwork"] = image_upload("cover.png")

    response = logged_in(admin_user).post(reverse("admin:episodes_show_add"), data)

    assert response.status_code == 302
    show = Show.objects.get()
    assert (show.title, show.music_license, show.podcast_guid is not None) == (
        "Podcast.__init__",
        "CC BY-SA",
        True,
    )
    assert list(ShowHost.objects.values_list("show", "person", "role")) == [(show.pk, tobias.pk, "host")]
    assert list(Announcement.objects.values_list("show", "text")) == [
        (
            show.pk,
            '<p>Join the <a href="https://zulip.example.com" rel="noopener noreferrer">Zulip chat</a></p>',
        )
    ]


def test_announcement_window_ending_before_it_starts_is_refused():
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = show_form(
        **{
            "announcements-TOTAL_FORMS": 1,
            "announcements-0-text": "<p>News</p>",
            "announcements-0-starts_on": "2019-06-30",
            "announcements-0-ends_on": "2019-01-01",
            "announcements-0-order": 0,
        }
    )

    response = logged_in(admin_user).post(reverse("admin:episodes_show_add"), data)

    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.errors == [{"ends_on": ["The window must end on or after its first day."]}]
    assert (Show.objects.count(), Announcement.objects.count()) == (0, 0)


def test_producer_cannot_change_own_show():
    show = make_show(title="Before")
    producer = make_user(role=Team.PRODUCER, shows=[show])

    response = logged_in(producer).post(
        reverse("admin:episodes_show_change", args=[show.pk]), show_form(title="After", slug=show.slug)
    )

    assert response.status_code == 403
    assert Show.objects.get(pk=show.pk).title == "Before"


def test_deleting_show_with_episodes_is_refused_with_reason():
    show = make_show()
    make_episode(show)
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    url = reverse("admin:episodes_show_delete", args=[show.pk])

    page = logged_in(admin_user).get(url)
    logged_in(admin_user).post(url, {"post": "yes"})

    assert page.context["protected"][0] == "Still used by 1 episode. Show in use cannot be deleted."
    assert Show.objects.filter(pk=show.pk).count() == 1


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:episodes_episode_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_episode_changelist_query_count_does_not_grow_with_episodes():
    show = make_show()
    producer = make_user(role=Team.PRODUCER, shows=[show])
    client = logged_in(producer)
    make_episode(show, status=Episode.DRAFT)
    one = changelist_queries(client)
    for _ in range(30):
        make_episode(show)

    assert changelist_queries(client) == one


def test_network_admin_builds_team_in_admin():
    show = make_show()
    member = make_user()
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = {"name": "Alpha producers", "role": Team.PRODUCER, "shows": [show.pk], "members": [member.pk]}

    response = logged_in(admin_user).post(reverse("admin:episodes_team_add"), data)

    assert response.status_code == 302
    team = Team.objects.get(name="Alpha producers")
    assert (list(team.shows.all()), list(team.members.all()), team.all_shows) == ([show], [member], False)


def test_editor_of_one_show_cannot_build_teams():
    show = make_show()
    editor = make_user(role=Team.EDITOR, shows=[show])
    data = {"name": "Self-promotion", "role": Team.NETWORK_ADMIN, "all_shows": "on", "members": [editor.pk]}

    response = logged_in(editor).post(reverse("admin:episodes_team_add"), data)

    assert response.status_code == 403
    assert Team.objects.filter(name="Self-promotion").count() == 0


def test_episode_list_says_scheduled_for_future_publication():
    show = make_show()
    make_episode(show, title="Out now")
    make_episode(show, title="Next week", published_at=timezone.now() + timedelta(days=7))
    make_episode(show, title="Being written", status=Episode.DRAFT)
    editor = make_user(role=Team.EDITOR, shows=[show])

    response = logged_in(editor).get(reverse("admin:episodes_episode_changelist"))
    rows = {
        episode.title: response.context["cl"].model_admin.state(episode)
        for episode in response.context["cl"].result_list
    }

    assert rows == {"Out now": "Published", "Next week": "Scheduled", "Being written": "Draft"}


def test_network_admin_enters_listen_on_links_for_a_show():
    show = make_show(slug="podcast-init", artwork=image_upload("cover.png"))
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = show_form(
        slug="podcast-init",
        **{
            "listen_links-TOTAL_FORMS": 2,
            "listen_links-0-platform": "apple",
            "listen_links-0-url": "https://podcasts.apple.com/podcast/init",
            "listen_links-0-order": 0,
            "listen_links-1-platform": "other",
            "listen_links-1-label": "",
            "listen_links-1-url": "https://fountain.fm/init",
            "listen_links-1-order": 1,
        },
    )
    client = logged_in(admin_user)

    refused = client.post(reverse("admin:episodes_show_change", args=[show.pk]), data)
    data["listen_links-1-label"] = "Fountain"
    accepted = client.post(reverse("admin:episodes_show_change", args=[show.pk]), data)

    assert (refused.status_code, accepted.status_code) == (200, 302)
    assert "Give the name of the app or site." in refused.content.decode()
    assert [(link.name, link.url) for link in show.listen_links.all()] == [
        ("Apple Podcasts", "https://podcasts.apple.com/podcast/init"),
        ("Fountain", "https://fountain.fm/init"),
    ]


def test_editor_of_a_show_cannot_change_its_listen_on_links():
    show = make_show(slug="podcast-init")
    editor = make_user(role=Team.EDITOR, shows=[show])
    data = show_form(
        slug="podcast-init",
        **{
            "listen_links-TOTAL_FORMS": 1,
            "listen_links-0-platform": "apple",
            "listen_links-0-url": "https://podcasts.apple.com/podcast/init",
            "listen_links-0-order": 0,
        },
    )

    response = logged_in(editor).post(reverse("admin:episodes_show_change", args=[show.pk]), data)

    assert (response.status_code, show.listen_links.count()) == (403, 0)
