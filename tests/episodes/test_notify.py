"""Telling the world: WebSub, podping and Podcast Index, checked against a real server on loopback."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from episodes import services
from episodes.models import Episode
from episodes.notify.feeds import request_checks, sweep_feeds
from episodes.notify.models import Delivery
from tests.factories import make_episode, make_show, make_user
from tests.recorder import RecordingServer
from tests.workers import run_worker

SITE = "http://podcasts.example.com"
pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    server = RecordingServer().start()
    yield server
    server.stop()


@pytest.fixture
def pings(settings, server):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["podcasts.example.com", "testserver"]
    settings.WEBSUB_HUBS = [server.url("/hub-a"), server.url("/hub-b")]
    settings.PODPING_URL = server.url("/podping")
    settings.PODPING_TOKEN = "podping-token-123"
    settings.PODCASTINDEX_PUBNOTIFY_URL = server.url("/api/1.0/hub/pubnotify")
    return server


def announced_baseline(server, *shows):
    """Every feed announced once, as after the first sweep; the server forgets those requests."""
    # The test's transaction stands for everything committed before: changes made so far in it
    # are part of this baseline, not of the next commit.
    getattr(connection.atomic_blocks[0], "podcastcms_feed_keys", set()).clear()
    request_checks([f"show:{show.pk}" for show in shows] + ["network", "publisher"])
    run_worker()
    server.take()
    Delivery.objects.all().delete()


def websub_bytes(server, path, feed_url):
    body = f"hub.mode=publish&hub.url={quote(feed_url, safe='')}".encode()
    port = server.server_address[1]
    return (
        f"POST {path} HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Length: {len(body)}\r\n"
        f"Host: 127.0.0.1:{port}\r\nUser-Agent: podcastcms-notify/1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
    ).encode() + body


def get_bytes(server, target, extra_headers=""):
    port = server.server_address[1]
    return (
        f"GET {target} HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:{port}\r\n"
        f"User-Agent: podcastcms-notify/1\r\n{extra_headers}Connection: close\r\n\r\n"
    ).encode()


def expected_requests(server, feed_url, medium="podcast"):
    encoded = quote(feed_url, safe="")
    return {
        websub_bytes(server, "/hub-a", feed_url),
        websub_bytes(server, "/hub-b", feed_url),
        get_bytes(
            server,
            f"/podping?url={encoded}&reason=update&medium={medium}",
            "Authorization: podping-token-123\r\n",
        ),
        get_bytes(server, f"/api/1.0/hub/pubnotify?url={encoded}"),
    }


def test_show_feed_declares_its_hubs_and_podping(client, pings):
    show = make_show(slug="declared")

    body = client.get(f"/shows/{show.slug}/feed.xml").content.decode()

    assert f'<atom:link href="{pings.url("/hub-a")}" rel="hub"/>' in body
    assert f'<atom:link href="{pings.url("/hub-b")}" rel="hub"/>' in body
    assert '<podcast:podping usesPodping="true"/>' in body
    assert 'rel="self"' in body


def test_feeds_declare_no_hub_when_none_is_configured(client, settings):
    settings.WEBSUB_HUBS = []
    settings.PODPING_URL = ""
    show = make_show(slug="quiet")

    body = client.get(f"/shows/{show.slug}/feed.xml").content.decode()

    assert 'rel="hub"' not in body
    assert "podcast:podping" not in body


def test_publishing_notifies_each_changed_feed_once_byte_for_byte(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="loud")
    make_show(slug="other")
    editor = make_user(role="editor", shows=[show])
    draft = make_episode(show, status=Episode.DRAFT, published_at=None)
    announced_baseline(pings, show)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(draft, editor)
    assert pings.take() == []  # nothing is sent inside the request
    run_worker()

    requests = pings.take()
    show_feed = f"{SITE}/shows/loud/feed.xml"
    network_feed = f"{SITE}/network/feed.xml"
    # The show feed and the network feed changed; the publisher feed (a list of shows) did not.
    assert sorted(r.raw for r in requests) == sorted(
        expected_requests(pings, show_feed) | expected_requests(pings, network_feed)
    )
    assert len(requests) == 8
    assert sorted(
        Delivery.objects.values_list("kind", "event", "status", "attempts", "last_status_code")
    ) == sorted(
        [
            (kind, key, "delivered", 1, 200)
            for key in ("network", f"show:{show.pk}")
            for kind in ("websub", "websub", "podping", "pubnotify")
        ]
    )


def test_edit_the_feed_does_not_show_notifies_nobody(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="drafty")
    draft = make_episode(show, status=Episode.DRAFT, published_at=None)
    announced_baseline(pings, show)

    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "A new title nobody sees yet"
        draft.save()
    run_worker()

    assert pings.take() == []
    assert Delivery.objects.count() == 0


def test_the_same_change_checked_twice_is_announced_once(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="twice")
    announced_baseline(pings, show)
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show, title="New one")
    run_worker()
    first = pings.take()

    request_checks([f"show:{show.pk}", "network"])
    run_worker()

    assert len(first) == 8
    assert pings.take() == []


def test_failed_ping_is_retried_with_backoff_and_logged(pings, settings, django_capture_on_commit_callbacks):
    settings.WEBSUB_HUBS = [pings.url("/hub-a")]
    settings.PODPING_URL = ""
    settings.PODCASTINDEX_PUBNOTIFY_URL = ""
    settings.DELIVERY_BACKOFF = 30
    show = make_show(slug="flaky")
    announced_baseline(pings, show)
    pings.statuses = [503, 503]  # the network feed's ping and the show feed's, in either order

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            make_episode(show, title="Retried")
        run_worker()
    assert len(pings.take()) == 2
    waiting = list(Delivery.objects.values_list("status", "attempts", "last_status_code", "last_error"))
    assert waiting == [("pending", 1, 503, "HTTP 503 Unavailable")] * 2
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {start + timedelta(seconds=30)}

    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        run_worker()
    assert len(pings.take()) == 2
    assert (
        list(Delivery.objects.values_list("status", "attempts", "last_status_code"))
        == [("delivered", 2, 200)] * 2
    )


def test_scheduled_publication_is_announced_at_its_time(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="later")
    editor = make_user(role="editor", shows=[show])
    draft = make_episode(show, status=Episode.DRAFT, published_at=None)
    start = timezone.now().replace(microsecond=0)
    when = start + timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        announced_baseline(pings, show)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(draft, editor, when=when)
        run_worker()
        assert pings.take() == []  # scheduled: the feed has not changed yet

    stored = Path(settings.FEED_STORE_ROOT) / "shows/later/feed.xml"
    with time_machine.travel(when - timedelta(seconds=1), tick=False):
        run_worker()
        assert pings.take() == []
        assert draft.guid.encode() not in stored.read_bytes()

    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        run_worker()  # the task queued with run_after=when
        # It rendered the stored copy too: a proxy serving the stored files has it now.
        assert draft.guid.encode() in stored.read_bytes()
        requests = pings.take()
        assert sorted(r.raw for r in requests) == sorted(
            expected_requests(pings, f"{SITE}/shows/later/feed.xml")
            | expected_requests(pings, f"{SITE}/network/feed.xml")
        )
        sweep_feeds()  # the periodic sweep finds nothing more to say
        run_worker()
        assert pings.take() == []


def test_sweep_catches_a_scheduled_time_whose_task_was_lost(pings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    show = make_show(slug="missed")
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        announced_baseline(pings, show)
        make_episode(show, title="Scheduled", published_at=start + timedelta(minutes=5))
        DBTaskResult.objects.all().delete()  # no task knows of it
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        queued = sweep_feeds()
        run_worker()

    assert queued == ["network", f"show:{show.pk}"]  # validators moved; hashes decide
    assert len(pings.take()) == 8


def test_publishing_works_while_no_worker_runs(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="no-worker")
    editor = make_user(role="editor", shows=[show])
    draft = make_episode(show, status=Episode.DRAFT, published_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(draft, editor)

    draft.refresh_from_db()
    assert draft.status == Episode.PUBLISHED
    assert pings.take() == []  # queued, waiting for a worker
    run_worker()
    assert len(pings.take()) == 12  # first announcement of the show, network and publisher feeds


def test_sweep_sends_deliveries_whose_task_or_worker_was_lost(server, settings):
    from django_tasks_db.models import DBTaskResult

    from episodes.notify.delivery import requeue_deliveries

    settings.DELIVERY_TIMEOUT = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # A worker died while sending this one, and the task of that one was lost.
        Delivery.objects.create(
            kind="websub", target_url=server.url("/crashed"), status="sending", claimed_at=start, attempts=1
        )
        Delivery.objects.create(kind="websub", target_url=server.url("/lost"))
        DBTaskResult.objects.all().delete()
        assert requeue_deliveries() == 0  # too early: the claim may still be alive, the task queued
    with time_machine.travel(start + timedelta(seconds=121), tick=False):
        assert requeue_deliveries() == 2
        run_worker()

    assert sorted(r.path for r in server.take()) == ["/crashed", "/lost"]
    assert sorted(Delivery.objects.values_list("target_url", "status", "attempts")) == [
        (server.url("/crashed"), "delivered", 2),
        (server.url("/lost"), "delivered", 1),
    ]


def test_sweep_frees_a_feed_whose_check_task_was_lost(pings):
    from django_tasks_db.models import DBTaskResult

    from episodes.notify.models import FeedState

    show = make_show(slug="stuck")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        announced_baseline(pings, show)
        make_episode(show, title="Waiting")
        request_checks([f"show:{show.pk}"])
        DBTaskResult.objects.all().delete()  # the queue lost the check
        assert sweep_feeds() == ["network"]  # the show's check still counts as queued
        run_worker()
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert sweep_feeds() == [f"show:{show.pk}"]
        run_worker()

    assert FeedState.objects.get(key=f"show:{show.pk}").check_queued is False
    assert len(pings.take()) == 8  # the show feed and the network feed, once each


def test_feed_leaving_the_public_is_not_announced_until_it_returns(pings, django_capture_on_commit_callbacks):
    show = make_show(slug="hidden-for-a-while")
    make_episode(show)
    announced_baseline(pings, show)

    with django_capture_on_commit_callbacks(execute=True):
        show.is_public = False
        show.save()
    run_worker()
    hidden = {r.path.split("?")[0] for r in pings.take()}
    assert Delivery.objects.filter(event=f"show:{show.pk}").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        show.is_public = True
        show.save()
    run_worker()
    back = [r for r in pings.take() if "hidden-for-a-while" in r.raw.decode()]

    # Hiding it changed the network feeds (announced); its own URL has nothing to fetch.
    assert hidden == {"/hub-a", "/hub-b", "/podping", "/api/1.0/hub/pubnotify"}
    assert len(back) == 4
    assert Delivery.objects.filter(event=f"show:{show.pk}").count() == 4
