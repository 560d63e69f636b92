"""The feed fast path answers polls exactly as the feed views do, and steps aside when in doubt."""

import itertools
import os
from datetime import timedelta
from wsgiref.util import FileWrapper

import pytest
import time_machine
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from episodes.feeds import fastpath, store
from episodes.models import Show
from tests.factories import make_episode, make_network, make_show

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

FEEDS = ("show", "/network/feed.xml", "/network/publisher.xml", "/network/shows.opml")
ENCODINGS = (None, "gzip", "gzip;q=0", "br, gzip;q=0.8", "identity")


@pytest.fixture
def remembering(monkeypatch):
    """Rows are remembered between polls, as where edits take the files away before they commit."""
    monkeypatch.setattr(fastpath, "files_vouch_for_rows", lambda: True)


@pytest.fixture
def settled(remembering, monkeypatch):
    """Rows are remembered as soon as their files are in place (not two seconds later)."""
    monkeypatch.setattr(fastpath, "SETTLED_AFTER", -1.0)


@pytest.fixture
def answered(monkeypatch):
    """The paths the fast path answered itself (the rest fell through to the views)."""
    paths = []
    original = fastpath.FeedFastPathMiddleware.answer

    def answer(self, request, match):
        response = original(self, request, match)
        if response is not None:
            paths.append(request.path)
        return response

    monkeypatch.setattr(fastpath.FeedFastPathMiddleware, "answer", answer)
    return paths


def full_view_client():
    """A client whose middleware chain was built with the fast path off."""
    with override_settings(FEED_FAST_PATH=False):
        client = Client()
        client.get("/robots.txt")  # builds the chain now, while the setting is off
    return client


def wire(response):
    """Everything a client receives: status, headers in order, cookies and body."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.serialize_headers(), response.cookies.output(), body


def network_with_feeds():
    make_network()
    show = make_show(slug="fast-show")
    for number in range(3):
        make_episode(show, title=f"Fast episode {number}")
    return show


def request_matrix(url, first):
    """GET and HEAD × gzip negotiations × every kind of condition, for ``url``."""
    plain_tag, gzip_tag = first["plain"]["ETag"], first["gzip"]["ETag"]
    conditions = (
        {},
        {"If-None-Match": plain_tag},
        {"If-None-Match": gzip_tag},
        {"If-None-Match": f'W/{gzip_tag}, "other"'},
        {"If-None-Match": '"stale-1"'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": first["plain"]["Last-Modified"]},
        {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"If-None-Match": '"stale-1"', "If-Modified-Since": first["plain"]["Last-Modified"]},
    )
    for method, encoding, condition in itertools.product(("get", "head"), ENCODINGS, conditions):
        headers = dict(condition)
        if encoding is not None:
            headers["Accept-Encoding"] = encoding
        yield method, url, headers


def test_fast_path_and_full_view_answer_byte_identical_responses(settled, answered):
    show = network_with_feeds()
    fast, full = Client(), full_view_client()
    compared = 0
    for feed in FEEDS:
        url = show.get_feed_url() if feed == "show" else feed
        first = {
            "plain": full.get(url),
            "gzip": full.get(url, headers={"Accept-Encoding": "gzip"}),
        }
        assert first["plain"].status_code == 200
        for method, path, headers in request_matrix(url, first):
            answered.clear()
            fast_response = getattr(fast, method)(path, headers=headers)
            full_response = getattr(full, method)(path, headers=headers)

            assert answered == [path], (method, path, headers)
            assert wire(fast_response) == wire(full_response), (method, path, headers)
            compared += 1
    assert compared == len(FEEDS) * 2 * len(ENCODINGS) * 9


def test_fast_path_answers_remembered_feeds_without_a_query(settled, answered):
    show = network_with_feeds()
    client = Client()
    first = client.get(show.get_feed_url(), headers={"Accept-Encoding": "gzip"})
    client.get(show.get_feed_url())  # the first poll rendered it; this one reads the row

    with CaptureQueriesContext(connection) as queries:
        again = client.get(show.get_feed_url(), headers={"Accept-Encoding": "gzip"})
        not_modified = client.get(show.get_feed_url(), headers={"If-None-Match": first["ETag"]})

    assert len(queries) == 0
    assert (again.status_code, again.content) == (200, first.content)
    assert not_modified.status_code == 304
    assert answered == [show.get_feed_url()] * 3  # all but the first, which rendered


def test_files_not_yet_settled_are_checked_against_the_row_on_every_poll(remembering, answered):
    show = network_with_feeds()
    client = Client()
    client.get(show.get_feed_url())  # renders it

    with CaptureQueriesContext(connection) as queries:
        client.get(show.get_feed_url())
        client.get(show.get_feed_url())

    assert len(queries) == 2
    assert answered == [show.get_feed_url()] * 2


def test_where_files_go_only_after_the_commit_every_poll_reads_the_row(monkeypatch, answered):
    monkeypatch.setattr(fastpath, "files_vouch_for_rows", lambda: False)
    monkeypatch.setattr(fastpath, "SETTLED_AFTER", -1.0)
    show = network_with_feeds()
    client = Client()
    client.get(show.get_feed_url())  # renders it

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            client.get(show.get_feed_url())

    assert len(queries) == 3
    assert answered == [show.get_feed_url()] * 3


def test_an_edit_is_served_at_once_by_the_fast_path(settled, answered, django_capture_on_commit_callbacks):
    show = network_with_feeds()
    client = Client()
    first = client.get(show.get_feed_url(), headers={"Accept-Encoding": "gzip"})
    client.get(show.get_feed_url(), headers={"If-None-Match": first["ETag"]})

    with django_capture_on_commit_callbacks(execute=True):
        added = make_episode(show, title="Just published")
    after = client.get(show.get_feed_url(), headers={"If-None-Match": first["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert added.guid.encode() in after.content


def test_files_replaced_under_a_remembered_row_are_not_served_with_its_validators(settled, answered):
    show = network_with_feeds()
    client = Client()
    first = client.get(show.get_feed_url())
    client.get(show.get_feed_url())
    path = os.path.join(store.store_root(), f"shows/{show.slug}/feed.xml")
    replacement = f"{path}.new"
    with open(replacement, "wb") as new_file:
        new_file.write(b"<rss>not the stored copy</rss>")
    os.replace(replacement, path)
    answered.clear()

    after = client.get(show.get_feed_url(), headers={"If-None-Match": first["ETag"]})

    # The view finds the files are not the row's copy and renders it again.
    assert answered == []
    assert after.status_code == 304
    assert client.get(show.get_feed_url()).content == first.content


def test_a_scheduled_episode_appears_at_its_time_through_the_fast_path(settled, answered):
    show = network_with_feeds()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        scheduled = make_episode(show, title="Scheduled", published_at=timezone.now() + timedelta(hours=1))
        client = Client()
        first = client.get(show.get_feed_url())
        client.get(show.get_feed_url())
        clock.shift(timedelta(minutes=61))
        answered.clear()

        late = client.get(show.get_feed_url(), headers={"If-None-Match": first["ETag"]})

    assert answered == []
    assert late.status_code == 200
    assert scheduled.guid.encode() in late.content


def test_private_unknown_and_moved_feeds_fall_through_to_the_views(answered):
    show = network_with_feeds()
    client = Client()
    client.get(show.get_feed_url())
    Show.objects.filter(pk=show.pk).update(is_public=False)
    moved = make_show(slug="moved-show", new_feed_url="https://feeds.example.net/moved.xml")
    client.get(moved.get_feed_url())
    Show.objects.filter(pk=moved.pk).update(feed_move_confirmed=True)

    private = client.get(show.get_feed_url())
    unknown = client.get("/shows/no-such-show/feed.xml")
    redirected = client.get(moved.get_feed_url())

    assert answered == []
    assert (private.status_code, unknown.status_code) == (404, 404)
    assert (redirected.status_code, redirected["Location"]) == (301, "https://feeds.example.net/moved.xml")


def test_requests_the_fast_path_does_not_vouch_for_fall_through_with_the_same_answer(settled, answered):
    show = network_with_feeds()
    url = show.get_feed_url()
    fast, full = Client(), full_view_client()
    fast.get(url)
    requests = (
        ("get", f"{url}?utm_source=app", {}),
        ("get", url, {"Cookie": "sessionid=abc"}),
        ("get", url, {"Host": "evil.example.com"}),
        ("post", url, {}),
        ("options", url, {}),
        ("get", f"{url}/", {}),
        ("get", "/shows/fast-show/feed.xml.gz", {}),
    )
    for method, path, headers in requests:
        answered.clear()
        fast_response = getattr(fast, method)(path, headers=headers)
        full_response = getattr(full, method)(path, headers=headers)

        assert answered == [], (method, path)
        assert fast_response.status_code == full_response.status_code, (method, path)
        assert wire(fast_response)[:2] == wire(full_response)[:2], (method, path)


def test_https_redirect_and_hsts_are_the_same_as_the_full_views(settings, settled, answered):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    show = network_with_feeds()
    fast, full = Client(), full_view_client()

    insecure = fast.get(show.get_feed_url())
    full.get(show.get_feed_url(), headers={"X-Forwarded-Proto": "https"})
    answered.clear()
    secure = fast.get(show.get_feed_url(), headers={"X-Forwarded-Proto": "https"})
    secure_full = full.get(show.get_feed_url(), headers={"X-Forwarded-Proto": "https"})

    assert (insecure.status_code, insecure["Location"]) == (301, f"https://testserver{show.get_feed_url()}")
    assert answered == [show.get_feed_url()]
    assert secure["Strict-Transport-Security"] == "max-age=3600"
    assert wire(secure) == wire(secure_full)


def test_accel_redirect_answers_are_the_same_as_the_full_views(settings, settled, answered):
    settings.FEED_ACCEL_REDIRECT = "/_feedstore/"
    show = network_with_feeds()
    fast, full = Client(), full_view_client()
    full.get(show.get_feed_url())

    for headers in ({}, {"Accept-Encoding": "gzip"}):
        answered.clear()
        fast_response = fast.get(show.get_feed_url(), headers=headers)

        assert answered == [show.get_feed_url()]
        assert fast_response["X-Accel-Redirect"] == f"/_feedstore/shows/{show.slug}/feed.xml"
        assert wire(fast_response) == wire(full.get(show.get_feed_url(), headers=headers))


def test_the_fast_path_switches_itself_off_for_middleware_it_does_not_know(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.episodes.test_feed_fast_path.Unknown"]

    with pytest.raises(MiddlewareNotUsed, match="Unknown"):
        fastpath.FeedFastPathMiddleware(lambda request: None)


def test_the_fast_path_is_off_when_the_setting_says_so(settings):
    settings.FEED_FAST_PATH = False

    with pytest.raises(MiddlewareNotUsed):
        fastpath.FeedFastPathMiddleware(lambda request: None)


class Unknown:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


def test_servers_that_send_files_themselves_get_the_same_headers_and_bytes(settled, answered):
    show = network_with_feeds()
    fast, full = Client(), full_view_client()
    full.get(show.get_feed_url())
    with_sendfile = {"wsgi.file_wrapper": FileWrapper}

    for client, extra in ((fast, with_sendfile), (full, with_sendfile), (full, {})):
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            read_whole = full.get(show.get_feed_url(), headers=headers)
            response = client.get(show.get_feed_url(), headers=headers, **extra)

            assert response.streaming is bool(extra)
            assert wire(response) == wire(read_whole)
    assert answered == [show.get_feed_url()] * 2
