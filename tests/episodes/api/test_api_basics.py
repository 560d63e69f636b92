import pytest

from episodes.models import Episode

pytestmark = pytest.mark.django_db


def test_episode_list_shows_only_the_teams_shows(world, clients):
    response = clients["producer_a"].get("/api/episodes/")
    assert response.status_code == 200, response.content
    assert [e["slug"] for e in response.json()["results"]] == ["draft-a"]


def test_episode_create_by_producer_makes_a_draft(world, clients):
    response = clients["producer_a"].post(
        "/api/episodes/",
        {
            "show": "alpha",
            "title": "New one",
            "slug": "new-one",
            "summary": "About it.",
            "credits": [{"person": "alice", "role": "guest"}],
            "links": [{"title": "Home", "url": "https://example.com/"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["credits"] == [{"person": "alice", "role": "guest", "group": "cast", "order": 0}]
    assert Episode.objects.get(slug="new-one").links.count() == 1
