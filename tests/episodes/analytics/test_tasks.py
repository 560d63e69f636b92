"""The measurement jobs run on the task runner: each enqueued once per interval, then run."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from episodes.analytics import tasks
from episodes.analytics.models import DownloadEvent
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def queued():
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_sweep_enqueues_the_journal_load_the_rollup_and_the_purge_once_per_interval():
    tasks.schedule_measurement_jobs()
    tasks.schedule_measurement_jobs()

    assert queued() == [
        "episodes.analytics.tasks.load_journal",
        "episodes.analytics.tasks.purge_old_events",
        "episodes.analytics.tasks.rollup_recent_days",
    ]


def test_rollup_task_rolls_up_yesterday_and_today():
    assert tasks.rollup_recent_days.call() == 2


def test_purge_task_deletes_raw_events_past_the_retention_time(settings):
    settings.PODCASTCMS_ANALYTICS_RETENTION_DAYS = 30
    episode = make_episode()
    now = datetime.now(UTC)
    for age in (31, 29):
        DownloadEvent.objects.create(
            occurred_at=now - timedelta(days=age),
            episode=episode,
            show=episode.show,
            listener="a" * 16,
            agent_kind="app",
            bytes_requested=1000,
            bytes_needed=500,
        )

    assert tasks.purge_old_events.call() == {"events": 1, "salts": 0}
    assert DownloadEvent.objects.count() == 1
