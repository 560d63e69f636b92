"""Sending one ``Delivery``: claim it, send it, record the answer, retry later or give up.

A delivery is claimed with one conditional UPDATE (pending and due → sending), so two workers,
or a task enqueued twice, never send it twice. A worker that dies while sending leaves the row
"sending"; the periodic sweep puts it back once ``claimed_at`` is older than the timeout (the
one case where a receiver may see a request twice, which is why webhooks carry ``webhook-id``).
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from episodes.tasks import background, enqueue
from episodes.tasks.worker import periodic

from .models import Delivery

logger = logging.getLogger(__name__)
USER_AGENT = "podcastcms-notify/1"
RESPONSE_EXCERPT = 2000


def request_headers(delivery, now):
    headers = {"User-Agent": USER_AGENT}
    if delivery.kind == Delivery.WEBHOOK:
        signature = Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, delivery.body)
        headers.update(
            {
                "Content-Type": "application/json",
                "webhook-id": delivery.message_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": signature,
            }
        )
    elif delivery.kind == Delivery.WEBSUB:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif delivery.kind == Delivery.PODPING and settings.PODPING_TOKEN:
        headers["Authorization"] = settings.PODPING_TOKEN
    return headers


def send(delivery, now):
    """(status code or None, response excerpt, error)."""
    data = delivery.body.encode() if delivery.method == "POST" else None
    request = urllib.request.Request(
        delivery.target_url, data=data, method=delivery.method, headers=request_headers(delivery, now)
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.DELIVERY_TIMEOUT) as response:
            return response.status, response.read(RESPONSE_EXCERPT).decode(errors="replace"), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(RESPONSE_EXCERPT).decode(errors="replace"), f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, "", str(getattr(exc, "reason", exc))


def retry_delay(attempts):
    return min(settings.DELIVERY_BACKOFF * 2 ** (attempts - 1), 6 * 60 * 60)


def attempt_delivery(delivery_id):
    """Send the delivery if it is pending and due; returns its status afterwards (or None)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.PENDING, next_attempt_at__lte=now
    ).update(status=Delivery.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, excerpt, error = send(delivery, now)
    finished = timezone.now()
    changes = {"last_status_code": code, "last_response": excerpt, "last_error": error, "claimed_at": None}
    if code is not None and 200 <= code < 300:
        changes.update(status=Delivery.DELIVERED, delivered_at=finished, last_error="")
    elif delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        changes.update(status=Delivery.FAILED)
    else:
        changes.update(
            status=Delivery.PENDING,
            next_attempt_at=finished + timedelta(seconds=retry_delay(delivery.attempts)),
        )
    Delivery.objects.filter(pk=delivery_id, status=Delivery.SENDING).update(**changes)
    if changes["status"] == Delivery.PENDING:
        enqueue(deliver, delivery_id, run_after=changes["next_attempt_at"])
    if changes["status"] != Delivery.DELIVERED:
        logger.warning("Delivery %s to %s: %s", delivery_id, delivery.target_url, error or code)
    return changes["status"]


@background(retries=3, backoff=10)
def deliver(delivery_id):
    return attempt_delivery(delivery_id)


def redeliver(delivery):
    """Send it again now (the redeliver button): the same body and webhook-id, a new attempt."""
    Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.SENDING).update(
        status=Delivery.PENDING, next_attempt_at=timezone.now()
    )
    enqueue(deliver, delivery.pk)


@periodic
def requeue_deliveries(now=None):
    """Deliveries whose task was lost (no worker, queue down, a worker killed while sending)."""
    now = now or timezone.now()
    # A claim older than the request timeout (and a margin) belongs to a worker that is gone.
    stale = Delivery.objects.filter(
        status=Delivery.SENDING, claimed_at__lt=now - timedelta(seconds=settings.DELIVERY_TIMEOUT + 30)
    )
    stale_ids = list(stale.values_list("pk", flat=True)[:1000])
    Delivery.objects.filter(pk__in=stale_ids, status=Delivery.SENDING).update(
        status=Delivery.PENDING, next_attempt_at=now, claimed_at=None
    )
    # Pending and long overdue: its task is not in the queue any more (a queued one runs sooner).
    overdue = now - timedelta(seconds=max(settings.TASKS_SWEEP_INTERVAL * 2, 120))
    due = Delivery.objects.filter(status=Delivery.PENDING, next_attempt_at__lt=overdue)
    ids = stale_ids + list(due.exclude(pk__in=stale_ids).values_list("pk", flat=True)[:1000])
    for delivery_id in ids:
        enqueue(deliver, delivery_id)
    return len(ids)
