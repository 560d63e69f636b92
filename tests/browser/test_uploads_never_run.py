"""Hostile uploads opened in a real browser never run script in the site's origin.

The attack: a producer uploads an HTML transcript (or an image that is HTML inside) whose script
reads an admin page; an editor opens it from the admin's link. It must run nowhere: not from the
transcript URL, not from /media/ served by the app, not from /media/ served by nginx with
deploy/nginx/media.conf. A page of our own with injected inline script is blocked by the CSP.
"""

import pytest

from episodes.models import Team, Transcript
from tests.factories import make_episode, make_show, make_user, text_upload
from tests.podcastcms.nginx import nginx_serving

pytestmark = pytest.mark.browser

# Marks the page and tries to read the admin: either shows that script ran.
PAYLOAD = (
    "<p>Transcript</p><script>document.title='PWNED';"
    "fetch('/admin/').then(r => r.text()).then(t => {document.title='PWNED ' + t.length})</script>"
    "<img src=x onerror=\"document.title='PWNED-IMG'\">"
)


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"


def script_ran(page, url):
    """Open ``url``; did any script of the document run, or any request reach /admin/?"""
    admin_requests = []
    page.on(
        "request", lambda request: admin_requests.append(request.url) if "/admin/" in request.url else None
    )
    page.goto(url)
    page.wait_for_timeout(300)
    return "PWNED" in page.title() or admin_requests != []


def test_hostile_html_runs_when_served_without_our_headers(live_server, urls, page, media_root):
    # The attack as it was: the same file, served raw (Django's live server serves /media/ by
    # itself, as a plain file server would), runs and reads the admin. The test below can fail.
    (media_root / "transcripts").mkdir(parents=True, exist_ok=True)
    (media_root / "transcripts" / "raw.html").write_text(PAYLOAD)

    assert script_ran(page, f"{live_server.url}/media/transcripts/raw.html") is True


def test_hostile_transcript_never_runs_from_any_address(live_server, urls, new_page, media_root, tmp_path):
    show = make_show(slug="show")
    episode = make_episode(show, slug="episode")
    html = Transcript.objects.create(
        episode=episode, file=text_upload("t.html", PAYLOAD), mime_type="text/html"
    )
    plain = Transcript.objects.create(
        episode=episode, file=text_upload("t.txt", PAYLOAD), mime_type="text/plain"
    )
    # A raw HTML file in the media folder, as an upload made before sanitising left it.
    (media_root / "transcripts" / "raw.html").write_text(PAYLOAD)
    (media_root / "transcripts" / "disguised.png").write_text(PAYLOAD)
    make_user("editor", role=Team.EDITOR, shows=[show])
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    app_urls = [
        f"{live_server.url}/transcripts/{html.pk}.html",
        f"{live_server.url}/transcripts/{plain.pk}.txt",
        f"{live_server.url}/app-media/{html.file.name}",
        f"{live_server.url}/app-media/transcripts/raw.html",
        f"{live_server.url}/app-media/transcripts/disguised.png",
    ]
    ran = {url: script_ran(page, url) for url in app_urls}
    with nginx_serving(media_root, tmp_path / "nginx") as nginx_url:
        ran["nginx transcripts/disguised.png"] = script_ran(
            page, f"{nginx_url}/media/transcripts/disguised.png"
        )
        # An HTML file from nginx is a download, never a document.
        for path in (html.file.name, "transcripts/raw.html"):
            with pytest.raises(Exception, match="Download is starting"):
                page.goto(f"{nginx_url}/media/{path}")
            ran[f"nginx {path}"] = "PWNED" in page.title()

    assert ran == dict.fromkeys(ran, False)
    # The sanitised transcript still reads as the transcript.
    page.goto(f"{live_server.url}/transcripts/{html.pk}.html")
    assert page.locator("p").inner_text() == "Transcript"


def test_inline_script_injected_into_our_page_is_blocked_by_the_csp(live_server, urls, page):
    show = make_show(slug="show", title="Show")
    episode = make_episode(show, slug="episode")
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}{episode.get_absolute_url()}")
    # What a stored XSS would add to the page, were anything to slip through the sanitiser.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = \"document.title = 'PWNED'\";"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)

    assert "PWNED" not in page.title()
    assert len(blocked) == 1 and "script-src" in blocked[0]
