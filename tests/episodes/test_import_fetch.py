"""The import's URL fetch connects only where it checked: DNS rebinding and redirects are refused.

Two real web servers play the parts, on the same port: a public feed host on 127.0.0.1 and an
inner service on 127.0.0.2 (all of 127/8 is loopback on Linux). ``is_public_address`` is told
that 127.0.0.1 is public, and host names resolve as a rebinding DNS server would answer.
"""

import http.server
import socket
import threading

import pytest

from episodes.imports import feedreader
from episodes.imports.feedreader import FeedImportError, read_source

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Public feed</title></channel></rss>'


def start_server(address, port, answer):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append((self.headers["Host"], self.path))
            status, headers, body = answer(self)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


@pytest.fixture
def hosts(monkeypatch):
    """The public host, the inner one on the same port, and a DNS table to fill in."""
    routes = {}
    public, public_hits = start_server("127.0.0.1", 0, lambda request: routes["public"](request))
    port = public.server_address[1]
    try:
        inner, inner_hits = start_server("127.0.0.2", port, lambda request: (200, {}, b"INNER SECRET"))
    except OSError:
        public.shutdown()
        pytest.skip("127.0.0.2 cannot be bound here")
    routes["public"] = lambda request: (200, {"Content-Type": "application/rss+xml"}, FEED)
    dns = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in dns:
            answers = dns[host]
            address = answers.pop(0) if len(answers) > 1 else answers[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(feedreader, "is_public_address", lambda address: address == "127.0.0.1")
    yield {"port": port, "dns": dns, "routes": routes, "public_hits": public_hits, "inner_hits": inner_hits}
    for server in (public, inner):
        server.shutdown()
        server.server_close()


def test_fetch_connects_to_the_checked_address_when_dns_answers_differently_later(hosts):
    # A rebinding DNS server: the public address for the check, the inner one afterwards.
    hosts["dns"]["feeds.example"] = ["127.0.0.1", "127.0.0.2"]

    data = read_source(f"http://feeds.example:{hosts['port']}/feed.xml", public_only=True)

    assert data == FEED
    assert hosts["public_hits"] == [(f"feeds.example:{hosts['port']}", "/feed.xml")]
    assert hosts["inner_hits"] == []


def test_fetch_refuses_a_redirect_to_an_inner_address(hosts):
    hosts["dns"]["feeds.example"] = ["127.0.0.1"]
    hosts["routes"]["public"] = lambda request: (302, {"Location": f"http://127.0.0.2:{hosts['port']}/"}, b"")

    with pytest.raises(FeedImportError) as error:
        read_source(f"http://feeds.example:{hosts['port']}/feed.xml", public_only=True)

    assert str(error.value) == "The feed URL points to a non-public address (127.0.0.2); it was not fetched."
    assert hosts["inner_hits"] == []


def test_fetch_checks_every_redirect_hop_once_and_connects_there(hosts):
    # The redirect's host rebinds too: checked public, then pointing inside.
    hosts["dns"]["feeds.example"] = ["127.0.0.1"]
    hosts["dns"]["cdn.example"] = ["127.0.0.1", "127.0.0.2"]
    port = hosts["port"]

    def answer(request):
        if request.headers["Host"].startswith("feeds.example"):
            return 301, {"Location": f"http://cdn.example:{port}/moved.xml"}, b""
        return 200, {}, FEED

    hosts["routes"]["public"] = answer

    data = read_source(f"http://feeds.example:{port}/feed.xml", public_only=True)

    assert data == FEED
    assert hosts["public_hits"] == [
        (f"feeds.example:{port}", "/feed.xml"),
        (f"cdn.example:{port}", "/moved.xml"),
    ]
    assert hosts["inner_hits"] == []


def test_fetch_refuses_a_host_with_any_inner_address(hosts):
    hosts["dns"]["mixed.example"] = ["127.0.0.2"]

    with pytest.raises(FeedImportError) as error:
        read_source(f"http://mixed.example:{hosts['port']}/", public_only=True)

    assert str(error.value) == "The feed URL points to a non-public address (127.0.0.2); it was not fetched."
    assert hosts["inner_hits"] == []


def test_fetch_stops_after_five_redirects(hosts):
    hosts["dns"]["feeds.example"] = ["127.0.0.1"]
    hosts["routes"]["public"] = lambda request: (302, {"Location": "/again"}, b"")

    with pytest.raises(FeedImportError) as error:
        read_source(f"http://feeds.example:{hosts['port']}/feed.xml", public_only=True)

    assert str(error.value) == "The feed URL redirects more than 5 times; it was not fetched."
    assert len(hosts["public_hits"]) == 6


def test_fetch_refuses_a_redirect_to_another_scheme(hosts):
    hosts["dns"]["feeds.example"] = ["127.0.0.1"]
    hosts["routes"]["public"] = lambda request: (302, {"Location": "file:///etc/passwd"}, b"")

    with pytest.raises(FeedImportError) as error:
        read_source(f"http://feeds.example:{hosts['port']}/feed.xml", public_only=True)

    assert str(error.value) == "The feed URL redirects to “file:///etc/passwd”, which is not http(s)."
