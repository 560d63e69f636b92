"""Running the database task worker inside a test, on the test's own connection."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from episodes.tasks.worker import new_worker_id


def run_worker(max_tasks=None):
    """Run every task that is ready (and those they enqueue), then return their results."""
    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    # The worker drops connections between tasks, as Django does between requests; inside a
    # test's transaction that would close the test's own connection (on PostgreSQL).
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        _worker(max_tasks).run()
    return list(DBTaskResult.objects.exclude(pk__in=before).order_by("enqueued_at"))


def _worker(max_tasks):
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    )
