"""The task runner: retries with backoff, failures in the admin, tasks of killed workers run again."""

import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from episodes.tasks import later
from episodes.tasks.worker import new_worker_id, requeue_abandoned
from tests.episodes import sample_tasks
from tests.workers import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calls():
    sample_tasks.CALLS.clear()


def test_failed_task_is_retried_with_exponential_backoff():
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        sample_tasks.fails_twice.enqueue("feed")
        run_worker()
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == start + timedelta(seconds=10)
    with time_machine.travel(start + timedelta(seconds=11), tick=False):
        run_worker()
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after == start + timedelta(seconds=11 + 20)
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        run_worker()

    assert sample_tasks.CALLS == ["feed", "feed", "feed"]
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)) == [
        "FAILED",
        "FAILED",
        "SUCCESSFUL",
    ]
    assert DBTaskResult.objects.get(status="SUCCESSFUL").return_value == "feed done"


def test_bad_input_fails_at_once_and_the_admin_shows_the_error(client):
    sample_tasks.refuses_bad_input.enqueue("no such show")
    run_worker()

    failed = DBTaskResult.objects.get()
    assert (failed.status, sample_tasks.CALLS) == ("FAILED", ["no such show"])
    assert failed.exception_class_path == "builtins.ValueError"
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    listing = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/").content.decode()
    assert "refuses_bad_input" in listing
    assert "ValueError" in listing
    assert "ValueError: &#x27;no such show&#x27; is not a show slug" in detail


def test_task_of_a_killed_worker_runs_again():
    sample_tasks.fails_twice.enqueue("orphan")
    # A worker claimed it, then its process died (a finished process stands for a killed one).
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_worker = new_worker_id().split(":")[0] + f":{gone.stdout.strip()}:abcdef"
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now(), worker_ids=[dead_worker])
    alive = sample_tasks.fails_twice.enqueue("alive")
    DBTaskResult.objects.filter(pk=alive.id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=[new_worker_id()]
    )

    assert requeue_abandoned() == 1

    assert set(DBTaskResult.objects.values_list("id", "status")) == {
        (DBTaskResult.objects.exclude(pk=alive.id).get().pk, "READY"),
        (DBTaskResult.objects.get(pk=alive.id).pk, "RUNNING"),
    }


def test_task_of_a_worker_on_another_host_runs_again_after_the_timeout(settings):
    settings.TASKS_RUNNING_TIMEOUT = 600
    sample_tasks.fails_twice.enqueue("far away")
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - timedelta(seconds=300), worker_ids=["other-host:1:abc"]
    )
    assert requeue_abandoned() == 0
    assert requeue_abandoned(now=timezone.now() + timedelta(seconds=301)) == 1


def test_later_enqueues_with_the_transaction(django_capture_on_commit_callbacks):
    from django.db import transaction

    try:
        with transaction.atomic():
            later(sample_tasks.fails_twice, "rolled back")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass

    assert DBTaskResult.objects.count() == 0
