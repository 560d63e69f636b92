"""Nothing that is not public reaches a public surface: a crawl of everything the public can reach.

Every hidden thing (a draft, an episode ready for review, a scheduled episode, a private show's
episode) carries a marker in every text a page, feed or sitemap could show. The crawl starts from
the home page, the sitemap and the show feeds, follows every same-host link, submits every GET
form (search) with each marker, and looks for the markers in every answer.
"""

import re
import xml.etree.ElementTree as ElementTree
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve
from django.utils import timezone

from episodes.models import Chapter, Episode, EpisodeLink, Transcript
from episodes.search.index import rebuild as rebuild_search_index
from people.models import Pick
from tests.factories import (
    credit,
    default_host,
    make_campaign,
    make_episode,
    make_person,
    make_show,
    sponsor_read,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
HIDDEN = ("draftleak", "reviewleak", "scheduledleak", "privateleak")
LEAKED_COUNT = re.compile(r"\b([2-9]|\d{2,})\s+(episodes|appearances)\b", re.IGNORECASE)
TEXT_TYPES = ("text/", "application/rss+xml", "application/xml", "application/json", "application/atom+xml")


class LinkCollector(HTMLParser):
    """Every URL an HTML page points to, and its GET forms as (action, field name)."""

    URL_ATTRIBUTES = {"href", "src", "action", "content", "poster", "data-src"}

    def __init__(self):
        super().__init__()
        self.urls = []
        self.forms = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name in self.URL_ATTRIBUTES and value:
                self.urls.append(value)
            if name == "srcset" and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
        if tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form = attrs.get("action") or ""
        elif tag == "input" and self._form is not None and self._is_text_field(attrs):
            self.forms.append((self._form, attrs["name"]))

    @staticmethod
    def _is_text_field(attrs):
        return bool(attrs.get("name")) and attrs.get("type", "text") in ("text", "search")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def xml_urls(body):
    """Every URL in an XML document (feed, sitemap, OPML): element texts and attributes."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return []
    urls = []
    for element in root.iter():
        candidates = [element.text or "", *element.attrib.values()]
        urls.extend(c.strip() for c in candidates if c.strip().startswith(("http://", "https://", "/")))
    return urls


def local_path(url, base):
    """The path and query of ``url`` if it is on this site, else None."""
    absolute = urljoin(base, url.strip())
    parts = urlsplit(absolute)
    own_hosts = {"testserver", urlsplit(settings.SITE_URL).netloc}
    if parts.scheme not in ("http", "https") or parts.netloc not in own_hosts:
        return None
    if parts.path.startswith(("/admin/", "/ckeditor/", settings.STATIC_URL)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start, search_terms=()):
    """{path: response} for every public URL reachable from ``start``."""
    seen, responses = set(start), {}
    queue = deque(start)
    while queue and len(responses) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        responses[path] = response
        if response.status_code in (301, 302, 303, 307, 308):
            found = [response["Location"]]
        elif response.status_code != 200 or not response["Content-Type"].startswith(TEXT_TYPES):
            continue
        else:
            body = response.content
            if b"<html" in body[:2000].lower():
                collector = LinkCollector()
                collector.feed(body.decode(response.charset or "utf-8", "replace"))
                found = collector.urls + [
                    f"{action}?{name}={term}" for action, name in collector.forms for term in search_terms
                ]
            else:
                found = xml_urls(body)
        for url in found:
            target = local_path(url, "http://testserver" + path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return responses


def body_text(response):
    if hasattr(response, "streaming_content"):
        return ""  # audio and other files: bytes, not text
    return response.content.decode(response.charset or "utf-8", "replace")


def without_query_echo(path, body):
    """A search page repeats what was asked (in its field, its title, “N results for …”); a hit is a leak."""
    query = parse_qs(urlsplit(path).query).get("q", [""])[0]
    if not query:
        return body
    for echo in (f'value="{query}"', f"“{query}”"):
        body = body.replace(echo, "")
    return body


def is_routed(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def network():
    """A public show with public episodes, and everything that must stay hidden, each marked."""
    show = make_show(slug="public-show", title="Public show")
    private_show = make_show(
        slug="privateleak-show",
        title="privateleak show",
        description="privateleak description",
        is_public=False,
    )
    host = make_person(name="Regular Host", slug="regular-host")
    default_host(show, host)
    campaign = make_campaign(show, private_show)
    public = make_episode(
        show, slug="public-episode", title="Visible episode", summary="visiblemarker summary"
    )
    credit(public, host, role="host")
    sponsor_read(public, campaign)
    hidden = {
        "draftleak": make_episode(show, status=Episode.DRAFT),
        "reviewleak": make_episode(show, status=Episode.REVIEW),
        "scheduledleak": make_episode(show, published_at=timezone.now() + timedelta(days=3)),
        "privateleak": make_episode(private_show),
    }
    for marker, episode in hidden.items():
        episode.title = f"{marker} title"
        episode.slug = f"{marker}-episode"
        episode.summary = f"{marker} summary"
        episode.show_notes = f"<p>{marker} notes</p>"
        episode.number = 900 + len(marker)
        episode.save()
        # The regular host appears on hidden episodes too: their page lists only public ones.
        credit(episode, host, role="host")
        guest = make_person(name=f"{marker} Guest", slug=f"{marker}-guest", bio=f"{marker} bio")
        credit(episode, guest, role="guest")
        Pick.objects.create(
            episode=episode, person=host, title=f"{marker} pick", url=f"https://example.com/{marker}"
        )
        EpisodeLink.objects.create(
            episode=episode, title=f"{marker} link", url=f"https://example.com/{marker}/link"
        )
        sponsor_read(episode, campaign, copy=f"<p>{marker} read</p>")
        Transcript.objects.create(
            episode=episode,
            mime_type="text/vtt",
            file=SimpleUploadedFile(
                "t.vtt",
                f"WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v Regular Host>{marker} spoken\n".encode(),
            ),
        )
    # Everything is in the search index, hidden things too: the query must leave them out.
    rebuild_search_index()
    return {"show": show, "private_show": private_show, "public": public, "hidden": hidden, "host": host}


def start_urls(network):
    start = ["/", "/sitemap.xml", network["show"].get_feed_url()]
    return [path for path in start if is_routed(path)]


def test_crawl_of_public_urls_finds_no_hidden_marker(client, network):
    responses = crawl(client, start_urls(network), search_terms=(*HIDDEN, "visiblemarker"))

    leaks = sorted(
        (marker, path)
        for path, response in responses.items()
        for marker in HIDDEN
        if marker in path.lower().split("?")[0]
        or marker in without_query_echo(path, body_text(response)).lower()
    )
    assert leaks == []
    # One episode is public in the whole network: any larger count counted hidden ones.
    counts = sorted(
        (match.group(0), path)
        for path, response in responses.items()
        for match in LEAKED_COUNT.finditer(body_text(response))
    )
    assert counts == []
    # The crawl did reach what is public, so a leak would have been seen.
    visited = {path for path, response in responses.items() if response.status_code == 200}
    assert {
        "/",
        "/shows/public-show/",
        "/shows/public-show/public-episode/",
        "/people/regular-host/",
    } <= visited
    assert network["show"].get_feed_url() in visited
    assert any("visiblemarker" in body_text(response) for response in responses.values())
    # The search form was submitted and finds what is public, so a hidden hit would have shown.
    assert '<a href="/shows/public-show/public-episode/">' in body_text(responses["/search/?q=visiblemarker"])
    if is_routed("/sitemap.xml"):
        assert responses["/sitemap.xml"].status_code == 200


def test_hidden_episode_urls_answer_404(client, network):
    hidden = network["hidden"].values()
    for episode in hidden:  # a chapters document exists for each, so only hiding can answer 404
        Chapter.objects.create(episode=episode, start_time=0, title="Opening")
    paths = [
        *(episode.get_absolute_url() for episode in hidden),
        # The embeddable player, its oEmbed answer and the chapters document of each.
        *(f"{episode.get_absolute_url()}embed/" for episode in hidden),
        *(f"/oembed/?url=http://testserver{episode.get_absolute_url()}" for episode in hidden),
        *(f"/chapters/{episode.pk}.json" for episode in hidden),
        network["private_show"].get_absolute_url(),
        network["private_show"].get_feed_url(),
        f"/sitemap-show-{network['private_show'].slug}.xml",
        *(f"/people/{marker}-guest/" for marker in HIDDEN),
    ]

    assert {path: client.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)


def test_hidden_episode_audio_answers_404(client, network):
    draft = make_episode(network["show"], status=Episode.DRAFT, audio=True)

    assert client.get(draft.enclosure_url).status_code == 404


def marker_places(client, network, episode):
    """Where the scheduled episode shows: home, show page, episode page status, feed, sitemap."""
    home = client.get("/")
    show_page = client.get(network["show"].get_absolute_url())
    episode_page = client.get(episode.get_absolute_url())
    feed = client.get(network["show"].get_feed_url())
    # The show's own sitemap, which the index points to.
    sitemap = client.get(f"/sitemap-show-{network['show'].slug}.xml") if is_routed("/sitemap.xml") else None
    return {
        "home": "scheduledleak title" in home.content.decode(),
        "show page": "scheduledleak title" in show_page.content.decode(),
        "episode page": episode_page.status_code,
        "feed": episode.guid in feed.content.decode(),
        "sitemap": sitemap is not None and episode.get_absolute_url() in sitemap.content.decode(),
    }


def test_scheduled_episode_appears_exactly_when_its_time_passes(client, network):
    episode = network["hidden"]["scheduledleak"]

    with time_machine.travel(episode.published_at - timedelta(seconds=1), tick=False):
        before = marker_places(client, network, episode)
    with time_machine.travel(episode.published_at + timedelta(seconds=1), tick=False):
        after = marker_places(client, network, episode)

    has_sitemap = is_routed("/sitemap.xml")
    assert before == {"home": False, "show page": False, "episode page": 404, "feed": False, "sitemap": False}
    assert after == {
        "home": True,
        "show page": True,
        "episode page": 200,
        "feed": True,
        "sitemap": has_sitemap,
    }


def test_webhook_endpoint_receives_no_event_of_other_shows(network):
    from episodes import services
    from episodes.notify.models import Delivery, WebhookEndpoint
    from tests.factories import make_user

    public_only = WebhookEndpoint.objects.create(
        url="https://public.example.com/", events=WebhookEndpoint.EVENTS
    )
    public_only.shows.add(network["show"])
    everything = WebhookEndpoint.objects.create(
        url="https://all.example.com/", events=WebhookEndpoint.EVENTS, all_shows=True
    )
    editor = make_user(role="network_admin", all_shows=True)
    # Every event the hidden things can raise: edits, publishing, unpublishing, show edits.
    for episode in network["hidden"].values():
        episode.refresh_from_db()
        episode.summary += " (edited)"
        episode.save()
    private = network["hidden"]["privateleak"]
    services.unpublish(private, editor)
    services.publish(private, editor)
    network["private_show"].description += " (edited)"
    network["private_show"].save()
    network["public"].summary += " (edited)"
    network["public"].save()

    received = Delivery.objects.filter(endpoint=public_only)
    # Another show's episodes never reach it, nor drafts of its own show. Its own scheduled
    # episode does (an integrator of a show is told of its schedule): "scheduledleak" may.
    never = ("draftleak", "reviewleak", "privateleak")
    leaked = [d.body for d in received if any(marker in d.body.lower() for marker in never)]
    assert leaked == []
    assert set(received.values_list("show__slug", flat=True)) == {"public-show"}
    assert sorted(received.values_list("event", flat=True)) == ["episode.updated", "episode.updated"]
    # The same events did happen: the endpoint for all shows got them.
    assert Delivery.objects.filter(endpoint=everything, show=network["private_show"]).count() == 4
