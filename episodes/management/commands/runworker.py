from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from episodes.tasks import worker as maintenance


class Command(BaseCommand):
    help = (
        "Run a background worker for the configured task backend (TASK_BACKEND): the database "
        "worker, or an RQ worker with its scheduler. It also requeues tasks of workers that "
        "vanished and runs the periodic sweeps."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit once no task is ready.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls (database).")
        parser.add_argument("--no-periodic", action="store_true", help="Do not run the periodic sweeps.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")

    def handle(self, batch=False, interval=1.0, no_periodic=False, max_tasks=None, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_db.DatabaseBackend":
            self.run_database_worker(batch, interval, no_periodic, max_tasks)
        elif backend == "django_tasks_rq.RQBackend":
            self.run_rq_worker(batch, no_periodic, max_tasks)
        else:
            raise CommandError(f"TASK_BACKEND runs tasks without a worker ({backend}); nothing to do.")

    def periodic_thread(self, no_periodic, requeue):
        if no_periodic:
            if requeue:
                maintenance.requeue_abandoned()
            return None
        thread = maintenance.PeriodicThread(settings.TASKS_SWEEP_INTERVAL, requeue=requeue)
        thread.start()
        return thread

    def run_database_worker(self, batch, interval, no_periodic, max_tasks):
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=maintenance.new_worker_id(),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        thread = self.periodic_thread(no_periodic, requeue=True)
        self.stdout.write(f"Worker {worker.worker_id} on the database backend")
        try:
            worker.run()
        finally:
            if thread:
                thread.stop()

    def run_rq_worker(self, batch, no_periodic, max_tasks):
        import django_rq
        from django_tasks_rq.backend import Job

        thread = self.periodic_thread(no_periodic, requeue=False)
        worker = django_rq.get_worker("default", job_class=Job)
        self.stdout.write(f"Worker {worker.name} on RQ")
        try:
            worker.work(with_scheduler=True, burst=batch, max_jobs=max_tasks)
        finally:
            if thread:
                thread.stop()
