"""Keeping the queue healthy: tasks of a killed worker run again, and periodic work is enqueued.

A worker's id is ``host:pid:random``. A task left RUNNING by a worker process that no longer
exists on this host (killed, crashed, machine restarted) goes back to READY: its transaction
was rolled back with the process, so nothing of it is half done, and it runs again from the
start. A task left RUNNING by a worker on another host for longer than
``TASKS_RUNNING_TIMEOUT`` seconds is treated the same way.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

PERIODIC = []
"""Functions the worker runs every ``TASKS_SWEEP_INTERVAL`` seconds (see ``periodic``)."""


def periodic(func):
    """Register ``func`` to run periodically in every worker; it must be cheap and idempotent.

    Periodic functions enqueue work (they do not do it): they find what is due and was missed.
    """
    PERIODIC.append(func)
    return func


def host_name():
    return socket.gethostname()[:40]


def new_worker_id():
    return f"{host_name()}:{os.getpid()}:{get_random_string(6)}"


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def worker_gone(worker_id, started_at, now):
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host == host_name() and pid.isdigit():
        return not process_alive(int(pid))
    timeout = timedelta(seconds=settings.TASKS_RUNNING_TIMEOUT)
    return started_at is None or started_at < now - timeout


def requeue_abandoned(now=None):
    """Put tasks of workers that are gone back in the queue; returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    requeued = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = row.worker_ids[-1] if row.worker_ids else ""
        if worker_gone(last, row.started_at, now):
            requeued += DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
                status="READY", started_at=None
            )
            logger.warning("Task %s of the vanished worker %s is queued again", row.pk, last)
    return requeued


def run_periodic():
    """One round of every periodic function; a failing one does not stop the others."""
    for func in PERIODIC:
        try:
            func()
        except OperationalError as exc:  # SQLite busy with a long task: next round
            logger.info("Periodic %s postponed: %s", func.__name__, exc)
        except Exception:
            logger.exception("Periodic %s failed", func.__name__)
    close_old_connections()


class PeriodicThread(threading.Thread):
    """Runs ``run_periodic`` (and, on the database backend, the requeue) every interval."""

    def __init__(self, interval, requeue=True):
        super().__init__(name="podcastcms-periodic", daemon=True)
        self.interval = interval
        self.requeue = requeue
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            if self.requeue:
                try:
                    requeue_abandoned()
                except OperationalError as exc:
                    logger.info("Requeue postponed: %s", exc)
            run_periodic()
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
