"""The feed import as a background task, with live progress and cancelling.

``run_import`` is the one entry the task calls: ``import_source`` (every page of a paged feed)
with a progress callback. Each page is one transaction, so a cancelled import, a failed one or a
worker killed in the middle keeps nothing of the page it was on, and the task can simply run
again: pages already imported are matched, not written twice.

Progress goes through the ``progress`` cache (Redis, or files), not the database: while the
import's transaction is open, SQLite lets no other connection write.
"""

import time
import traceback

from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, transaction
from django.utils import timezone

from episodes.imports.feedreader import FeedImportError
from episodes.imports.importer import ImportResult
from episodes.imports.models import ImportJob
from episodes.imports.paging import import_source
from episodes.tasks import background, enqueue, queue_is_transactional
from episodes.tasks.worker import periodic

PROGRESS_TIMEOUT = 7 * 24 * 3600
PROGRESS_EVERY = 0.25  # seconds between progress writes (and checks for a cancel)


class ImportCancelled(FeedImportError):
    """Raised inside the import's transaction when someone pressed Cancel: it rolls back."""


def progress_cache():
    return caches["progress"]


def progress_key(job_id):
    return f"import-job:{job_id}"


def cancel_key(job_id):
    return f"import-job:{job_id}:cancel"


def read_progress(job_id):
    return progress_cache().get(progress_key(job_id)) or {}


def request_cancel(job):
    """Ask the import to stop; a queued one is cancelled at once. Nothing it did stays."""
    progress_cache().set(cancel_key(job.pk), True, PROGRESS_TIMEOUT)
    try:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.QUEUED).update(
            status=ImportJob.CANCELLED, cancel_requested=True, finished_at=timezone.now(), feed_data=b""
        )
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.RUNNING).update(cancel_requested=True)
    except OperationalError:  # SQLite, while the import writes: the cache flag is enough
        pass


class Progress:
    """The importer's ``progress(index, total, outcome, title)``, published for the admin page."""

    def __init__(self, job_id, result=None):
        self.job_id = job_id
        self.result = result
        self.state = {
            "done": 0,
            "total": None,
            "current": "",
            "counts": {},
            "skipped": [],
            "status": "running",
        }
        self.items = []
        self.last_write = 0.0

    def __call__(self, index, total, outcome, title):
        self.items.append((f"{index}/{total}", outcome, title))
        state = self.state
        state.update(done=index, total=total, current=title)
        state["counts"][outcome] = state["counts"].get(outcome, 0) + 1
        if outcome == "skipped" and self.result is not None:
            state["skipped"].append(list(self.result.skipped[-1]))
        now = time.monotonic()
        if index == total or now - self.last_write >= PROGRESS_EVERY:
            self.last_write = now
            self.publish()
            if progress_cache().get(cancel_key(self.job_id)):
                raise ImportCancelled("The import was cancelled.")

    def publish(self, **changes):
        self.state.update(changes, at=time.time())
        progress_cache().set(progress_key(self.job_id), self.state, PROGRESS_TIMEOUT)


def run_import(data, *, show_slug=None, allow_locked=False, source_url="", progress=None):
    """Import ``data`` (bytes) or every page of ``source_url``; returns the ``ImportResult``.

    The result is handed to the progress callback first, so that it can read each skipped
    item's reason as it happens.
    """
    result = ImportResult()
    if isinstance(progress, Progress):
        progress.result = result
    return import_source(
        source_url,
        data=data or None,
        show_slug=show_slug,
        allow_locked=allow_locked,
        public_only=True,
        progress=progress,
        result=result,
    )


def report_of(result, items):
    return {
        "show_id": result.show.pk,
        "show_title": result.show.title,
        "show_slug": result.show.slug,
        "show_created": result.show_created,
        "show_updated": result.show_updated,
        "counts": result.counts,
        "skipped": [list(pair) for pair in result.skipped],
        "warnings": list(result.warnings),
        "pages": [str(page) for page in result.pages],
        "items": [list(item) for item in items],
    }


@background(retries=0)
def import_job(job_id):
    """Run one ``ImportJob``; running it again after it ended does nothing."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in ImportJob.DONE:
        return job.status if job else None
    progress = Progress(job_id)
    if progress_cache().get(cancel_key(job_id)) or job.cancel_requested:
        return finish(job, ImportJob.CANCELLED, progress, error="The import was cancelled before it started.")
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.RUNNING, started_at=timezone.now())
    progress.publish(status="running")
    try:
        result = run_import(
            bytes(job.feed_data),
            show_slug=job.show.slug if job.show else None,
            allow_locked=job.allow_locked,
            source_url=job.source_url,
            progress=progress,
        )
    except ImportCancelled as exc:
        return finish(job, ImportJob.CANCELLED, progress, error=f"{exc} Nothing was imported.")
    except FeedImportError as exc:
        return finish(job, ImportJob.FAILED, progress, error=f"{exc} Nothing was imported.")
    except Exception:
        finish(
            job,
            ImportJob.FAILED,
            progress,
            error="The import stopped on an unexpected error; nothing was imported.\n"
            + traceback.format_exc(limit=5),
        )
        raise
    job.show_id = result.show.pk
    return finish(job, ImportJob.FINISHED, progress, report=report_of(result, progress.items))


def finish(job, status, progress, error="", report=None):
    from episodes.notify.webhooks import import_finished

    with transaction.atomic():
        job.status = status
        job.error = error
        job.report = report or {}
        job.finished_at = timezone.now()
        job.feed_data = b""
        job.save(update_fields=["status", "error", "report", "finished_at", "feed_data", "show"])
        import_finished(job)
    progress.publish(status=status)
    progress_cache().delete(cancel_key(job.pk))
    return status


@periodic
def requeue_stale_imports(now=None):
    """Imports whose task is gone: queued or running, with no progress for TASKS_RUNNING_TIMEOUT.

    On the database backend the worker itself puts a dead worker's task back (see
    ``episodes.tasks.worker``); on RQ a killed worker's job is only marked failed, so this runs it
    again (it starts over: the killed run's transaction was rolled back).
    """
    if queue_is_transactional(import_job):
        return []
    now = now or time.time()
    requeued = []
    for job in ImportJob.objects.filter(status__in=[ImportJob.QUEUED, ImportJob.RUNNING]):
        last = read_progress(job.pk).get("at") or (job.started_at or job.created_at).timestamp()
        if now - last > settings.TASKS_RUNNING_TIMEOUT:
            progress_cache().set(progress_key(job.pk), {"status": job.status, "at": now}, PROGRESS_TIMEOUT)
            enqueue(import_job, job.pk)
            requeued.append(job.pk)
    return requeued
