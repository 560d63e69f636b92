from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from episodes import services
from episodes.models import Chapter, Episode, EpisodeLink, PublicationRecord, Team
from people.models import Pick
from tests.factories import (
    credit,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    sponsor_read,
    team_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return make_show(slug="show-a")


@pytest.fixture
def producer(show):
    return team_member(Team.PRODUCER, show)


@pytest.fixture
def editor(show):
    return team_member(Team.EDITOR, show)


def draft(show, **fields):
    fields.setdefault("status", Episode.DRAFT)
    return make_episode(show, **fields)


def test_mark_ready_for_review_by_producer_sets_review(show, producer):
    episode = draft(show)

    services.mark_ready_for_review(episode, producer)

    episode.refresh_from_db()
    assert episode.status == Episode.REVIEW


def test_mark_ready_for_review_by_producer_of_other_show_is_refused(show):
    episode = draft(show)
    outsider = team_member(Team.PRODUCER, make_show())

    with pytest.raises(PermissionDenied):
        services.mark_ready_for_review(episode, outsider)

    episode.refresh_from_db()
    assert episode.status == Episode.DRAFT


def test_mark_ready_for_review_of_published_episode_is_refused(show, producer):
    episode = make_episode(show)

    with pytest.raises(ValidationError):
        services.mark_ready_for_review(episode, producer)

    episode.refresh_from_db()
    assert episode.status == Episode.PUBLISHED


def test_publish_by_producer_raises_and_changes_nothing(show, producer):
    episode = draft(show, status=Episode.REVIEW)
    updated_at = episode.updated_at

    with pytest.raises(PermissionDenied):
        services.publish(episode, producer)

    episode.refresh_from_db()
    assert (episode.status, episode.published_at, episode.published_by, episode.updated_at) == (
        Episode.REVIEW,
        None,
        None,
        updated_at,
    )
    assert PublicationRecord.objects.count() == 0
    assert list(Episode.objects.published()) == []


def test_publish_now_by_editor_makes_episode_public_and_records_who(show, editor):
    episode = draft(show, status=Episode.REVIEW)
    before = timezone.now()

    services.publish(episode, editor)

    episode.refresh_from_db()
    assert episode.status == Episode.PUBLISHED
    assert before <= episode.published_at <= timezone.now()
    assert episode.published_by == editor
    assert list(Episode.objects.published()) == [episode]
    record = PublicationRecord.objects.get()
    assert (record.episode, record.action, record.user, record.published_at) == (
        episode,
        PublicationRecord.PUBLISHED,
        editor,
        episode.published_at,
    )


def test_publish_with_future_time_schedules_episode(show, editor):
    episode = draft(show)
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)

    services.publish(episode, editor, when=when)

    episode.refresh_from_db()
    assert (episode.status, episode.published_at, episode.is_scheduled) == (Episode.PUBLISHED, when, True)
    assert list(Episode.objects.published()) == []
    assert list(Episode.objects.published(now=when)) == [episode]


def test_publish_without_audio_is_refused_and_changes_nothing(show, editor):
    episode = draft(show, external_audio_url="")

    with pytest.raises(ValidationError) as error:
        services.publish(episode, editor)

    assert error.value.message_dict == {"audio": ["Upload the audio (or give its URL) before publishing."]}
    assert episode.status == Episode.DRAFT
    episode.refresh_from_db()
    assert (episode.status, episode.published_at) == (Episode.DRAFT, None)
    assert PublicationRecord.objects.count() == 0


def test_unpublish_by_editor_returns_episode_to_draft_and_keeps_history(show, editor):
    episode = draft(show)
    services.publish(episode, editor)
    other_editor = team_member(Team.EDITOR, show)

    services.unpublish(episode, other_editor)

    episode.refresh_from_db()
    assert episode.status == Episode.DRAFT
    assert list(Episode.objects.published()) == []
    assert [(r.action, r.user) for r in episode.publication_records.all()] == [
        (PublicationRecord.UNPUBLISHED, other_editor),
        (PublicationRecord.PUBLISHED, editor),
    ]


def test_unpublish_by_producer_is_refused(show, producer):
    episode = make_episode(show)

    with pytest.raises(PermissionDenied):
        services.unpublish(episode, producer)

    episode.refresh_from_db()
    assert list(Episode.objects.published()) == [episode]


def test_publish_again_after_unpublish_records_both_publications(show, editor):
    episode = draft(show)
    network_admin = team_member(Team.NETWORK_ADMIN, all_shows=True)
    services.publish(episode, editor)
    services.unpublish(episode, editor)

    services.publish(episode, network_admin)

    episode.refresh_from_db()
    assert episode.published_by == network_admin
    assert [(r.action, r.user) for r in episode.publication_records.order_by("pk")] == [
        (PublicationRecord.PUBLISHED, editor),
        (PublicationRecord.UNPUBLISHED, editor),
        (PublicationRecord.PUBLISHED, network_admin),
    ]


def test_duplicate_episode_is_draft_with_new_guid_slug_and_same_parts(show, producer):
    episode = make_episode(show, slug="reference", title="The reference", number=202, season=1)
    host, guest = make_person(), make_person()
    credit(episode, host, role="host", order=0)
    credit(episode, guest, role="guest", order=1)
    Pick.objects.create(episode=episode, person=guest, title="A book", url="https://example.com/book")
    EpisodeLink.objects.create(episode=episode, title="PyTorch", url="https://pytorch.org", order=0)
    campaign = make_campaign(show)
    sponsor_read(episode, campaign, copy="<p>Read as read.</p>")
    Chapter.objects.create(episode=episode, start_time=0, title="Intro")

    copy = services.duplicate_episode(episode, producer)

    copy.refresh_from_db()
    assert copy.pk != episode.pk
    assert copy.guid != episode.guid
    assert (copy.status, copy.published_at, copy.published_by) == (Episode.DRAFT, None, None)
    assert (copy.slug, copy.title, copy.season, copy.number) == (
        "reference-copy",
        "The reference (copy)",
        1,
        None,
    )
    assert (copy.summary, copy.show_notes, copy.show) == (episode.summary, episode.show_notes, show)
    assert (copy.audio_revision, copy.external_audio_url) == ("", "")
    assert [(c.person, c.role, c.order) for c in copy.credits.all()] == [
        (host, "host", 0),
        (guest, "guest", 1),
    ]
    assert [(p.person, p.title, p.url) for p in copy.picks.all()] == [
        (guest, "A book", "https://example.com/book")
    ]
    assert [(link.title, link.url) for link in copy.links.all()] == [("PyTorch", "https://pytorch.org")]
    assert [(r.campaign, r.copy) for r in copy.sponsor_reads.all()] == [(campaign, "<p>Read as read.</p>")]
    assert [c.title for c in copy.chapters.all()] == ["Intro"]
    # The original is untouched.
    episode.refresh_from_db()
    assert (episode.status, episode.slug, episode.credits.count()) == (Episode.PUBLISHED, "reference", 2)


def test_duplicate_episode_twice_gets_distinct_slugs(show, producer):
    episode = draft(show, slug="weekly")

    first = services.duplicate_episode(episode, producer)
    second = services.duplicate_episode(episode, producer)

    assert (first.slug, second.slug) == ("weekly-copy", "weekly-copy-2")
    assert len({episode.guid, first.guid, second.guid}) == 3


def test_duplicate_episode_by_user_of_other_show_is_refused(show):
    episode = draft(show)
    outsider = team_member(Team.EDITOR, make_show())

    with pytest.raises(PermissionDenied):
        services.duplicate_episode(episode, outsider)

    assert Episode.objects.count() == 1


def test_preview_url_is_absolute_under_site_url(settings, show):
    settings.SITE_URL = "https://podcasts.example.org"
    episode = draft(show)

    url = services.preview_url(episode)

    assert url.startswith("https://podcasts.example.org/preview/")
    assert url == "https://podcasts.example.org" + services.preview_url(episode, absolute=False)


def test_publish_decides_access_on_stored_show_not_unsaved_instance(show):
    episode = draft(show)
    own_show = make_show()
    editor_elsewhere = team_member(Team.EDITOR, own_show)
    episode.show = own_show  # an edited, unsaved instance claiming another show

    with pytest.raises(PermissionDenied):
        services.publish(episode, editor_elsewhere)

    assert Episode.objects.get(pk=episode.pk).status == Episode.DRAFT


def test_status_choices_for_producer_editor_and_outsider(show, producer, editor):
    outsider = team_member(Team.EDITOR, make_show())

    assert [value for value, _ in services.status_choices_for(producer, show)] == ["draft", "review"]
    assert [value for value, _ in services.status_choices_for(editor, show)] == [
        "draft",
        "review",
        "published",
    ]
    assert services.status_choices_for(outsider, show) == []


def test_set_status_goes_through_the_services(show, producer, editor):
    episode = draft(show)
    when = (timezone.now() + timedelta(days=1)).replace(microsecond=0)

    services.set_status(episode, producer, Episode.REVIEW)
    with pytest.raises(PermissionDenied):
        services.set_status(episode, producer, Episode.PUBLISHED)
    services.set_status(episode, editor, Episode.PUBLISHED, when=when)
    services.set_status(episode, editor, Episode.PUBLISHED, when=when)  # no change, no record
    with pytest.raises(PermissionDenied):
        services.set_status(episode, producer, Episode.DRAFT)  # that would unpublish
    services.set_status(episode, editor, Episode.DRAFT)

    episode.refresh_from_db()
    assert episode.status == Episode.DRAFT
    assert [(r.action, r.user, r.published_at) for r in episode.publication_records.order_by("pk")] == [
        (PublicationRecord.PUBLISHED, editor, when),
        (PublicationRecord.UNPUBLISHED, editor, None),
    ]


def test_return_to_draft_from_review_by_producer(show, producer):
    episode = draft(show, status=Episode.REVIEW)

    services.return_to_draft(episode, producer)

    episode.refresh_from_db()
    assert (episode.status, PublicationRecord.objects.count()) == (Episode.DRAFT, 0)
