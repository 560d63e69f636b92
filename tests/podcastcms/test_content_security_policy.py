"""Content-Security-Policy on every page and the admin; frame-ancestors as X-Frame-Options says."""

import pytest

from episodes.models import Episode, Team
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: https:",
    "media-src": "'self' https:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def site():
    show = make_show(slug="show")
    make_episode(show, slug="episode")
    draft = make_episode(show, slug="draft", status=Episode.DRAFT)
    return show, draft


def test_csp_is_sent_on_every_public_page(client, site):
    urls = ["/", "/shows/show/", "/shows/show/episode/", "/sitemap.xml", "/robots.txt", "/no-such-page/"]

    policies = {url: policy(client.get(url)) for url in urls}

    assert policies == dict.fromkeys(urls, EXPECTED)


def test_csp_is_sent_on_the_admin_and_its_login(client, site):
    show, draft = site
    logged_in = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    team = Team.objects.get(members=logged_in)
    urls = [
        "/admin/",
        "/admin/episodes/episode/",
        f"/admin/episodes/team/{team.pk}/change/",
        "/admin/people/person/add/",
    ]

    login_page = policy(client.get("/admin/login/"))
    client.force_login(logged_in)
    policies = {url: policy(client.get(url)) for url in urls}

    assert login_page == EXPECTED
    assert policies == dict.fromkeys(urls, EXPECTED)


def test_csp_allows_inline_handlers_only_on_forms_with_the_rich_text_editor(client, site):
    # CKEditor 4's toolbar is made of on…= handlers: those forms alone allow inline script.
    show, draft = site
    client.force_login(make_user(role=Team.NETWORK_ADMIN, all_shows=True))
    with_editor = [
        f"/admin/episodes/episode/{draft.pk}/change/",
        "/admin/episodes/episode/add/",
        "/admin/sponsors/campaign/add/",
    ]

    policies = {url: policy(client.get(url)) for url in with_editor}

    relaxed = {**EXPECTED, "script-src": "'self' 'unsafe-inline'"}
    assert policies == dict.fromkeys(with_editor, relaxed)


def test_csp_admin_pages_carry_no_inline_script(client, site):
    show, draft = site
    client.force_login(make_user(role=Team.EDITOR, shows=[show]))
    html = client.get(f"/admin/episodes/episode/{draft.pk}/change/").content.decode()

    scripts = html.split("<script")[1:]

    # Every script element loads a file, or carries data (json_script), never code.
    assert scripts != []
    assert [s for s in scripts if " src=" not in s.split(">", 1)[0] and "application/json" not in s] == []


@pytest.mark.urls("tests.podcastcms.csp_urls")
def test_csp_frame_ancestors_anywhere_only_for_views_exempt_from_x_frame_options(client, site):
    embed = client.get("/test-embed/")
    same_origin = client.get("/test-same-origin/")
    page = client.get("/shows/show/episode/")

    assert (policy(embed)["frame-ancestors"], embed.get("X-Frame-Options")) == ("*", None)
    assert (policy(same_origin)["frame-ancestors"], same_origin["X-Frame-Options"]) == (
        "'self'",
        "SAMEORIGIN",
    )
    assert (policy(page)["frame-ancestors"], page["X-Frame-Options"]) == ("'none'", "DENY")
    assert {key: value for key, value in policy(embed).items() if key != "frame-ancestors"} == {
        key: value for key, value in EXPECTED.items() if key != "frame-ancestors"
    }


def test_csp_of_uploads_is_the_sandbox_not_the_page_policy(client):
    episode = make_episode(make_show(slug="audio-show"), audio=True)

    response = client.get(episode.enclosure_url)

    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
