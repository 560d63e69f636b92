"""The producer's workflow: changes of an episode's state that touch several rows at once.

Each function checks ``episodes.access.can`` first and raises ``PermissionDenied`` when the
user may not act on the episode's show; each runs in one transaction, so nothing is half done.
"""

from contextlib import contextmanager

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Credit, Pick
from sponsors.models import SponsorRead, publication_day

from . import access, notifications
from .feeds.lint import lint_episode
from .models import Chapter, Episode, EpisodeLink, EpisodeSlugHistory, PublicationRecord, new_preview_key
from .preview import preview_path


def _require(user, action, show):
    if not access.can(user, action, show):
        raise PermissionDenied(f"You may not {action} episodes of “{show}”.")


def _locked(episode, user, action):
    """The episode's stored row, locked until the transaction ends so two editors do not race.

    Access is decided on the stored show, never on what an unsaved instance says.
    """
    current = Episode.objects.select_for_update().select_related("show").get(pk=episode.pk)
    _require(user, action, current.show)
    return current


STATE_FIELDS = ["status", "published_at", "published_by", "preview_key", "updated_at"]


@contextmanager
def revision(user, comment, *episodes):
    """One transaction and one revision (who, when, what) holding ``episodes`` as they end up.

    Inside an outer revision (the admin's change form) the episodes join that one instead.
    """
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield
        for episode in episodes:
            reversion.add_to_revision(Episode.objects.get(pk=episode.pk))


def _save_state(current, episode):
    """Save the locked row's state and give it to the caller's instance only once it is saved."""
    current.save(update_fields=STATE_FIELDS)
    for name in STATE_FIELDS:
        setattr(episode, name, getattr(current, name))


def mark_ready_for_review(episode, user):
    """A producer hands a draft to the show's editors."""
    with revision(user, "Marked ready for review.", episode):
        current = _locked(episode, user, "edit")
        if current.status == Episode.PUBLISHED:
            # Marking a published episode ready would take it offline: that is unpublishing.
            raise ValidationError("This episode is already published; only drafts can be marked ready.")
        was = current.status
        current.status = Episode.REVIEW
        _save_state(current, episode)
        if was != Episode.REVIEW:
            notifications.notify_on_commit(notifications.READY, current, user)
    return episode


def flight_problems(episode, published_at, reads=None):
    """Why the episode's sponsor reads may not go out at ``published_at`` (one line per read)."""
    day = publication_day(published_at)
    if day is None:
        return []
    reads = episode.sponsor_reads.select_related("campaign__sponsor") if reads is None else reads
    return [problem for read in reads if (problem := read.campaign.flight_problem(day))]


def publication_problems(episode, published_at, reads=None):
    """Everything that keeps ``episode`` from going out at ``published_at``: the feed lint's
    errors and sponsor reads outside their campaign's flight. Empty when it may be published.

    The one rule for every way of publishing (admin form, actions, API, commands).
    """
    problems = []
    state = episode.status, episode.published_at
    episode.status, episode.published_at = Episode.PUBLISHED, published_at
    try:
        problems += [finding.message for finding in lint_episode(episode) if finding.is_error]
    finally:
        episode.status, episode.published_at = state
    if episode.pk:
        problems += flight_problems(episode, published_at, reads)
    return problems


def publish(episode, user, when=None):
    """Publish now, or at ``when``: a future time schedules the episode, with no cron job.

    Refused with every reason (``ValidationError``) while the feed lint finds errors or a
    sponsor read falls outside its campaign's flight.
    """
    with revision(user, "Published.", episode):
        current = _locked(episode, user, "publish")
        now = timezone.now()
        current.status = Episode.PUBLISHED
        current.published_at = when or now
        current.published_by = user
        current.clean()  # audio and a time are required before anything goes out
        problems = publication_problems(current, current.published_at)
        if problems:
            raise ValidationError(problems)
        current.preview_key = new_preview_key()  # links to the draft die with it
        _save_state(current, episode)
        PublicationRecord.objects.create(
            episode=current,
            action=PublicationRecord.PUBLISHED,
            user=user,
            recorded_at=now,
            published_at=current.published_at,
        )
        event = notifications.SCHEDULED if current.published_at > now else notifications.PUBLISHED
        notifications.notify_on_commit(event, current, user)
    return episode


def unpublish(episode, user):
    """Take the episode off every public surface; it becomes a draft again.

    ``published_at`` and ``published_by`` keep the last publication for reference; the
    publication records keep every one.
    """
    with revision(user, "Unpublished.", episode):
        current = _locked(episode, user, "publish")
        if current.status != Episode.PUBLISHED:
            raise ValidationError("This episode is not published.")
        current.status = Episode.DRAFT
        # A link made while the episode was public must not bring the pulled page back.
        current.preview_key = new_preview_key()
        _save_state(current, episode)
        PublicationRecord.objects.create(
            episode=current, action=PublicationRecord.UNPUBLISHED, user=user, recorded_at=timezone.now()
        )
    return episode


def return_to_draft(episode, user, comment=""):
    """Back to draft: an unpublish for a published episode, an edit for one in review.

    An editor sending a reviewed episode back tells its producers, with ``comment``.
    """
    with revision(user, f"Sent back to draft. {comment}".strip(), episode):
        current = _locked(episode, user, "edit")
        if current.status == Episode.PUBLISHED:
            return unpublish(episode, user)
        was = current.status
        current.status = Episode.DRAFT
        _save_state(current, episode)
        if was == Episode.REVIEW and access.can(user, "publish", current.show):
            notifications.notify_on_commit(notifications.SENT_BACK, current, user, comment)
    return episode


def set_status(episode, user, status, when=None, comment=""):
    """Move the episode to ``status`` through the one service that may do it.

    For forms that offer the status as a field: the form saves everything else, then calls this.
    Publishing again at the same time is no change and records nothing.
    """
    if status == Episode.PUBLISHED:
        current = Episode.objects.get(pk=episode.pk)
        if current.status == Episode.PUBLISHED and current.published_at == (when or current.published_at):
            return episode
        return publish(episode, user, when=when)
    if status == Episode.REVIEW:
        return mark_ready_for_review(episode, user)
    if status == Episode.DRAFT:
        return return_to_draft(episode, user, comment)
    raise ValueError(f"Unknown status {status!r}")


def status_choices_for(user, show):
    """The statuses ``user`` may give an episode of ``show``, for a form's status field."""
    allowed = {Episode.DRAFT, Episode.REVIEW} if access.can(user, "edit", show) else set()
    if access.can(user, "publish", show):
        allowed.add(Episode.PUBLISHED)
    return [(value, label) for value, label in Episode.STATUS_CHOICES if value in allowed]


def _free_slug(show, slug):
    """``<slug>-copy``, then ``<slug>-copy-2`` …: unused in the show, now and in its history."""
    max_length = Episode._meta.get_field("slug").max_length
    taken = set(show.episodes.values_list("slug", flat=True)) | set(
        EpisodeSlugHistory.objects.filter(show=show).values_list("old_slug", flat=True)
    )
    n = 1
    while True:
        suffix = "-copy" if n == 1 else f"-copy-{n}"
        candidate = slug[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def duplicate_episode(episode, user):
    """A new draft with this episode's texts, credits, picks, links, sponsor reads and chapters.

    The copy is a new episode for podcast apps: it gets its own guid, is not published and
    carries no audio (two episodes with one enclosure would confuse apps; producers upload
    the new episode's audio). Its number is left empty for the same reason.
    """
    with transaction.atomic():
        episode = Episode.objects.select_related("show").get(pk=episode.pk)
        _require(user, "edit", episode.show)
        title_length = Episode._meta.get_field("title").max_length
        copy = Episode.objects.create(
            show=episode.show,
            title=f"{episode.title} (copy)"[:title_length],
            slug=_free_slug(episode.show, episode.slug),
            season=episode.season,
            episode_type=episode.episode_type,
            summary=episode.summary,
            show_notes=episode.show_notes,
            artwork=episode.artwork.name if episode.artwork else "",
            explicit=episode.explicit,
            status=Episode.DRAFT,
        )
        # Skip credits the new episode already has (a show's default hosts, say).
        existing = set(copy.credits.values_list("person_id", "role"))
        Credit.objects.bulk_create(
            Credit(episode=copy, person_id=c.person_id, role=c.role, group=c.group, order=c.order)
            for c in episode.credits.all()
            if (c.person_id, c.role) not in existing
        )
        Pick.objects.bulk_create(
            Pick(episode=copy, person_id=p.person_id, title=p.title, url=p.url, order=p.order)
            for p in episode.picks.all()
        )
        EpisodeLink.objects.bulk_create(
            EpisodeLink(episode=copy, title=link.title, url=link.url, order=link.order)
            for link in episode.links.all()
        )
        SponsorRead.objects.bulk_create(
            SponsorRead(
                episode=copy, campaign_id=r.campaign_id, position=r.position, order=r.order, copy=r.copy
            )
            for r in episode.sponsor_reads.all()
        )
        Chapter.objects.bulk_create(
            Chapter(episode=copy, start_time=c.start_time, title=c.title, url=c.url)
            for c in episode.chapters.all()
        )
    return copy


def revoke_preview_links(episode, user):
    """End every preview link of the episode made so far; a new link can be shared after."""
    with transaction.atomic():
        current = _locked(episode, user, "edit")
        current.preview_key = new_preview_key()
        current.save(update_fields=["preview_key", "updated_at"])
        episode.preview_key = current.preview_key
    return episode


def credit_default_hosts(episode):
    """A new episode credits the show's regular hosts unless it already names a host of its own."""
    if episode.credits.filter(group="cast", role="host").exists():
        return
    for host in episode.show.hosts.all():
        Credit.objects.get_or_create(
            episode=episode, person=host.person, role=host.role, defaults={"order": host.order}
        )


def preview_url(episode, absolute=True):
    """The signed, expiring link that shows a guest the episode page before it is public."""
    path = preview_path(episode)
    return settings.SITE_URL + path if absolute else path
