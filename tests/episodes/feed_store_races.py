"""Renders and edits of one feed racing, in threads with connections of their own, against the
real database: what ``tests/episodes/test_feed_store_races.py`` checks.

Each scenario builds its show, runs the race and returns what it saw. The tests run them in their
own process on PostgreSQL; on SQLite, whose test database lives in memory (one connection for all
threads), they run here, in a process of its own on a file database in WAL mode as in production:

    python -m tests.episodes.feed_store_races <scenario>   (prints the result as JSON)
"""

import gzip
import json
import os
import sys
import threading
import time
from unittest import mock

OLD_TITLE = b"<title>Before the edit</title>"
NEW_TITLE = b"<title>After the edit</title>"


def _feed():
    from episodes.feeds import store
    from tests.factories import default_host, make_episode, make_network, make_person, make_show

    make_network(name="Race network")
    show = make_show(title="Raced show", slug="raced")
    default_host(show, make_person(name="Host"))
    episode = make_episode(show, title="Before the edit", slug="edited")
    store.refresh_feeds(store.all_feed_names(), force=True)
    return show, episode, store.show_feed_name(show.pk)


class Watcher(threading.Thread):
    """From the commit on, reads the stored files again and again until told to stop; counts the
    reads that found the pre-edit bytes."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.reads = 0
        self.stale = 0

    def run(self):
        while not self.stop.is_set():
            for candidate, unpack in (
                (self.path, bytes),
                (self.path.with_name("feed.xml.gz"), gzip.decompress),
            ):
                try:
                    body = unpack(candidate.read_bytes())
                except (FileNotFoundError, EOFError, gzip.BadGzipFile):
                    continue
                self.reads += 1
                if OLD_TITLE in body:
                    self.stale += 1
            time.sleep(0.0005)


def _edit(episode, committed):
    from django.db import transaction

    with transaction.atomic():
        # Registered first: it runs first once the database has committed, before the render the
        # save asks for.
        transaction.on_commit(committed.set)
        episode.title = "After the edit"
        episode.save()


def _outcome(name, watcher, **seen):
    from episodes.feeds import store
    from episodes.feeds.models import StoredFeed

    stored = StoredFeed.objects.get(name=name)
    body = (store.store_root() / stored.path).read_bytes()
    gzipped = (store.store_root() / f"{stored.path}.gz").read_bytes()
    return {
        **seen,
        "stale_reads_after_commit": watcher.stale,
        "reads_after_commit": watcher.reads,
        "stored_has_new_title": NEW_TITLE in body,
        "stored_has_old_title": OLD_TITLE in body,
        "gzip_matches_plain": gzip.decompress(gzipped) == body,
        "row_current": stored.rendered_generation == stored.generation,
    }


def render_started_before_an_edit():
    """A render reads the feed, an edit commits, then the render tries to put its bytes in place."""
    from django.db import connection

    from episodes.feeds import store

    show, episode, name = _feed()
    rendered, committed = threading.Event(), threading.Event()
    attempts = []
    real_renderer = store._renderer

    def renderer(feed, now):
        target = real_renderer(feed, now)
        path, write, next_change_at, extra = target

        def paused(outfile):
            write(outfile)  # the feed's queries run here
            if threading.current_thread().name == "render":
                attempts.append("before the edit" if not attempts else "again")
                if len(attempts) == 1:
                    rendered.set()
                    committed.wait(30)

        return path, paused, next_change_at, extra

    watcher = Watcher(store.store_root() / "shows/raced/feed.xml")
    results = {}

    def render():
        try:
            results["changed"] = store.ensure_current(name, force=True)[1]
        finally:
            connection.close()

    with mock.patch.object(store, "_renderer", renderer):
        thread = threading.Thread(target=render, name="render")
        thread.start()
        assert rendered.wait(30)
        committed_at = threading.Thread(target=lambda: (committed.wait(30), watcher.start()))
        committed_at.start()
        _edit(episode, committed)
        thread.join(30)
        committed_at.join(30)
    watcher.stop.set()
    watcher.join()
    return _outcome(name, watcher, attempts=attempts, render_changed=results.get("changed"))


def edit_while_a_render_is_put_in_place():
    """A render holds its row while it moves its files into place; an edit comes in then."""
    from django.db import connection

    from episodes.feeds import store

    show, episode, name = _feed()
    placing, release, committed = threading.Event(), threading.Event(), threading.Event()
    real_replace = os.replace

    def replace(source, target):
        if threading.current_thread().name == "render" and not placing.is_set():
            placing.set()
            release.wait(30)
        return real_replace(source, target)

    watcher = Watcher(store.store_root() / "shows/raced/feed.xml")
    seen = {}

    def render():
        try:
            store.ensure_current(name, force=True)
        finally:
            connection.close()

    def edit():
        try:
            _edit(episode, committed)
        finally:
            connection.close()

    with mock.patch.object(store.os, "replace", replace):
        renderer = threading.Thread(target=render, name="render")
        renderer.start()
        assert placing.wait(30)
        editor = threading.Thread(target=edit, name="edit")
        editor.start()
        time.sleep(0.5)
        seen["edit_committed_while_render_held_the_row"] = committed.is_set()
        committed_at = threading.Thread(target=lambda: (committed.wait(30), watcher.start()))
        committed_at.start()
        release.set()
        renderer.join(30)
        editor.join(30)
        committed_at.join(30)
    watcher.stop.set()
    watcher.join()
    return _outcome(name, watcher, **seen, edit_committed=committed.is_set())


SCENARIOS = {
    "render_started_before_an_edit": render_started_before_an_edit,
    "edit_while_a_render_is_put_in_place": edit_while_a_render_is_put_in_place,
}


def main(scenario):
    import django

    django.setup()
    from django.core.cache import cache
    from django.test.utils import setup_test_environment

    setup_test_environment()
    cache.clear()
    print(json.dumps(SCENARIOS[scenario]()))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    main(sys.argv[1])
