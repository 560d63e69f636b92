"""The access matrix, continued: the per-show analyst role on every admin URL, and the download
and campaign-report pages for every role. Another show's figures are not found, never forbidden."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Team
from tests.episodes import test_admin_permissions as matrix
from tests.factories import make_user

pytestmark = pytest.mark.django_db

world = matrix.world  # the same two shows, users and markers as the main matrix
MARKER_B, MATRIX, ROLES = matrix.MARKER_B, matrix.MATRIX, matrix.ROLES

# The analyst of show A on every URL of the main matrix: nothing but the index, the same for show
# A's objects as for show B's, so the answers tell nothing about B.
# What an analyst may not see answers 404 like anything else hidden (lists and add forms: 403);
# the upload endpoints take POST only.
ANALYST_404 = {
    "campaign A change",
    "campaign A delete",
    "campaign A history",
    "campaign B change",
    "campaign B delete",
    "campaign B history",
    "campaign B view popup",
    "editor browse",
    "episode A change",
    "episode A change popup",
    "episode A delete",
    "episode A history",
    "episode A revision",
    "episode A revision changes",
    "episode A view on site",
    "episode B change",
    "episode B change popup",
    "episode B delete",
    "episode B history",
    "episode B revision",
    "episode B revision changes",
    "episode B view on site",
    "episode calendar",
    "episode calendar month",
    "episode calendar of show B",
    "episode recover list",
    "network change",
    "network history",
    "person B change",
    "person B delete",
    "person B history",
    "show A change",
    "show A delete",
    "show A history",
    "show B change",
    "show B change popup",
    "show B delete",
    "show B history",
    "show B view on site",
    "sponsor B change",
    "sponsor B delete",
    "sponsor B history",
    "team A change",
    "team A history",
    "team B change",
    "team B delete",
    "team B history",
}
ANALYST_405 = {
    "episode audio upload",
    "episode direct upload complete",
    "episode direct upload start",
}
ANALYST_200 = {"admin index"}


def analyst_expected(name):
    if name in ANALYST_200:
        return 200
    if name in ANALYST_404:
        return 404
    if name in ANALYST_405:
        return 405
    return 403


@pytest.fixture
def analyst(world):
    return make_user("analyst_a", role=Team.ANALYST, shows=[world["show_a"]])


@pytest.mark.parametrize("name,url,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_analyst_answers_expected_status_on_every_admin_url(world, analyst, name, url, expected):
    client = Client()
    client.force_login(analyst)

    assert client.get(url(world)).status_code == analyst_expected(name)


ALL_ROLES = [*ROLES, "analyst_a"]
# anonymous, producer of A, editor of A, network admin, analyst of A
ANALYTICS_MATRIX = [
    ("downloads network", lambda w: reverse("admin:analytics_network"), (302, 200, 200, 200, 200)),
    (
        "downloads show A",
        lambda w: reverse("admin:analytics_show", args=[w["show_a"].pk]),
        (302, 200, 200, 200, 200),
    ),
    (
        "downloads show B",
        lambda w: reverse("admin:analytics_show", args=[w["show_b"].pk]),
        (302, 404, 404, 200, 404),
    ),
    (
        "downloads episode A",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_a"].pk]),
        (302, 200, 200, 200, 200),
    ),
    (
        "downloads episode B",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_b"].pk]),
        (302, 404, 404, 200, 404),
    ),
    (
        "downloads episode B csv",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_b"].pk]) + "?csv=by-day",
        (302, 404, 404, 200, 404),
    ),
    ("campaign reports", lambda w: reverse("admin:sponsors_campaign_reports"), (302, 200, 200, 200, 200)),
    (
        "campaign A report",
        lambda w: reverse("admin:sponsors_campaign_report", args=[w["campaign_a"].pk]),
        (302, 200, 200, 200, 200),
    ),
    (
        "campaign B report",
        lambda w: reverse("admin:sponsors_campaign_report", args=[w["campaign_b"].pk]),
        (302, 404, 404, 200, 404),
    ),
    (
        "campaign B report csv",
        lambda w: reverse("admin:sponsors_campaign_report", args=[w["campaign_b"].pk]) + "?format=csv",
        (302, 404, 404, 200, 404),
    ),
]


def client_as(world, analyst, role):
    client = Client()
    user = analyst if role == "analyst_a" else world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name,url,expected", ANALYTICS_MATRIX, ids=[row[0] for row in ANALYTICS_MATRIX])
def test_analytics_url_answers_expected_status_for_each_role(world, analyst, name, url, expected):
    statuses = tuple(client_as(world, analyst, role).get(url(world)).status_code for role in ALL_ROLES)

    assert statuses == expected


@pytest.mark.parametrize("role", ["producer_a", "editor_a", "analyst_a"])
def test_show_a_team_sees_no_show_b_marker_in_figures_or_reports(world, analyst, role):
    client = client_as(world, analyst, role)
    shared = world["shared_campaign"]
    urls = [
        reverse("admin:index"),
        reverse("admin:analytics_network"),
        reverse("admin:analytics_network") + "?csv=shows",
        reverse("admin:sponsors_campaign_reports"),
        reverse("admin:sponsors_campaign_report", args=[shared.pk]),
        reverse("admin:sponsors_campaign_report", args=[shared.pk]) + "?format=csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER_B not in response.content.decode(), url
