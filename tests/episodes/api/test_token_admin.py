"""Personal API tokens in the admin: made and revoked by their owner, shown once, stored as a hash."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from episodes.api.models import ApiToken, hash_token
from tests.worlds import MARKER_B

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "producer_a", "editor_a", "network_admin"]


def admin_client(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


@pytest.fixture
def tokens(world):
    mine, _ = ApiToken.create_for(world["users"]["producer_a"], "producer's pipeline", all_shows=True)
    theirs, _ = ApiToken.create_for(world["users"]["editor_a"], f"editor's CI {MARKER_B}", all_shows=True)
    return {"producer": mine, "editor": theirs}


MATRIX = [
    ("token changelist", lambda w, t: reverse("admin:episodes_apitoken_changelist"), (302, 200, 200, 200)),
    ("token add", lambda w, t: reverse("admin:episodes_apitoken_add"), (302, 200, 200, 200)),
    (
        "producer's token change",
        lambda w, t: reverse("admin:episodes_apitoken_change", args=[t["producer"].pk]),
        (302, 200, 302, 200),
    ),
    (
        "editor's token change",
        lambda w, t: reverse("admin:episodes_apitoken_change", args=[t["editor"].pk]),
        (302, 302, 200, 200),
    ),
    (
        "editor's token delete",
        lambda w, t: reverse("admin:episodes_apitoken_delete", args=[t["editor"].pk]),
        (302, 302, 200, 200),
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_token_admin_answers_expected_status_for_each_role(world, tokens, name, url, expected):
    path = url(world, tokens)

    statuses = tuple(admin_client(world, role).get(path).status_code for role in ROLES)

    assert statuses == expected


def test_token_changelist_lists_only_your_own_tokens(world, tokens):
    page = (
        admin_client(world, "producer_a").get(reverse("admin:episodes_apitoken_changelist")).content.decode()
    )

    assert "producer&#x27;s pipeline" in page
    assert MARKER_B not in page


def test_token_form_offers_only_shows_you_may_see(world):
    page = admin_client(world, "producer_a").get(reverse("admin:episodes_apitoken_add")).content.decode()

    assert "Alpha Show" in page
    assert MARKER_B not in page


def test_token_created_in_admin_is_shown_once_and_stored_as_a_hash(world):
    client = admin_client(world, "editor_a")

    response = client.post(
        reverse("admin:episodes_apitoken_add"),
        {
            "name": "CI",
            "access": ApiToken.READ_WRITE,
            "shows": [world["show_a"].pk],
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    key = re.search(r"Your new token is (pcms_\S+) ", " ".join(messages)).group(1)
    token = ApiToken.objects.get(name="CI")
    assert token.user == world["users"]["editor_a"]
    assert token.key_hash == hash_token(key)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert list(token.shows.all()) == [world["show_a"]]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/shows/alpha/").status_code == 200
    assert api.get("/api/shows/bravo/").status_code == 404
    page = client.get(reverse("admin:episodes_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page


def test_token_without_shows_is_refused(world):
    response = admin_client(world, "editor_a").post(
        reverse("admin:episodes_apitoken_add"),
        {"name": "CI", "access": ApiToken.READ, "expires_at_0": "", "expires_at_1": ""},
    )

    assert response.status_code == 200
    assert "Choose the shows this token may reach, or tick “all shows”." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_revoked_in_admin_stops_working(world):
    token, key = ApiToken.create_for(world["users"]["editor_a"], "CI", all_shows=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/shows/").status_code == 200

    admin_client(world, "editor_a").post(
        reverse("admin:episodes_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/shows/").status_code == 401


def test_revoking_another_users_token_changes_nothing(world, tokens):
    admin_client(world, "producer_a").post(
        reverse("admin:episodes_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [tokens["editor"].pk]},
    )

    tokens["editor"].refresh_from_db()
    assert tokens["editor"].revoked_at is None
