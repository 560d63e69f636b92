"""Running the database task worker inside a test, on the test's own connection."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from episodes.tasks.worker import new_worker_id


def run_worker(max_tasks=None):
    """Run every task that is ready (and those they enqueue), then return their results."""
    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    ).run()
    return list(DBTaskResult.objects.exclude(pk__in=before).order_by("enqueued_at"))
