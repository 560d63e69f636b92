from datetime import timedelta

import pytest
from django.utils import timezone

from episodes import services
from episodes.models import Episode, EpisodeSlugHistory, ShowSlugHistory, Team
from tests.factories import make_episode, make_show, team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return make_show(slug="show-a")


def test_episode_slug_change_after_publication_answers_301_to_new_url(client, show):
    episode = make_episode(show, slug="old-slug")
    guid = episode.guid

    episode.slug = "new-slug"
    episode.save()

    response = client.get("/shows/show-a/old-slug/")
    assert (response.status_code, response["Location"]) == (301, "/shows/show-a/new-slug/")
    assert client.get("/shows/show-a/new-slug/").status_code == 200
    episode.refresh_from_db()
    assert episode.guid == guid
    assert [(h.show, h.old_slug) for h in episode.slug_history.all()] == [(show, "old-slug")]


def test_episode_slug_changed_twice_both_old_urls_answer_301_to_newest(client, show):
    episode = make_episode(show, slug="first")
    episode.slug = "second"
    episode.save()
    episode.slug = "third"
    episode.save()

    assert client.get("/shows/show-a/first/")["Location"] == "/shows/show-a/third/"
    assert client.get("/shows/show-a/second/")["Location"] == "/shows/show-a/third/"


def test_episode_slug_redirect_keeps_query_string(client, show):
    episode = make_episode(show, slug="old-slug")
    episode.slug = "new-slug"
    episode.save()

    response = client.get("/shows/show-a/old-slug/?t=42")

    assert (response.status_code, response["Location"]) == (301, "/shows/show-a/new-slug/?t=42")


def test_draft_slug_change_records_no_history(client, show):
    episode = make_episode(show, slug="draft-slug", status=Episode.DRAFT)

    episode.slug = "renamed-draft"
    episode.save()

    assert EpisodeSlugHistory.objects.count() == 0
    assert client.get("/shows/show-a/draft-slug/").status_code == 404


def test_old_slug_of_unpublished_episode_answers_404_not_redirect(client, show):
    episode = make_episode(show, slug="old-slug")
    episode.slug = "new-slug"
    episode.save()
    services.unpublish(episode, team_member(Team.EDITOR, show))

    response = client.get("/shows/show-a/old-slug/")

    assert response.status_code == 404
    assert "Location" not in response


def test_slug_change_while_unpublished_is_kept_once_published_again(client, show):
    editor = team_member(Team.EDITOR, show)
    episode = make_episode(show, slug="was-public", status=Episode.DRAFT)
    services.publish(episode, editor)
    services.unpublish(episode, editor)

    episode.slug = "fixed-and-back"
    episode.save()
    services.publish(episode, editor)

    assert client.get("/shows/show-a/was-public/")["Location"] == "/shows/show-a/fixed-and-back/"


def test_old_slug_of_scheduled_target_answers_404_until_its_time(client, show):
    episode = make_episode(show, slug="old-slug")
    episode.slug = "new-slug"
    episode.published_at = timezone.now() + timedelta(hours=1)
    episode.save()

    assert client.get("/shows/show-a/old-slug/").status_code == 404


def test_old_slug_reused_by_another_public_episode_serves_that_episode(client, show):
    first = make_episode(show, slug="shared")
    first.slug = "moved"
    first.save()
    second = make_episode(show, slug="shared", title="The new shared")

    response = client.get("/shows/show-a/shared/")

    assert response.status_code == 200
    assert response.context["episode"] == second


def test_episode_moved_to_another_show_answers_301_to_its_new_show(client, show):
    episode = make_episode(show, slug="travelling")
    make_show(slug="show-b")
    episode.show = make_show(slug="show-c")
    episode.save()

    assert client.get("/shows/show-a/travelling/")["Location"] == "/shows/show-c/travelling/"


def test_show_slug_change_answers_301_for_show_page_feed_and_episodes(client, show):
    make_episode(show, slug="an-episode")
    show.slug = "show-renamed"
    show.save()

    page = client.get("/shows/show-a/")
    feed = client.get("/shows/show-a/feed.xml")
    episode_page = client.get("/shows/show-a/an-episode/")

    assert [(r.status_code, r["Location"]) for r in (page, feed, episode_page)] == [
        (301, "/shows/show-renamed/"),
        (301, "/shows/show-renamed/feed.xml"),
        (301, "/shows/show-renamed/an-episode/"),
    ]
    assert list(ShowSlugHistory.objects.values_list("old_slug", flat=True)) == ["show-a"]


def test_private_show_slug_change_records_no_history(client):
    private = make_show(slug="secret-show", is_public=False)

    private.slug = "secret-renamed"
    private.save()

    assert ShowSlugHistory.objects.count() == 0
    assert client.get("/shows/secret-show/").status_code == 404


def test_old_show_slug_of_show_made_private_answers_404(client, show):
    show.slug = "show-renamed"
    show.save()
    show.is_public = False
    show.save()

    assert client.get("/shows/show-a/").status_code == 404


def test_unknown_slugs_answer_404(client, show):
    make_episode(show, slug="exists")

    assert client.get("/shows/show-a/missing/").status_code == 404
    assert client.get("/shows/missing/exists/").status_code == 404


def test_guid_change_of_published_episode_is_refused(show):
    episode = make_episode(show)
    guid = episode.guid

    episode.guid = "a-new-guid"
    with pytest.raises(ValueError):
        episode.save()

    assert Episode.objects.get(pk=episode.pk).guid == guid
