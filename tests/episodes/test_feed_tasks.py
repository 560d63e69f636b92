"""A feed that falls due with no edit (a scheduled episode's time) is rendered by the worker."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from episodes.feeds import store, tasks
from episodes.feeds.models import StoredFeed
from episodes.models import Episode
from tests.factories import make_episode, make_show

pytestmark = pytest.mark.django_db


def test_scheduled_episode_coming_out_is_rendered_by_the_worker(feed_store_root):
    cache.clear()
    show = make_show(slug="timed")
    start = timezone.now()
    make_episode(show, title="Later", published_at=start + timedelta(hours=1), status=Episode.PUBLISHED)
    store.refresh_feeds(store.all_feed_names(), force=True)
    name = store.show_feed_name(show.pk)

    assert tasks.schedule_due_feeds(now=start) is False
    assert DBTaskResult.objects.count() == 0
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert tasks.schedule_due_feeds() is True
        assert tasks.schedule_due_feeds() is True  # due still, but enqueued once this minute
        assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
            "episodes.feeds.tasks.refresh_due_feeds"
        ]
        assert name in tasks.refresh_due_feeds.call()
        assert b"<title>Later</title>" in (feed_store_root / "shows/timed/feed.xml").read_bytes()
        assert StoredFeed.objects.get(name=name).next_change_at is None
