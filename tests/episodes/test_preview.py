import json
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from episodes import services
from episodes.models import Announcement, Episode, Team
from episodes.preview import preview_token
from tests.factories import make_episode, make_show, team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode():
    return make_episode(
        make_show(slug="show-a"),
        status=Episode.DRAFT,
        slug="draft-episode",
        title="Unreleased interview",
        summary="What the guest said before anyone heard it.",
        show_notes="<p>Notes of the draft: <strong>the questions</strong>.</p>",
        audio=True,
    )


def preview_path(episode):
    return services.preview_url(episode, absolute=False)


def test_preview_valid_link_renders_draft_page_for_guest_without_account(client, episode):
    response = client.get(preview_path(episode))

    assert response.status_code == 200
    assert response.templates[0].name == "episodes/episode_detail.html"
    assert response.context["episode"] == episode
    assert response.context["is_preview"] is True
    html = response.content.decode()
    assert "Unreleased interview" in html
    assert "What the guest said before anyone heard it." in html
    assert "<strong>the questions</strong>" in html


def test_preview_is_not_cached_nor_indexed(client, episode):
    response = client.get(preview_path(episode))

    assert response.status_code == 200
    assert sorted(part.strip() for part in response["Cache-Control"].split(",")) == ["no-store", "private"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content.decode().count('<meta name="robots" content="noindex') == 1


def test_preview_page_has_same_context_as_public_page_once_published(client, episode):
    preview = client.get(preview_path(episode))
    services.publish(episode, team_member(Team.EDITOR, episode.show))
    public = client.get(episode.get_absolute_url())

    assert public.status_code == 200
    assert set(preview.context.keys()) - set(public.context.keys()) == {
        "is_preview",
        "audio_url",
        "preview_scheduled_for",
    }
    assert b'name="robots"' not in public.content


def test_preview_audio_plays_draft_audio_through_token(client, episode):
    page = client.get(preview_path(episode))
    audio_url = page.context["audio_url"]

    response = client.get(audio_url)

    assert audio_url == page.request["PATH_INFO"] + "audio.mp3"
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert b"".join(response.streaming_content) == episode.audio.open("rb").read()
    assert "no-store" in response["Cache-Control"]
    # The public enclosure URL of a draft stays closed.
    assert client.get(episode.enclosure_url).status_code == 404


def test_preview_audio_answers_byte_ranges_for_seeking(client, episode):
    audio_url = client.get(preview_path(episode)).context["audio_url"]
    stored = episode.audio.open("rb").read()

    response = client.get(audio_url, headers={"Range": "bytes=100-199"})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(stored)}"
    assert b"".join(response.streaming_content) == stored[100:200]
    assert "no-store" in response["Cache-Control"]


def test_preview_tampered_token_answers_404(client, episode):
    token = preview_token(episode)
    other = make_episode(episode.show, status=Episode.DRAFT, title="Another draft")
    # Another episode's pk under this token's timestamp and signature.
    payload = signing.b64_encode(json.dumps({"pk": other.pk, "guid": other.guid}).encode()).decode()
    forged = ":".join([payload, *token.split(":")[1:]])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    for bad in (tampered, forged, "not-a-token", token.split(":", 1)[0]):
        response = client.get(f"/preview/{bad}/")
        assert response.status_code == 404, bad
        assert b"Another draft" not in response.content
        assert b"Unreleased interview" not in response.content


def test_preview_token_signed_for_other_purpose_answers_404(client, episode):
    other_salt = signing.TimestampSigner(salt="something.else").sign_object(
        {"pk": episode.pk, "guid": episode.guid}
    )

    assert client.get(f"/preview/{other_salt}/").status_code == 404


def test_preview_token_names_episode_by_pk_and_guid(client, episode):
    token = preview_token(episode)
    Episode.objects.filter(pk=episode.pk).update(guid="a-different-guid")

    assert client.get(f"/preview/{token}/").status_code == 404


def test_preview_expired_link_answers_404(client, settings, episode):
    settings.PODCASTCMS_PREVIEW_MAX_AGE = 3600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        path = preview_path(episode)
        traveller.shift(timedelta(seconds=3599))
        assert client.get(path).status_code == 200
        traveller.shift(timedelta(seconds=2))
        response = client.get(path)

    assert response.status_code == 404
    assert b"Unreleased interview" not in response.content


def test_preview_default_lifetime_is_seven_days(client, episode):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        path = preview_path(episode)
        traveller.shift(timedelta(days=7) - timedelta(seconds=1))
        assert client.get(path).status_code == 200
        traveller.shift(timedelta(seconds=2))
        assert client.get(path).status_code == 404


def test_preview_link_dies_on_publish(client, episode):
    path = preview_path(episode)
    services.publish(episode, team_member(Team.EDITOR, episode.show))

    response = client.get(path)

    assert response.status_code == 404
    assert b"Unreleased interview" not in response.content
    assert client.get(episode.get_absolute_url()).status_code == 200


def test_preview_link_made_while_public_dies_on_unpublish(client, episode):
    editor = team_member(Team.EDITOR, episode.show)
    services.publish(episode, editor)
    # A link made while the episode is public (the service makes one for any episode).
    path = preview_path(episode)
    assert client.get(path).status_code == 302

    services.unpublish(episode, editor)
    response = client.get(path)

    assert response.status_code == 404
    assert b"Unreleased interview" not in response.content


def test_preview_link_of_draft_made_again_after_unpublish_works(client, episode):
    editor = team_member(Team.EDITOR, episode.show)
    services.publish(episode, editor)
    services.unpublish(episode, editor)

    response = client.get(preview_path(episode))

    assert (response.status_code, response.context["episode"]) == (200, episode)


def test_preview_links_die_when_revoked(client, episode):
    first, second = preview_path(episode), preview_path(episode)
    assert [client.get(p).status_code for p in (first, second)] == [200, 200]

    services.revoke_preview_links(episode, team_member(Team.PRODUCER, episode.show))

    assert [client.get(p).status_code for p in (first, second)] == [404, 404]
    assert client.get(preview_path(episode)).status_code == 200


def test_preview_links_revoked_only_by_a_member_of_the_show(episode):
    other_show_editor = team_member(Team.EDITOR, make_show(slug="show-b"))
    key = episode.preview_key

    with pytest.raises(PermissionDenied):
        services.revoke_preview_links(episode, other_show_editor)

    episode.refresh_from_db()
    assert episode.preview_key == key


def test_preview_of_scheduled_episode_works_until_its_time(client, episode):
    when = timezone.now() + timedelta(hours=1)
    services.publish(episode, team_member(Team.EDITOR, episode.show), when=when)
    path = preview_path(episode)

    assert client.get(path).status_code == 200
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, "/shows/show-a/draft-episode/")


def test_preview_of_draft_shows_page_as_if_published_now(client, episode):
    today = timezone.now().date()
    current = Announcement.objects.create(show=episode.show, text="<p>Current news</p>", starts_on=today)
    Announcement.objects.create(
        show=episode.show,
        text="<p>Old news</p>",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
    )

    with time_machine.travel(timezone.now(), tick=False):
        response = client.get(preview_path(episode))
        assert response.context["episode"].published_at == timezone.now()

    assert response.context["announcements"] == [current]
    episode.refresh_from_db()
    assert (episode.status, episode.published_at) == (Episode.DRAFT, None)


def test_preview_of_published_episode_on_private_show_keeps_working(client):
    private_show = make_show(is_public=False)
    episode = make_episode(private_show, title="Waiting for the launch")

    response = client.get(preview_path(episode))

    assert (response.status_code, response.context["episode"]) == (200, episode)
    assert client.get(episode.get_absolute_url()).status_code == 404
