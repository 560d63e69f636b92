"""The feed store's edits: files taken away before the commit, a rolled-back edit served right,
and a show rename rendering its own feed in the request and every other podroll off it."""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from episodes.feeds import store
from episodes.feeds.caching import feeds_changed
from episodes.feeds.models import StoredFeed
from episodes.models import Episode
from tests.factories import make_episode, make_network, make_show
from tests.workers import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def signals():
    sent = []

    def receiver(sender, show_ids, network, **kwargs):
        sent.append((sorted(show_ids), network))

    feeds_changed.connect(receiver)
    yield sent
    feeds_changed.disconnect(receiver)


@pytest.fixture
def renders():
    """The names of the feeds rendered, in order."""
    rendered = []
    real = store._renderer

    def counting(name, now):
        rendered.append(name)
        return real(name, now)

    with mock.patch.object(store, "_renderer", counting):
        yield rendered


class Rollback(Exception):
    pass


def stored_network(shows):
    make_network(name="Store network")
    made = [make_show(title=f"Show {n}", slug=f"show-{n:02}") for n in range(shows)]
    for show in made:
        make_episode(show, title=f"Episode of {show.slug}")
    store.refresh_feeds(store.all_feed_names(), force=True)
    DBTaskResult.objects.all().delete()
    return made


def test_edit_takes_the_stored_files_away_before_it_commits(feed_store_root):
    (show,) = stored_network(1)
    episode = Episode.objects.get(show=show)
    plain = feed_store_root / "shows/show-00/feed.xml"
    assert plain.exists() and plain.with_name("feed.xml.gz").exists()

    with pytest.raises(Rollback), transaction.atomic():
        episode.title = "Never committed"
        episode.save()
        gone = (plain.exists(), plain.with_name("feed.xml.gz").exists())
        raise Rollback

    assert gone == (False, False)


def test_rolled_back_edit_leaves_the_feed_served_with_its_committed_content(
    client, feed_store_root, signals, renders
):
    (show,) = stored_network(1)
    episode = Episode.objects.get(show=show)
    before = client.get(show.get_feed_url())
    stored = StoredFeed.objects.get(name=store.show_feed_name(show.pk))
    signals.clear()
    renders.clear()

    with pytest.raises(Rollback), transaction.atomic():
        episode.title = "Never committed"
        episode.save()
        raise Rollback
    after = client.get(show.get_feed_url(), headers={"If-None-Match": before["ETag"]})
    again = client.get(show.get_feed_url(), headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 304
    assert after["ETag"] == before["ETag"]
    assert again.status_code == 304
    assert renders == [store.show_feed_name(show.pk)]  # once, to put the files back
    assert signals == []  # the same bytes: nothing changed for the world
    assert (feed_store_root / "shows/show-00/feed.xml").read_bytes() == before.content
    assert StoredFeed.objects.get(pk=stored.pk).generation == stored.generation


def rename_first_show(shows, django_capture_on_commit_callbacks, django_assert_num_queries, renders):
    """Rename the first of ``shows`` shows; return the names rendered and the queries made by the
    editor's commit."""
    made = stored_network(shows)
    renders.clear()
    renamed = made[0]
    with django_capture_on_commit_callbacks() as callbacks:
        renamed.title = "Renamed show"
        renamed.save()
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    # The search index's queries differ between the databases: the feed store's are the same.
    return made, list(renders), [query for query in queries.captured_queries if "search" not in query["sql"]]


@pytest.mark.parametrize("shows", [1, 20])
def test_show_rename_renders_only_its_own_feed_in_the_editors_request(
    shows, django_capture_on_commit_callbacks, django_assert_num_queries, renders
):
    made, rendered, queries = rename_first_show(
        shows, django_capture_on_commit_callbacks, django_assert_num_queries, renders
    )

    assert rendered == [store.show_feed_name(made[0].pk)]
    # Rendering one feed and enqueueing one task (the network feeds, every podroll): the same at
    # 1 show and at 20.
    assert len(queries) == RENAME_COMMIT_QUERIES, "\n".join(q["sql"][:90] for q in queries)
    assert DBTaskResult.objects.filter(task_path="episodes.feeds.tasks.refresh_stored_feeds").count() == 1


RENAME_COMMIT_QUERIES = 39  # one render, one task


def test_show_rename_leaves_every_other_feed_current_once_the_task_ran(
    client, django_capture_on_commit_callbacks, django_assert_num_queries, renders, signals, feed_store_root
):
    made, _, _ = rename_first_show(3, django_capture_on_commit_callbacks, django_assert_num_queries, renders)
    signals.clear()
    renders.clear()
    run_worker()

    assert sorted(renders) == sorted(
        [*(store.show_feed_name(show.pk) for show in made[1:]), "network", "opml", "publisher"]
    )
    assert sorted(pk for ids, _ in signals for pk in ids) == sorted(show.pk for show in made[1:])
    assert sum(network for _, network in signals) == 1  # one signal for the network feeds
    for show in made[1:]:
        body = (feed_store_root / f"shows/{show.slug}/feed.xml").read_bytes()
        assert b'title="Renamed show"' in body
    assert not StoredFeed.objects.exclude(rendered_generation=models_generation()).exists()


def models_generation():
    from django.db.models import F

    return F("generation")


def test_show_rename_podroll_is_rendered_on_the_first_poll_before_the_task_runs(
    client, django_capture_on_commit_callbacks, django_assert_num_queries, renders, signals, feed_store_root
):
    made, _, _ = rename_first_show(2, django_capture_on_commit_callbacks, django_assert_num_queries, renders)
    other = made[1]
    assert not (feed_store_root / f"shows/{other.slug}/feed.xml").exists()  # taken away by the edit
    signals.clear()
    renders.clear()

    polled = client.get(other.get_feed_url())
    run_worker()

    assert polled.status_code == 200
    assert b'title="Renamed show"' in polled.content
    assert renders == [store.show_feed_name(other.pk), "network", "opml", "publisher"]
    assert signals == [([other.pk], False), ([], True)]  # once per feed, wherever it was rendered


def test_files_taken_away_between_the_check_and_the_read_are_rendered_again(
    client, feed_store_root, settings
):
    settings.FEED_FAST_PATH = False  # the feed view's own check, which the fast path would answer before
    (show,) = stored_network(1)
    before = client.get(show.get_feed_url())
    real = store.stored_files_present
    checks = []

    def present_then_taken_away(stored):
        present = real(stored)
        if not checks:
            store.remove_files(stored.path)  # an edit, right after the check
        checks.append(present)
        return present

    with mock.patch.object(store, "stored_files_present", present_then_taken_away):
        after = client.get(show.get_feed_url())

    assert after.status_code == 200
    assert after.content == before.content
    assert checks[0] is True  # present when checked, gone when read: rendered again, not a 404
    assert (feed_store_root / "shows/show-00/feed.xml").read_bytes() == before.content
