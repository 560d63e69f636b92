"""Fixtures of the episodes tests."""

import functools
import http.server
import threading

import pytest
from django.core.cache import cache


@pytest.fixture
def feed_server(tmp_path):
    """A web server on 127.0.0.1 serving tmp_path, as a show's old host would."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def empty_cache():
    """The cache emptied before and after the test (the feed store's render locks live there)."""
    cache.clear()
    yield
    cache.clear()
