"""Webhook events: what happened, to the endpoints registered for the show it happened to.

Each event becomes one ``Delivery`` per endpoint, written in the transaction of the change (if it
rolls back, nothing is sent) and sent by a task once it commits. The body is JSON as Standard
Webhooks recommends (``type``, ``timestamp``, ``data``), signed when it is sent. An event that
can be raised twice (a scheduled publication seen by its own task and by the sweep) carries a
key: its ``webhook-id`` is derived from it, and a second one is not created.
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from episodes.feeds import rss
from episodes.models import Episode, PublicationRecord, Show
from episodes.tasks import later
from episodes.tasks.worker import periodic

from .delivery import deliver
from .models import Delivery, WebhookEndpoint


def endpoints_for(event, show):
    """Active endpoints that asked for ``event`` and for ``show`` (all shows, or this one)."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True).prefetch_related("shows")
    return [
        endpoint
        for endpoint in endpoints
        if event in endpoint.events
        and (endpoint.all_shows or (show is not None and any(s.pk == show.pk for s in endpoint.shows.all())))
    ]


def show_data(show):
    return {
        "id": show.pk,
        "slug": show.slug,
        "title": show.title,
        "is_public": show.is_public,
        "url": rss.absolute_url(show.get_absolute_url()),
        "feed_url": rss.absolute_url(show.get_feed_url()),
        "podcast_guid": str(show.podcast_guid),
    }


def episode_data(episode):
    return {
        "id": episode.pk,
        "guid": episode.guid,
        "title": episode.title,
        "slug": episode.slug,
        "status": episode.status,
        "published_at": episode.published_at.isoformat() if episode.published_at else None,
        "url": rss.absolute_url(episode.get_absolute_url()),
        "show": show_data(episode.show),
    }


def emit(event, show, data, key=None):
    """Create the deliveries of one event; returns them."""
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints_for(event, show):
        body = json.dumps({"type": event, "timestamp": now.isoformat(), "data": data}, separators=(",", ":"))
        message_id = ""
        if key:
            message_id = "msg_" + hashlib.sha256(f"{endpoint.pk}|{event}|{key}".encode()).hexdigest()[:32]
            if Delivery.objects.filter(message_id=message_id).exists():
                continue
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    kind=Delivery.WEBHOOK,
                    show=show,
                    endpoint=endpoint,
                    event=event,
                    target_url=endpoint.url,
                    method="POST",
                    body=body,
                    message_id=message_id,
                )
        except IntegrityError:  # the same keyed event, created meanwhile
            continue
        later(deliver, delivery.pk)
        deliveries.append(delivery)
    return deliveries


# What happened ----------------------------------------------------------------------------


@receiver(post_save, sender=PublicationRecord, dispatch_uid="webhooks-publication")
def publication_recorded(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    episode = instance.episode  # the workflow created the record with the locked row and its show
    if instance.action == PublicationRecord.UNPUBLISHED:
        emit(
            WebhookEndpoint.EPISODE_UNPUBLISHED,
            episode.show,
            episode_data(episode),
            key=f"record:{instance.pk}",
        )
        return
    published_at = instance.published_at or instance.recorded_at
    if published_at > instance.recorded_at:
        emit(
            WebhookEndpoint.EPISODE_SCHEDULED,
            episode.show,
            episode_data(episode),
            key=f"record:{instance.pk}",
        )
        from .feeds import publication_due

        later(publication_due, episode.show_id, run_after=published_at)
    else:
        emit(
            WebhookEndpoint.EPISODE_PUBLISHED,
            episode.show,
            episode_data(episode),
            key=f"published:{episode.pk}:{published_at.isoformat()}",
        )


def announce_due_publications(now=None, window=timedelta(days=2)):
    """``episode.published`` for scheduled episodes whose time has come (once per time)."""
    now = now or timezone.now()
    due = Episode.objects.filter(
        status=Episode.PUBLISHED, published_at__lte=now, published_at__gt=now - window
    ).select_related("show")
    sent = 0
    for episode in due:
        key = f"published:{episode.pk}:{episode.published_at.isoformat()}"
        sent += len(emit(WebhookEndpoint.EPISODE_PUBLISHED, episode.show, episode_data(episode), key=key))
    return sent


periodic(announce_due_publications)


@receiver(pre_save, sender=Episode, dispatch_uid="webhooks-episode-before")
def remember_episode_status(sender, instance, raw=False, **kwargs):
    instance._webhook_status_before = None
    if not raw and instance.pk is not None:
        instance._webhook_status_before = (
            Episode.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        )


STATE_FIELDS = {"status", "published_at", "published_by", "updated_at"}


@receiver(post_save, sender=Episode, dispatch_uid="webhooks-episode-updated")
def episode_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Publishing and unpublishing save the state fields alone and have their own events.
    if raw or created or (update_fields and set(update_fields) <= STATE_FIELDS):
        return
    if instance.status == Episode.PUBLISHED and instance._webhook_status_before == Episode.PUBLISHED:
        emit(WebhookEndpoint.EPISODE_UPDATED, instance.show, episode_data(instance))


@receiver(post_save, sender=Show, dispatch_uid="webhooks-show-updated")
def show_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        emit(WebhookEndpoint.SHOW_UPDATED, instance, {"show": show_data(instance)})


def import_finished(job):
    """``import.finished``, sent by the background import with its report."""
    show = Show.objects.filter(pk=job.show_id).first()
    data = {"import": {"id": job.pk, "status": job.status, "source": job.source, **job.report}}
    if show is not None:
        data["show"] = show_data(show)
    emit(WebhookEndpoint.IMPORT_FINISHED, show, data, key=f"import:{job.pk}")
