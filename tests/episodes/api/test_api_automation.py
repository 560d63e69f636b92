"""Made for automation: idempotent upsert by guid, ETags and If-Match, cursors, filters, throttling."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from episodes.models import Episode, PublicationRecord
from people.models import Credit
from tests.factories import credit, default_host, make_episode, make_person

from .conftest import token_client

pytestmark = pytest.mark.django_db


def upsert_body(**extra):
    return {
        "show": "alpha",
        "title": "From CI",
        "slug": "from-ci",
        "summary": "Built by the pipeline.",
        "external_audio_url": "https://cdn.example.com/from-ci.mp3",
        "status": "published",
        "credits": [{"person": "alice", "role": "guest"}],
        "chapters": [{"start_time": 0, "title": "Intro"}, {"start_time": 60, "title": "Talk"}],
        **extra,
    }


def test_upsert_by_guid_twice_creates_once_and_publishes_once(world, clients):
    client = clients["editor_a"]

    first = client.put("/api/episodes/by-guid/urn:ci:42/", upsert_body(), format="json")
    second = client.put("/api/episodes/by-guid/urn:ci:42/", upsert_body(), format="json")

    assert (first.status_code, second.status_code) == (201, 200), second.content
    episode = Episode.objects.get(guid="urn:ci:42")
    assert episode.status == Episode.PUBLISHED
    assert PublicationRecord.objects.filter(episode=episode).count() == 1
    assert list(episode.credits.values_list("person__slug", "role")) == [("alice", "guest")]
    assert list(episode.chapters.values_list("start_time", flat=True)) == [0, 60]
    drop = {"updated_at"}
    assert {k: v for k, v in first.json().items() if k not in drop} == {
        k: v for k, v in second.json().items() if k not in drop
    }


def test_upsert_guid_with_slashes_keeps_the_guid(world, clients):
    guid = "https://old-host.example.com/episodes/42/"

    response = clients["editor_a"].put(
        f"/api/episodes/by-guid/{quote(guid, safe='')}/", upsert_body(), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["guid"] == guid
    assert clients["editor_a"].get(f"/api/episodes/by-guid/{guid}/").json()["id"] == response.json()["id"]


def test_upsert_refuses_a_different_guid_in_the_body(world, clients):
    response = clients["editor_a"].put("/api/episodes/by-guid/one/", upsert_body(guid="two"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"guid": ["The guid is given by the address; leave it out."]}


def test_upsert_if_none_match_star_refuses_to_overwrite(world, clients):
    client = clients["editor_a"]
    client.put("/api/episodes/by-guid/once/", upsert_body(), format="json")

    response = client.put(
        "/api/episodes/by-guid/once/", upsert_body(title="Changed"), format="json", HTTP_IF_NONE_MATCH="*"
    )

    assert response.status_code == 412
    assert Episode.objects.get(guid="once").title == "From CI"


def test_new_episode_credits_the_shows_hosts_unless_it_names_one(world, clients):
    host = make_person(slug="the-host")
    default_host(world["show_a"], host)

    response = clients["producer_a"].put(
        "/api/episodes/by-guid/hosted/", upsert_body(status="draft", credits=[]), format="json"
    )

    assert response.status_code == 201
    assert [(c["person"], c["role"]) for c in response.json()["credits"]] == [("the-host", "host")]


def test_etag_if_match_stale_write_is_412_and_changes_nothing(world, clients):
    client = clients["producer_a"]
    url = f"/api/episodes/{world['episode_a'].pk}/"
    etag = client.get(url)["ETag"]
    other = clients["editor_a"].patch(url, {"title": "Someone else's"}, format="json", HTTP_IF_MATCH=etag)
    assert other.status_code == 200
    assert other["ETag"] != etag

    response = client.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert Episode.objects.get(pk=world["episode_a"].pk).title == "Someone else's"
    again = client.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=other["ETag"])
    assert again.status_code == 200


def test_etag_changes_when_an_inline_changes_in_the_admin_way(world, clients):
    client = clients["producer_a"]
    url = f"/api/episodes/{world['episode_a'].pk}/"
    etag = client.get(url)["ETag"]

    credit(world["episode_a"], world["person_a"], role="host")

    assert client.get(url)["ETag"] != etag
    # A producer may not delete at all: the role is decided before the precondition.
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 403
    assert client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


def test_if_none_match_current_answers_304(world, clients):
    client = clients["producer_a"]
    url = f"/api/shows/{world['show_a'].slug}/"
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_stale_delete_is_412(world, clients):
    url = f"/api/episodes/{world['episode_a'].pk}/"
    response = clients["editor_a"].delete(url, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert Episode.objects.filter(pk=world["episode_a"].pk).exists()


def test_cursor_pagination_walks_every_episode_once(world, clients):
    for n in range(7):
        make_episode(world["show_a"], slug=f"more-{n}")
    client = clients["producer_a"]
    seen, url = [], "/api/episodes/?page_size=3"
    while url:
        page = client.get(url).json()
        assert set(page) == {"next", "previous", "results"}
        seen += [e["slug"] for e in page["results"]]
        url = page["next"]

    assert len(seen) == 8
    assert len(set(seen)) == 8
    assert seen == sorted(seen, key=lambda slug: -Episode.objects.get(slug=slug).pk)


def test_invalid_cursor_is_a_json_404(world, clients):
    response = clients["producer_a"].get("/api/episodes/?cursor=garbage")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor", "code": "not_found"}


def test_filters_by_show_status_date_and_person(world, clients):
    now = timezone.now()
    old = make_episode(world["show_a"], slug="old", published_at=now - timedelta(days=30))
    new = make_episode(world["show_a"], slug="new", published_at=now - timedelta(days=1))
    credit(new, world["person_a"], role="host")
    client = clients["network_admin"]

    def slugs(query):
        response = client.get(f"/api/episodes/?{query}")
        assert response.status_code == 200, response.content
        return [e["slug"] for e in response.json()["results"]]

    assert slugs("show=bravo") == ["draft-b"]
    assert slugs("show=alpha&status=published") == ["new", "old"]
    assert slugs("status=draft") == ["draft-b", "draft-a"]
    since = (now - timedelta(days=7)).isoformat().replace("+00:00", "Z")
    assert slugs(f"published_after={since}") == ["new"]
    assert slugs(f"published_before={since}") == ["old"]
    assert slugs("person=alice") == ["new", "draft-a"]
    assert slugs(f"guid={old.guid}") == ["old"]


def test_bad_filter_values_are_400_with_the_filter_named(world, clients):
    response = clients["producer_a"].get("/api/episodes/?status=gone&published_after=yesterday")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "published_after"}


def test_throttle_counts_per_token_in_the_cache(world, settings):
    settings.PODCASTCMS_API_RATE = "3/minute"
    first = token_client(world["users"]["editor_a"])
    second = token_client(world["users"]["editor_a"])

    codes = [first.get("/api/shows/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    refused = first.get("/api/shows/")
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert second.get("/api/shows/").status_code == 200


def test_credits_replaced_as_a_whole_when_given(world, clients):
    url = f"/api/episodes/{world['episode_a'].pk}/"

    response = clients["producer_a"].patch(
        url, {"credits": [{"person": "bob", "role": "host"}]}, format="json"
    )

    assert response.status_code == 200
    assert list(Credit.objects.filter(episode=world["episode_a"]).values_list("person__slug", "role")) == [
        ("bob", "host")
    ]
    untouched = clients["producer_a"].patch(url, {"title": "Only the title"}, format="json")
    assert [c["person"] for c in untouched.json()["credits"]] == ["bob"]


def test_date_filter_with_an_extreme_offset_compares_in_utc(world, clients):
    response = clients["network_admin"].get("/api/episodes/?published_before=8581-11-17T22:53:33%2B18:43")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_date_filter_out_of_range_is_400(world, clients):
    response = clients["network_admin"].get("/api/episodes/?published_after=0001-01-01T00:00:00%2B01:00")

    assert response.status_code == 400
    assert response.json()["errors"] == {"published_after": ["This time is out of range."]}


def test_guid_with_a_nul_character_is_not_found(world, clients):
    assert clients["network_admin"].get("/api/episodes/by-guid/a%00b/").status_code == 404
    assert (
        clients["network_admin"].put("/api/episodes/by-guid/a%00b/", upsert_body(), format="json").status_code
        == 404
    )
