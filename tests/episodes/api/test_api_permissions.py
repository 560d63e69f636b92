"""The access matrix of the admin, re-run against every API endpoint and method for every role.

Another show's object answers 404 (as if it did not exist); an action the role lacks on a show it
sees answers 403; no token answers 401. Each row runs on fresh data, so writes do not interfere.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from episodes.api.models import ApiToken
from episodes.models import Episode, Transcript
from tests.factories import make_person, make_user
from tests.worlds import MARKER_B

from .conftest import token_client

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "producer_a", "editor_a", "network_admin", "analyst_a"]


def episode_body(show="alpha", slug="made-by-api", **extra):
    return {"show": show, "title": "Made by the API", "slug": slug, "summary": "About it.", **extra}


def full_episode(w, key):
    episode = w[f"episode_{key}"]
    return {"show": episode.show.slug, "title": "Retitled", "slug": episode.slug, "summary": "New summary."}


def later():
    return (timezone.now() + timedelta(days=3)).isoformat()


def transcript_url(w):
    transcript = Transcript.objects.create(episode=w["episode_a"], url="https://example.com/t.vtt")
    return f"/api/episodes/{w['episode_a'].pk}/transcripts/{transcript.pk}/"


U = 401  # no token
# The columns follow ROLES; each row adds the analyst of show A (figures only: every other
# resource answers 403, or 404 where it is found through the shows the role may view).
ALL = (U, 200, 200, 200)
CREATED = (U, 201, 201, 201)
EDITOR_UP = (U, 403, 200, 200)
OTHER_SHOW = (U, 404, 404, 200)
ADMIN_ONLY = (U, 403, 403, 200)

MATRIX = [
    # Episodes: scoped to the team's shows.
    ("episode list", "get", lambda w: "/api/episodes/", None, (*ALL, 403)),
    ("episode create draft", "post", lambda w: "/api/episodes/", lambda w: episode_body(), (*CREATED, 403)),
    (
        "episode create published",
        "post",
        lambda w: "/api/episodes/",
        lambda w: episode_body(status="published", external_audio_url="https://cdn.example.com/x.mp3"),
        (U, 403, 201, 201, 403),
    ),
    (
        "episode create on show B",
        "post",
        lambda w: "/api/episodes/",
        lambda w: episode_body(show="bravo"),
        (U, 400, 400, 201, 403),
    ),
    ("episode A read", "get", lambda w: f"/api/episodes/{w['episode_a'].pk}/", None, (*ALL, 404)),
    (
        "episode A patch",
        "patch",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        lambda w: {"title": "T"},
        (*ALL, 404),
    ),
    (
        "episode A put",
        "put",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        lambda w: full_episode(w, "a"),
        (*ALL, 404),
    ),
    (
        "episode A mark ready",
        "patch",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        lambda w: {"status": "review"},
        (*ALL, 404),
    ),
    (
        "episode A publish",
        "patch",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        lambda w: {"status": "published"},
        (U, 403, 200, 200, 404),
    ),
    (
        "episode A schedule",
        "patch",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        lambda w: {"status": "published", "published_at": later()},
        (U, 403, 200, 200, 404),
    ),
    (
        "episode A delete",
        "delete",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/",
        None,
        (U, 403, 204, 204, 404),
    ),
    ("episode B read", "get", lambda w: f"/api/episodes/{w['episode_b'].pk}/", None, (*OTHER_SHOW, 404)),
    (
        "episode B patch",
        "patch",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/",
        lambda w: {"title": "T"},
        (*OTHER_SHOW, 404),
    ),
    (
        "episode B put",
        "put",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/",
        lambda w: full_episode(w, "b"),
        (*OTHER_SHOW, 404),
    ),
    (
        "episode B delete",
        "delete",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/",
        None,
        (U, 404, 404, 204, 404),
    ),
    (
        "episode A by guid",
        "get",
        lambda w: f"/api/episodes/by-guid/{w['episode_a'].guid}/",
        None,
        (*ALL, 403),
    ),
    (
        "episode B by guid",
        "get",
        lambda w: f"/api/episodes/by-guid/{w['episode_b'].guid}/",
        None,
        (*OTHER_SHOW, 403),
    ),
    (
        "episode upsert new",
        "put",
        lambda w: "/api/episodes/by-guid/ci-job-guid-1/",
        lambda w: episode_body(),
        (*CREATED, 403),
    ),
    (
        "episode upsert A",
        "put",
        lambda w: f"/api/episodes/by-guid/{w['episode_a'].guid}/",
        lambda w: full_episode(w, "a"),
        (*ALL, 403),
    ),
    (
        "episode upsert B",
        "put",
        lambda w: f"/api/episodes/by-guid/{w['episode_b'].guid}/",
        lambda w: full_episode(w, "b"),
        (*OTHER_SHOW, 403),
    ),
    (
        "episode A transcripts",
        "get",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/transcripts/",
        None,
        (*ALL, 404),
    ),
    (
        "episode A add transcript",
        "post",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/transcripts/",
        lambda w: {"url": "https://example.com/a.vtt", "mime_type": "text/vtt"},
        (*CREATED, 404),
    ),
    ("episode A delete transcript", "delete", transcript_url, None, (U, 204, 204, 204, 404)),
    (
        "episode B transcripts",
        "get",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/transcripts/",
        None,
        (*OTHER_SHOW, 404),
    ),
    (
        "episode B add transcript",
        "post",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/transcripts/",
        lambda w: {"url": "https://example.com/b.vtt", "mime_type": "text/vtt"},
        (U, 404, 404, 201, 404),
    ),
    # Shows: teams read their own; network admins manage.
    ("show list", "get", lambda w: "/api/shows/", None, (*ALL, 403)),
    (
        "show create",
        "post",
        lambda w: "/api/shows/",
        lambda w: {"title": "New", "slug": "new", "description": "A new show."},
        (U, 403, 403, 201, 403),
    ),
    ("show A read", "get", lambda w: "/api/shows/alpha/", None, (*ALL, 404)),
    ("show A patch", "patch", lambda w: "/api/shows/alpha/", lambda w: {"subtitle": "S"}, (*ADMIN_ONLY, 404)),
    (
        "show A put",
        "put",
        lambda w: "/api/shows/alpha/",
        lambda w: {"title": "Alpha Show", "slug": "alpha", "description": "New description."},
        (*ADMIN_ONLY, 404),
    ),
    ("show A delete", "delete", lambda w: "/api/shows/alpha/", None, (U, 403, 403, 409, 404)),
    ("show B read", "get", lambda w: "/api/shows/bravo/", None, (*OTHER_SHOW, 404)),
    ("show B patch", "patch", lambda w: "/api/shows/bravo/", lambda w: {"subtitle": "S"}, (*OTHER_SHOW, 404)),
    (
        "show B put",
        "put",
        lambda w: "/api/shows/bravo/",
        lambda w: {"title": "Bravo", "slug": "bravo", "description": "New description."},
        (*OTHER_SHOW, 404),
    ),
    ("show B delete", "delete", lambda w: "/api/shows/bravo/", None, (U, 404, 404, 409, 404)),
    # People and sponsors: network-wide, read by every team, changed by network admins.
    ("person list", "get", lambda w: "/api/people/", None, (*ALL, 403)),
    (
        "person create",
        "post",
        lambda w: "/api/people/",
        lambda w: {"name": "Carol", "slug": "carol"},
        (U, 403, 403, 201, 403),
    ),
    ("person B read", "get", lambda w: "/api/people/bob/", None, (*ALL, 403)),
    ("person B patch", "patch", lambda w: "/api/people/bob/", lambda w: {"bio": "Bio."}, (*ADMIN_ONLY, 403)),
    (
        "person B put",
        "put",
        lambda w: "/api/people/bob/",
        lambda w: {"name": "Bob", "slug": "bob"},
        (*ADMIN_ONLY, 403),
    ),
    ("person B delete (credited)", "delete", lambda w: "/api/people/bob/", None, (U, 403, 403, 409, 403)),
    (
        "person delete (not credited)",
        "delete",
        lambda w: f"/api/people/{make_person(slug='dora').slug}/",
        None,
        (U, 403, 403, 204, 403),
    ),
    ("sponsor list", "get", lambda w: "/api/sponsors/", None, (*ALL, 403)),
    (
        "sponsor create",
        "post",
        lambda w: "/api/sponsors/",
        lambda w: {"name": "Acme", "slug": "acme"},
        (U, 403, 403, 201, 403),
    ),
    ("sponsor B read", "get", lambda w: f"/api/sponsors/{w['sponsor_b'].slug}/", None, (*ALL, 403)),
    (
        "sponsor B patch",
        "patch",
        lambda w: f"/api/sponsors/{w['sponsor_b'].slug}/",
        lambda w: {"website": "https://acme.example.com/"},
        (*ADMIN_ONLY, 403),
    ),
    (
        "sponsor B put",
        "put",
        lambda w: f"/api/sponsors/{w['sponsor_b'].slug}/",
        lambda w: {"name": "Renamed", "slug": w["sponsor_b"].slug},
        (*ADMIN_ONLY, 403),
    ),
    (
        "sponsor B delete",
        "delete",
        lambda w: f"/api/sponsors/{w['sponsor_b'].slug}/",
        None,
        (U, 403, 403, 409, 403),
    ),
    ("campaign list", "get", lambda w: "/api/campaigns/", None, (*ALL, 403)),
    (
        "campaign create",
        "post",
        lambda w: "/api/campaigns/",
        lambda w: {
            "sponsor": w["sponsor_a"].slug,
            "name": "Spring",
            "shows": ["alpha"],
            "read_copy": "<p>Buy.</p>",
            "promo_url": "https://example.com/p",
            "starts_on": "2026-01-01",
        },
        (U, 403, 403, 201, 403),
    ),
    ("campaign A read", "get", lambda w: f"/api/campaigns/{w['campaign_a'].pk}/", None, (*ALL, 404)),
    (
        "campaign A patch",
        "patch",
        lambda w: f"/api/campaigns/{w['campaign_a'].pk}/",
        lambda w: {"promo_code": "SAVE"},
        (*ADMIN_ONLY, 404),
    ),
    (
        "campaign A put",
        "put",
        lambda w: f"/api/campaigns/{w['campaign_a'].pk}/",
        lambda w: {
            "sponsor": w["sponsor_a"].slug,
            "name": "Renamed",
            "read_copy": "<p>Buy.</p>",
            "promo_url": "https://example.com/p",
            "starts_on": "2026-01-01",
        },
        (*ADMIN_ONLY, 404),
    ),
    (
        "campaign A delete",
        "delete",
        lambda w: f"/api/campaigns/{w['campaign_a'].pk}/",
        None,
        (U, 403, 403, 409, 404),
    ),
    ("campaign B read", "get", lambda w: f"/api/campaigns/{w['campaign_b'].pk}/", None, (*OTHER_SHOW, 404)),
    (
        "campaign B patch",
        "patch",
        lambda w: f"/api/campaigns/{w['campaign_b'].pk}/",
        lambda w: {"promo_code": "SAVE"},
        (*OTHER_SHOW, 404),
    ),
    # Download figures and campaign reports: ``analytics`` on the show, the analyst's one right.
    ("show A downloads", "get", lambda w: "/api/shows/alpha/downloads/", None, (*ALL, 200)),
    ("show B downloads", "get", lambda w: "/api/shows/bravo/downloads/", None, (*OTHER_SHOW, 404)),
    (
        "episode A downloads",
        "get",
        lambda w: f"/api/episodes/{w['episode_a'].pk}/downloads/",
        None,
        (*ALL, 200),
    ),
    (
        "episode B downloads",
        "get",
        lambda w: f"/api/episodes/{w['episode_b'].pk}/downloads/",
        None,
        (*OTHER_SHOW, 404),
    ),
    ("campaign A report", "get", lambda w: f"/api/campaigns/{w['campaign_a'].pk}/report/", None, (*ALL, 200)),
    (
        "campaign B report",
        "get",
        lambda w: f"/api/campaigns/{w['campaign_b'].pk}/report/",
        None,
        (*OTHER_SHOW, 404),
    ),
    # Teams and the network: network admins only.
    ("team list", "get", lambda w: "/api/teams/", None, (*ADMIN_ONLY, 403)),
    (
        "team create",
        "post",
        lambda w: "/api/teams/",
        lambda w: {"name": "New team", "role": "producer", "shows": ["alpha"], "members": ["producer_a"]},
        (U, 403, 403, 201, 403),
    ),
    ("team B read", "get", lambda w: f"/api/teams/{w['team_b'].pk}/", None, (*ADMIN_ONLY, 403)),
    (
        "team B patch",
        "patch",
        lambda w: f"/api/teams/{w['team_b'].pk}/",
        lambda w: {"name": "Renamed"},
        (*ADMIN_ONLY, 403),
    ),
    (
        "team B put",
        "put",
        lambda w: f"/api/teams/{w['team_b'].pk}/",
        lambda w: {"name": "Renamed", "role": "editor"},
        (*ADMIN_ONLY, 403),
    ),
    ("team B delete", "delete", lambda w: f"/api/teams/{w['team_b'].pk}/", None, (U, 403, 403, 204, 403)),
    ("network read", "get", lambda w: "/api/network/", None, (*ADMIN_ONLY, 403)),
    ("network patch", "patch", lambda w: "/api/network/", lambda w: {"tagline": "Hello"}, (*ADMIN_ONLY, 403)),
    (
        "network put",
        "put",
        lambda w: "/api/network/",
        lambda w: {"name": "Renamed network"},
        (*ADMIN_ONLY, 403),
    ),
    # The schema and its documentation are public: they describe, they hold no data.
    ("schema", "get", lambda w: "/api/schema/", None, (200, 200, 200, 200, 200)),
    ("swagger ui", "get", lambda w: "/api/docs/", None, (200, 200, 200, 200, 200)),
    ("redoc", "get", lambda w: "/api/redoc/", None, (200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_api_access_matrix(world, clients, role, name, method, url, body, expected):
    client = clients[role]
    address = url(world)
    data = body(world) if body else None
    response = (
        getattr(client, method)(address, data, format="json") if data else getattr(client, method)(address)
    )

    assert response.status_code == expected[ROLES.index(role)], (name, role, response.content[:500])
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_api_matrix_covers_every_operation_of_the_schema(world, clients):
    schema = clients["anonymous"].get("/api/schema/?format=json").json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    covered = set()
    for _name, method, url, _body, _expected in MATRIX:
        address = url(world)
        for path in schema["paths"]:
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
            if re.match(pattern, address) and method in schema["paths"][path]:
                covered.add((method, path))
    assert operations - covered == set()


def test_producer_sees_no_trace_of_another_show_on_any_read(world, clients):
    client = clients["producer_a"]
    for address in [
        "/api/episodes/",
        f"/api/episodes/{world['episode_a'].pk}/",
        "/api/shows/",
        "/api/shows/alpha/",
        "/api/campaigns/",
        f"/api/campaigns/{world['campaign_a'].pk}/",
        "/api/people/",
        "/api/sponsors/",
        f"/api/episodes/?person={world['person_b'].slug}",
        "/api/episodes/?show=bravo",
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert MARKER_B not in response.content.decode(), address


def test_producer_cannot_move_an_episode_to_another_show(world, clients):
    response = clients["producer_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"show": "bravo"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["show"]
    assert Episode.objects.get(pk=world["episode_a"].pk).show == world["show_a"]


def test_producer_publish_refused_leaves_episode_unchanged(world, clients):
    response = clients["producer_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"title": "Sneaky", "status": "published"}, format="json"
    )

    assert response.status_code == 403
    assert (
        response.json()["detail"]
        == "Only editors of Alpha Show may publish, schedule or unpublish its episodes."
    )
    episode = Episode.objects.get(pk=world["episode_a"].pk)
    assert (episode.title, episode.status) == ("Draft of alpha alpha", Episode.DRAFT)


def test_editor_publish_records_the_publication(world, clients):
    response = clients["editor_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200, response.content
    episode = Episode.objects.get(pk=world["episode_a"].pk)
    assert episode.status == Episode.PUBLISHED
    assert episode.published_by == world["users"]["editor_a"]
    assert episode.publication_records.get().user == world["users"]["editor_a"]
    assert response.json()["published_by"] == "editor_a"


def test_editor_schedule_sets_a_future_time(world, clients):
    when = timezone.now() + timedelta(days=2)
    response = clients["editor_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/",
        {"status": "published", "published_at": when.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    episode = Episode.objects.get(pk=world["episode_a"].pk)
    assert episode.is_scheduled
    assert episode.published_at == when


def test_producer_unpublish_refused(world, clients):
    episode = world["episode_a"]
    Episode.objects.filter(pk=episode.pk).update(status=Episode.PUBLISHED, published_at=timezone.now())

    response = clients["producer_a"].patch(f"/api/episodes/{episode.pk}/", {"status": "draft"}, format="json")

    assert response.status_code == 403
    assert Episode.objects.get(pk=episode.pk).status == Episode.PUBLISHED


def test_read_only_token_reads_but_never_writes(world):
    client = token_client(world["users"]["editor_a"], access=ApiToken.READ)

    assert client.get(f"/api/episodes/{world['episode_a'].pk}/").status_code == 200
    response = client.patch(f"/api/episodes/{world['episode_a'].pk}/", {"title": "T"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only.", "code": "permission_denied"}
    assert client.post("/api/episodes/", episode_body(), format="json").status_code == 403
    assert Episode.objects.get(pk=world["episode_a"].pk).title == "Draft of alpha alpha"


def test_token_scoped_to_one_show_does_not_reach_the_others(world):
    client = token_client(world["users"]["network_admin"], shows=[world["show_a"]], all_shows=False)

    listed = client.get("/api/episodes/").json()["results"]
    assert [e["slug"] for e in listed] == ["draft-a"]
    assert client.get(f"/api/episodes/{world['episode_b'].pk}/").status_code == 404
    assert client.get("/api/shows/bravo/").status_code == 404
    assert client.post("/api/episodes/", episode_body(show="bravo"), format="json").status_code == 400
    assert [c["name"] for c in client.get("/api/campaigns/").json()["results"]] == ["Alpha Flight"]
    # Network-wide changes need a token for all shows.
    assert client.post("/api/people/", {"name": "Carol", "slug": "carol"}, format="json").status_code == 403
    assert (
        client.patch(f"/api/episodes/{world['episode_a'].pk}/", {"title": "T"}, format="json").status_code
        == 200
    )


def test_token_never_grants_more_than_the_users_roles(world):
    client = token_client(world["users"]["producer_a"], all_shows=True)

    assert client.get(f"/api/episodes/{world['episode_b'].pk}/").status_code == 404
    assert client.delete(f"/api/episodes/{world['episode_a'].pk}/").status_code == 403


@pytest.mark.parametrize(
    "spoil",
    ["revoked", "expired", "inactive user", "unknown", "malformed"],
)
def test_unusable_token_answers_401(world, spoil):
    client = token_client(world["users"]["editor_a"])
    token = client.token
    if spoil == "revoked":
        token.revoke()
    elif spoil == "expired":
        token.expires_at = timezone.now() - timedelta(seconds=1)
        token.save()
    elif spoil == "inactive user":
        token.user.is_active = False
        token.user.save()
    elif spoil == "unknown":
        client.credentials(HTTP_AUTHORIZATION="Bearer pcms_not-a-real-token")
    else:
        client.credentials(HTTP_AUTHORIZATION="Bearer two parts")

    response = client.get("/api/episodes/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "authentication_failed"


def test_token_of_a_user_without_a_team_sees_nothing(world):
    client = token_client(make_user("loner"))

    assert client.get("/api/episodes/").status_code == 403
    assert client.get(f"/api/episodes/{world['episode_a'].pk}/").status_code == 404
    assert client.get("/api/people/").status_code == 403


def test_token_use_is_recorded(world):
    client = token_client(world["users"]["editor_a"])

    client.get("/api/episodes/")

    client.token.refresh_from_db()
    assert client.token.last_used_at is not None
