"""Optional RFC 5005 paging of our own show feeds: off by default, and never an episode lost."""

import http.server
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from episodes.imports.paging import import_source
from episodes.models import Episode, Show
from tests.factories import make_episode, make_show

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def show():
    cache.clear()
    show = make_show(slug="paged")
    now = timezone.now()
    for n in range(5):
        make_episode(show, title=f"Part {n}", guid=f"paged-{n}", published_at=now - timedelta(days=n))
    return show


def links(content):
    channel = ET.fromstring(content).find("channel")
    return {link.get("rel"): link.get("href") for link in channel.findall(f"{ATOM}link")}, [
        item.findtext("guid") for item in channel.findall("item")
    ]


@pytest.mark.django_db
def test_feeds_are_one_document_by_default(client, show):
    rels, guids = links(client.get("/shows/paged/feed.xml").content)

    assert set(rels) == {"self"}
    assert guids == [f"paged-{n}" for n in range(5)]


@pytest.mark.django_db
def test_paged_feed_links_every_page_and_holds_every_episode_once(client, show, settings):
    settings.PODCASTCMS_FEED_PAGE_SIZE = 2
    site = settings.SITE_URL
    url, seen, pages = "/shows/paged/feed.xml", [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        rels, guids = links(response.content)
        pages.append(rels)
        seen.extend(guids)
        url = rels.get("next", "").removeprefix(site)

    assert seen == [f"paged-{n}" for n in range(5)]
    assert pages[0] == {
        "self": f"{site}/shows/paged/feed.xml",
        "first": f"{site}/shows/paged/feed.xml",
        "last": f"{site}/shows/paged/feed.xml?page=3",
        "next": f"{site}/shows/paged/feed.xml?page=2",
    }
    assert pages[2]["previous"] == f"{site}/shows/paged/feed.xml?page=2"
    assert client.get("/shows/paged/feed.xml?page=4").status_code == 404
    assert client.get("/shows/paged/feed.xml?page=x").status_code == 404


@pytest.fixture
def snapshot_server():
    """A web server on 127.0.0.1 answering fixed documents by path and query (an old install)."""
    documents = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = documents.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", documents
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_our_paged_feed_imports_whole_into_an_empty_install(client, show, settings, snapshot_server):
    base, documents = snapshot_server
    settings.PODCASTCMS_FEED_PAGE_SIZE = 2
    settings.SITE_URL = base
    for path in ("/shows/paged/feed.xml", "/shows/paged/feed.xml?page=2", "/shows/paged/feed.xml?page=3"):
        documents[path] = client.get(path).content
    Episode.objects.all().delete()
    Show.objects.all().delete()

    result = import_source(f"{base}/shows/paged/feed.xml", allow_locked=True)

    assert [str(page).split(": ", 1)[1] for page in result.pages] == ["2 items", "2 items", "1 item"]
    assert sorted(Episode.objects.values_list("guid", flat=True)) == [f"paged-{n}" for n in range(5)]
