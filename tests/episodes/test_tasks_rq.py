"""The same tasks on RQ over the local Redis (database 11), delivering to a real server."""

import pytest
import redis

from episodes.notify.delivery import deliver
from episodes.notify.models import Delivery
from tests.recorder import RecordingServer

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def rq_backend(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"no Redis server at {REDIS_URL}: {exc}")
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def run_rq_worker():
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    worker = django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
    worker.work(burst=True, with_scheduler=False)


@pytest.mark.django_db(transaction=True)
def test_delivery_runs_on_rq_after_the_commit(rq_backend):
    server = RecordingServer().start()
    try:
        delivery = Delivery.objects.create(
            kind="websub", target_url=server.url("/hub"), body="hub.mode=publish"
        )

        result = deliver.enqueue(delivery.pk)
        assert rq_backend.llen("rq:queue:default") == 1
        run_rq_worker()

        (request,) = server.take()
        assert (request.method, request.path, request.body) == ("POST", "/hub", b"hub.mode=publish")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("delivered", 1)
        assert deliver.get_result(result.id).status == "SUCCESSFUL"
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_later_sends_to_rq_only_once_committed(rq_backend):
    from django.db import transaction

    from episodes.tasks import later

    delivery = Delivery.objects.create(kind="websub", target_url="http://127.0.0.1:9/", body="")
    with transaction.atomic():
        later(deliver, delivery.pk)
        assert rq_backend.llen("rq:queue:default") == 0
    assert rq_backend.llen("rq:queue:default") == 1


@pytest.mark.django_db(transaction=True)
def test_import_of_a_killed_rq_worker_runs_again(rq_backend, settings):
    from episodes.imports.models import ImportJob
    from episodes.imports.tasks import requeue_stale_imports
    from episodes.models import Episode
    from tests.factories import rss_document, rss_item

    settings.TASKS_RUNNING_TIMEOUT = 600
    feed = rss_document(rss_item("Again", guid="rq-1", audio_url="https://cdn.example.com/1.mp3"))
    # Its worker was killed: the job says running, its transaction left nothing, no job is queued.
    job = ImportJob.objects.create(feed_data=feed, status=ImportJob.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(started_at=job.created_at)

    assert requeue_stale_imports(now=job.created_at.timestamp() + 60) == []
    assert requeue_stale_imports(now=job.created_at.timestamp() + 601) == [job.pk]
    run_rq_worker()

    job.refresh_from_db()
    assert (job.status, list(Episode.objects.values_list("guid", flat=True))) == ("finished", ["rq-1"])
