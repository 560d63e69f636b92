"""A feed's validators change when, and only when, something the feed shows changes.

Each kind of change is tried both ways: one edit the feed shows (new ETag, new Last-Modified,
new bytes, ``feeds_changed`` sent) and one it does not show (a 304 to the old ETag, the same
bytes, no signal).
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from episodes.feeds.caching import feeds_changed
from episodes.feeds.store import all_feed_names, refresh_feeds
from episodes.models import Episode, Show
from people.models import ShowHost
from tests.factories import credit, default_host, make_episode, make_network, make_person, make_show
from tests.workers import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


class Sent(list):
    def union(self):
        """The shows and whether a network feed were signalled, over every send."""
        return sorted({pk for ids, _ in self for pk in ids}), any(network for _, network in self)


@pytest.fixture
def signals():
    sent = Sent()

    def receiver(sender, show_ids, network, **kwargs):
        sent.append((sorted(show_ids), network))

    feeds_changed.connect(receiver)
    yield sent
    feeds_changed.disconnect(receiver)


@pytest.fixture
def network():
    return make_network(name="The Network")


@pytest.fixture
def show(network, signals):
    show = make_show(title="Watched show", slug="watched")
    default_host(show, make_person(name="Host"))
    make_episode(show, title="Public episode", slug="public-one")
    return show


def store_everything(signals):
    """Every feed stored, as after ``manage.py storefeeds``; nothing signalled yet."""
    refresh_feeds(all_feed_names(), force=True)
    signals.clear()


def poll(client, url, before=None):
    headers = {"If-None-Match": before["ETag"]} if before is not None else {}
    return client.get(url, headers=headers)


def changes(client, clock, url, edit, commit, signals=None):
    """Poll ``url``, make ``edit`` (committing it), poll again with the old ETag; return both."""
    before = poll(client, url)
    if signals is not None:
        store_everything(signals)
    clock.shift(timedelta(minutes=5))
    with commit(execute=True):
        edit()
    # What the edit concerns beyond its own show's feed (the network feed, other podrolls) is
    # rendered by the background task.
    run_worker()
    return before, poll(client, url, before)


def assert_changed(before, after):
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert after.content != before.content


def assert_unchanged(before, after):
    assert after.status_code == 304
    assert (after["ETag"], after["Last-Modified"]) == (before["ETag"], before["Last-Modified"])


def episode(show, slug):
    return Episode.objects.get(show=show, slug=slug)


# A public episode's fields ----------------------------------------------------------------------


def test_public_episode_edit_changes_the_feed(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    def edit():
        public = episode(show, "public-one")
        public.title = "Retitled"
        public.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_changed(before, after)
    assert b"<title>Retitled</title>" in after.content
    assert signals.union() == ([show.pk], True)


def test_draft_created_and_edited_changes_nothing(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    def edit():
        draft = make_episode(show, title="MARKER-DRAFT", status=Episode.DRAFT)
        credit(draft, make_person(name="MARKER-GUEST"))
        draft.title = "MARKER-DRAFT-EDITED"
        draft.status = Episode.REVIEW
        draft.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_unchanged(before, after)
    assert signals == []


def test_public_episode_edit_that_changes_no_feed_field_changes_nothing(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    def edit():
        public = episode(show, "public-one")
        public.interview_topic = "Only on the page"
        public.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_unchanged(before, after)
    assert signals == []


# The show's own fields, other shows and private shows --------------------------------------------


def test_show_field_edit_changes_its_feed(client, clock, show, signals, django_capture_on_commit_callbacks):
    def edit():
        show.description = "A new description."
        show.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_changed(before, after)
    assert signals == [([show.pk], False)]


def test_other_public_show_edit_not_in_the_podroll_changes_nothing(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    other = make_show(title="Neighbour")
    make_episode(other)

    def edit():
        other.description = "Only the neighbour's own feed carries this."
        other.save()
        make_episode(other, title="Neighbour's new episode")

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_unchanged(before, after)
    assert [(ids, network) for ids, network in signals if show.pk in ids] == []


def test_other_show_rename_changes_the_podroll(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    other = make_show(title="Neighbour")

    def edit():
        other.title = "Renamed neighbour"
        other.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_changed(before, after)
    assert b'title="Renamed neighbour"' in after.content
    assert signals.union() == ([show.pk, other.pk], True)


def test_private_show_saved_and_given_episodes_changes_nothing(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    hidden = make_show(title="MARKER-PRIVATE", is_public=False)

    def edit():
        hidden.title = "MARKER-PRIVATE-RENAMED"
        hidden.save()
        make_episode(hidden, title="MARKER-PRIVATE-EPISODE")
        ShowHost.objects.create(show=hidden, person=make_person(), role="host")

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )
    network_before = poll(client, "/network/feed.xml")

    assert_unchanged(before, after)
    assert b"MARKER" not in network_before.content
    assert signals == []


def test_podroll_entry_that_becomes_public_changes_the_feed(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    hidden = make_show(title="Soon public", is_public=False)

    def edit():
        hidden.is_public = True
        hidden.save()

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_changed(before, after)
    assert b'title="Soon public"' in after.content
    assert b"Soon public" not in before.content


def test_podroll_entry_that_stops_being_public_changes_the_feed(
    client, clock, show, django_capture_on_commit_callbacks
):
    other = make_show(title="Going private")

    def edit():
        other.is_public = False
        other.save()

    before, after = changes(client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks)

    assert_changed(before, after)
    assert b"Going private" in before.content
    assert b"Going private" not in after.content


# The network fields a feed carries ----------------------------------------------------------------


def test_network_rename_changes_the_network_feeds_and_not_the_show_feed(
    client, clock, show, network, signals, django_capture_on_commit_callbacks
):
    before = poll(client, show.get_feed_url())
    network_before = poll(client, "/network/feed.xml")
    store_everything(signals)
    clock.shift(timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        network.name = "Renamed Network"
        network.save()

    assert_unchanged(before, poll(client, show.get_feed_url(), before))
    network_after = poll(client, "/network/feed.xml", network_before)
    assert_changed(network_before, network_after)
    assert b"<title>Renamed Network</title>" in network_after.content
    assert signals == [([], True)]


def test_network_feed_ignores_drafts_and_private_shows(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    def edit():
        make_episode(show, title="MARKER-DRAFT", status=Episode.DRAFT)
        make_episode(make_show(title="MARKER-PRIVATE", is_public=False), title="MARKER-PRIVATE-EPISODE")

    before, after = changes(
        client, clock, "/network/feed.xml", edit, django_capture_on_commit_callbacks, signals
    )

    assert_unchanged(before, after)


# A scheduled time passing -------------------------------------------------------------------------


def test_scheduled_episode_changes_the_feed_at_its_time_and_not_before(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = make_episode(show, title="Scheduled", published_at=timezone.now() + timedelta(hours=1))
    first = poll(client, show.get_feed_url())
    signals.clear()

    clock.shift(timedelta(minutes=59))
    early = poll(client, show.get_feed_url(), first)
    clock.shift(timedelta(minutes=2))
    late = poll(client, show.get_feed_url(), first)

    assert_unchanged(first, early)
    assert_changed(first, late)
    assert scheduled.guid.encode() in late.content
    assert signals == [([show.pk], False)]


def test_scheduling_an_episode_changes_nothing_until_its_time(
    client, clock, show, signals, django_capture_on_commit_callbacks
):
    def edit():
        make_episode(show, title="Later", published_at=timezone.now() + timedelta(days=1))

    before, after = changes(
        client, clock, show.get_feed_url(), edit, django_capture_on_commit_callbacks, signals
    )

    assert_unchanged(before, after)
    assert signals == []


# Storing ------------------------------------------------------------------------------------------


def test_committed_edit_is_stored_before_the_next_poll(
    client, clock, show, feed_store_root, django_assert_num_queries, django_capture_on_commit_callbacks
):
    before = poll(client, show.get_feed_url())
    with django_capture_on_commit_callbacks(execute=True):
        public = episode(show, "public-one")
        public.title = "Stored on commit"
        public.save()

    with django_assert_num_queries(1):
        after = poll(client, show.get_feed_url(), before)

    assert b"<title>Stored on commit</title>" in after.content
    assert (feed_store_root / "shows/watched/feed.xml").read_bytes() == after.content


def test_one_copy_per_feed_is_kept_and_replaced(
    client, clock, show, feed_store_root, django_capture_on_commit_callbacks
):
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            public = episode(show, "public-one")
            public.title = f"Edit {n}"
            public.save()
        clock.shift(timedelta(seconds=5))
        poll(client, show.get_feed_url())

    files = sorted(
        str(path.relative_to(feed_store_root)) for path in feed_store_root.rglob("*") if path.is_file()
    )

    assert [name for name in files if name.startswith("shows/")] == [
        "shows/watched/feed.xml",
        "shows/watched/feed.xml.gz",
    ]


def test_show_made_private_leaves_no_stored_feed(
    client, show, feed_store_root, django_capture_on_commit_callbacks
):
    poll(client, show.get_feed_url())
    with django_capture_on_commit_callbacks(execute=True):
        show.is_public = False
        show.save()

    assert poll(client, show.get_feed_url()).status_code == 404
    assert not (feed_store_root / "shows/watched/feed.xml").exists()
    assert Show.objects.get(pk=show.pk).stored_feed.path == ""


def test_storefeeds_command_writes_every_feed_and_is_idempotent(show, feed_store_root, signals):
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("storefeeds", stdout=first)
    stored = {path: path.read_bytes() for path in feed_store_root.rglob("*") if path.is_file()}
    first_renders = len(signals)  # a feed rendered for the first time is new to the world: one signal
    del signals[:]
    call_command("storefeeds", stdout=second)

    assert sorted(str(path.relative_to(feed_store_root)) for path in stored) == [
        "network/feed.xml",
        "network/feed.xml.gz",
        "network/publisher.xml",
        "network/publisher.xml.gz",
        "network/shows.opml",
        "network/shows.opml.gz",
        "shows/watched/feed.xml",
        "shows/watched/feed.xml.gz",
    ]
    assert second.getvalue() == "4 feeds checked, 0 changed: -\n"
    assert {path: path.read_bytes() for path in stored} == stored
    assert (first_renders, signals) == (1, [])
