import base64
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from episodes.models import Show


class FeedState(models.Model):
    """What the world was last told about one of our feeds.

    ``content_hash`` is the hash of the feed's body as last announced: a change the feed does not
    show leaves it equal, and then nobody is notified.
    """

    key = models.CharField(max_length=64, unique=True, help_text="show:<id>, network or publisher.")
    show = models.ForeignKey(Show, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    feed_url = models.URLField(max_length=1000)
    content_hash = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=64, blank=True, help_text="The feed's ETag at its last check.")
    announced_at = models.DateTimeField(null=True, blank=True)
    check_queued = models.BooleanField(
        default=False, help_text="A check of this feed is waiting in the queue."
    )
    check_queued_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(
        null=True, blank=True, help_text="A scheduled publication: a check is queued for this time."
    )

    def __str__(self):
        return self.key


def new_webhook_secret():
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    EPISODE_PUBLISHED = "episode.published"
    EPISODE_SCHEDULED = "episode.scheduled"
    EPISODE_UNPUBLISHED = "episode.unpublished"
    EPISODE_UPDATED = "episode.updated"
    SHOW_UPDATED = "show.updated"
    IMPORT_FINISHED = "import.finished"
    EVENT_CHOICES = [
        (EPISODE_PUBLISHED, "Episode published (public now)"),
        (EPISODE_SCHEDULED, "Episode scheduled (public later)"),
        (EPISODE_UNPUBLISHED, "Episode unpublished"),
        (EPISODE_UPDATED, "Published episode updated"),
        (SHOW_UPDATED, "Show updated"),
        (IMPORT_FINISHED, "Feed import finished"),
    ]
    EVENTS = [value for value, _ in EVENT_CHOICES]

    url = models.URLField("URL", max_length=1000, help_text="Receives a signed JSON POST per event.")
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text="The Standard Webhooks signing secret (whsec_…); give it to the receiver.",
    )
    events = models.JSONField(default=list, help_text="The events this endpoint receives.")
    all_shows = models.BooleanField(default=False, help_text="Events of every show, present and future.")
    shows = models.ManyToManyField(
        Show, blank=True, related_name="webhook_endpoints", help_text="Or only events of these shows."
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["url", "pk"]

    def __str__(self):
        return self.description or self.url

    def clean(self):
        unknown = set(self.events) - set(self.EVENTS)
        if unknown:
            raise ValidationError({"events": f"Unknown events: {', '.join(sorted(unknown))}."})


class Delivery(models.Model):
    """One outgoing request (a hub ping, a podping, a pubnotify, a webhook) and how it went."""

    WEBSUB = "websub"
    PODPING = "podping"
    PUBNOTIFY = "pubnotify"
    WEBHOOK = "webhook"
    KIND_CHOICES = [
        (WEBSUB, "WebSub hub"),
        (PODPING, "Podping"),
        (PUBNOTIFY, "Podcast Index"),
        (WEBHOOK, "Webhook"),
    ]
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PENDING, "Waiting"),
        (SENDING, "Sending"),
        (DELIVERED, "Delivered"),
        (FAILED, "Failed (no more retries)"),
    ]

    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    show = models.ForeignKey(
        Show,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        help_text="Empty for the network's feeds.",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, blank=True, help_text="The webhook event, or the feed's key.")
    feed_url = models.URLField(max_length=1000, blank=True)
    target_url = models.URLField(max_length=1000)
    method = models.CharField(max_length=8, default="POST")
    body = models.TextField(blank=True, help_text="Exactly the bytes sent (UTF-8).")
    message_id = models.CharField(max_length=64, unique=True, default="", help_text="webhook-id")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_response = models.TextField(blank=True, help_text="The start of the last answer's body.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.target_url}"

    def save(self, *args, **kwargs):
        if not self.message_id:
            self.message_id = f"msg_{uuid.uuid4().hex}"
        super().save(*args, **kwargs)
