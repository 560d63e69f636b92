import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from episodes.admin import actions as admin_actions
from episodes.models import Episode, PublicationRecord, Team
from tests.factories import make_episode, make_show, team_member

pytestmark = pytest.mark.django_db


def action_request(user):
    request = RequestFactory().post("/admin/episodes/episode/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def run(action, user, episodes):
    request = action_request(user)
    modeladmin = admin.ModelAdmin(Episode, admin.site)
    action(modeladmin, request, Episode.objects.filter(pk__in=[e.pk for e in episodes]).order_by("pk"))
    return [(m.level_tag, m.message) for m in get_messages(request)]


@pytest.fixture
def show():
    return make_show(title="Show A")


def test_publish_now_action_by_producer_skips_with_message(show):
    episode = make_episode(show, status=Episode.REVIEW, title="Ready one")
    producer = team_member(Team.PRODUCER, show)

    messages = run(admin_actions.publish_now, producer, [episode])

    assert messages == [("warning", "Skipped “Ready one”: you may not do this on Show A.")]
    episode.refresh_from_db()
    assert episode.status == Episode.REVIEW


def test_publish_now_action_by_editor_publishes_and_skips_public(show):
    ready = make_episode(show, status=Episode.REVIEW, title="Ready one")
    public = make_episode(show, title="Already out")
    editor = team_member(Team.EDITOR, show)

    messages = run(admin_actions.publish_now, editor, [ready, public])

    assert messages == [
        ("success", "Published: “Ready one”."),
        ("warning", "Skipped “Already out”: it is already public."),
    ]
    ready.refresh_from_db()
    assert (ready.status, ready.published_by) == (Episode.PUBLISHED, editor)
    assert PublicationRecord.objects.count() == 1


def test_publish_now_action_reports_missing_audio(show):
    episode = make_episode(show, status=Episode.DRAFT, title="No audio", external_audio_url="")

    messages = run(admin_actions.publish_now, team_member(Team.EDITOR, show), [episode])

    assert messages == [
        ("warning", "Skipped “No audio”: Upload the audio (or give its URL) before publishing."),
    ]


def test_mark_ready_action_by_producer(show):
    episode = make_episode(show, status=Episode.DRAFT, title="Draft one")

    messages = run(admin_actions.mark_ready_for_review, team_member(Team.PRODUCER, show), [episode])

    assert messages == [("success", "Ready for review: “Draft one”.")]
    episode.refresh_from_db()
    assert episode.status == Episode.REVIEW


def test_unpublish_action_by_editor(show):
    episode = make_episode(show, title="Out")

    messages = run(admin_actions.unpublish, team_member(Team.EDITOR, show), [episode])

    assert messages == [("success", "Unpublished (now drafts): “Out”.")]
    assert list(Episode.objects.published()) == []


def test_duplicate_action_by_producer_of_other_show_copies_nothing(show):
    episode = make_episode(show, title="Original")
    outsider = team_member(Team.PRODUCER, make_show(title="Show B"))

    messages = run(admin_actions.duplicate, outsider, [episode])

    assert messages == [("warning", "Skipped “Original”: you may not do this on Show A.")]
    assert Episode.objects.count() == 1


def test_duplicate_action_reports_new_drafts(show):
    episode = make_episode(show, title="Original", slug="original")

    messages = run(admin_actions.duplicate, team_member(Team.PRODUCER, show), [episode])

    assert messages == [
        ("success", "Duplicated: “Original”."),
        ("info", "New drafts: “Original (copy)”."),
    ]
    assert Episode.objects.get(slug="original-copy").status == Episode.DRAFT


def test_preview_link_for_draft_opens_preview(client, settings, show):
    settings.SITE_URL = "https://podcasts.example.org"
    episode = make_episode(show, status=Episode.DRAFT, title="Secret draft")

    html = str(admin_actions.preview_link(episode))

    path = html.split('href="', 1)[1].split('"', 1)[0]
    assert path.startswith("/preview/")
    assert f">https://podcasts.example.org{path}</a>" in html
    assert client.get(path).context["episode"] == episode


def test_preview_link_for_public_episode_is_its_page(show):
    episode = make_episode(show, slug="out-now")

    html = str(admin_actions.preview_link(episode))

    assert html == f'Public: <a href="/shows/{show.slug}/out-now/">/shows/{show.slug}/out-now/</a>'


def test_history_inlines_are_read_only_and_visible_only_to_the_show_team(show):
    episode = make_episode(show)
    producer = team_member(Team.PRODUCER, show)
    outsider = team_member(Team.EDITOR, make_show())

    for inline_class in (admin_actions.PublicationRecordInline, admin_actions.EpisodeSlugHistoryInline):
        inline = inline_class(Episode, admin.site)
        own, other = action_request(producer), action_request(outsider)
        assert [
            inline.has_view_permission(own, episode),
            inline.has_view_permission(other, episode),
            inline.has_add_permission(own, episode),
            inline.has_change_permission(own, episode),
            inline.has_delete_permission(own, episode),
        ] == [True, False, False, False, False]


def test_revoke_preview_links_action_ends_links_of_own_shows_only(client, show):
    from episodes.preview import preview_path

    draft = make_episode(show, status=Episode.DRAFT, title="Draft one")
    other = make_episode(make_show(title="Show B"), status=Episode.DRAFT, title="Other show's draft")
    links = {draft.pk: preview_path(draft), other.pk: preview_path(other)}
    producer = team_member(Team.PRODUCER, show)

    messages = run(admin_actions.revoke_preview_links, producer, [draft, other])

    assert messages == [
        ("success", "Preview links revoked (links shared before no longer open): “Draft one”."),
        ("warning", "Skipped “Other show's draft”: you may not do this on Show B."),
    ]
    assert (client.get(links[draft.pk]).status_code, client.get(links[other.pk]).status_code) == (404, 200)


def test_revoke_preview_links_is_offered_in_the_episode_admin(show):
    from episodes.admin import EpisodeAdmin

    request = action_request(team_member(Team.PRODUCER, show))

    actions = EpisodeAdmin(Episode, admin.site).get_actions(request)

    assert actions["revoke_preview_links"][2] == "Revoke all preview links of selected episodes"
