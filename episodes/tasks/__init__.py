"""Work that happens later: Django's tasks API (``django.tasks``, here its ``django_tasks`` backport).

A plain function becomes a task with ``@background()``; ``later(task, …)`` enqueues it once the
current transaction commits. The backend is chosen by ``TASK_BACKEND`` (see the README): the
database backend by default, RQ on Redis in production. With Django 6, ``django_tasks`` becomes
``django.tasks`` and nothing else changes.

Tasks are written to be idempotent: they may run twice (a retry, a worker killed after its work
committed but before its result was recorded) and must then change nothing the second time.
``@background(retries=N)`` runs a failed task again, up to N more times, waiting ``backoff``
seconds, then twice that, and so on; every failed attempt is kept with its traceback (Admin →
Task results).
"""

import functools
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

try:  # Django 6 ships the tasks framework itself
    from django.tasks import task
except ImportError:  # pragma: no cover - Django 5.2: the backport
    from django_tasks import task

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "_attempt"


def backoff_delay(attempt, base):
    """Seconds to wait before attempt ``attempt + 1``: base, 2 × base, 4 × base … at most a day."""
    return min(base * 2 ** (attempt - 1), 24 * 60 * 60)


def background(*, retries=3, backoff=30, priority=0, queue_name="default", permanent=()):
    """Make ``func`` a task that is run again after a failure, with exponential backoff.

    ``permanent`` names exception classes that no retry can fix (bad input): those fail at once.
    """

    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return func(*args, **kwargs)
            except permanent:
                raise
            except Exception:
                if attempt <= retries:
                    delay = backoff_delay(attempt, backoff)
                    logger.warning(
                        "Task %s failed (attempt %d); retrying in %ss", func.__name__, attempt, delay
                    )
                    the_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                        *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
                    )
                raise

        the_task = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return wrap


def enqueue(task_, *args, run_after=None, **kwargs):
    """Enqueue now; a backend that cannot be reached is logged, never raised.

    Whatever must not be lost is a row in the database first (a delivery, an import job):
    the periodic sweep enqueues it again when the queue is back.
    """
    try:
        if run_after is not None:
            task_ = task_.using(run_after=run_after)
        return task_.enqueue(*args, **kwargs)
    except Exception:
        logger.exception("Could not enqueue %s; the sweep will pick it up", task_.name)
        return None


def queue_is_transactional(task_):
    """True when enqueueing writes a row in our own database (the database backend)."""
    return type(task_.get_backend()).__name__ == "DatabaseBackend"


def later(task_, *args, run_after=None, **kwargs):
    """Enqueue ``task_`` so that it runs only if the current transaction commits.

    On the database backend the task is a row written in this transaction: it commits, or rolls
    back, with the change that asked for it. Other backends are sent the task after the commit.
    """
    if queue_is_transactional(task_):
        return enqueue(task_, *args, run_after=run_after, **kwargs)
    transaction.on_commit(lambda: enqueue(task_, *args, run_after=run_after, **kwargs))
    return None
