"""List endpoints run a fixed number of queries, whatever the number of rows and the page size."""

import pytest

from episodes.models import Team
from tests.factories import default_host, make_campaign, make_full_episode, make_person, make_show

from .conftest import token_client

pytestmark = pytest.mark.django_db

# token, the user's teams and their shows, the page, then one query per prefetched relation:
# credits with people, picks with people, links, reads with campaigns and sponsors, chapters,
# soundbites, transcripts.
EPISODE_LIST_QUERIES = 3 + 1 + 7
SHOW_LIST_QUERIES = 3 + 1 + 1  # hosts with their people
PERSON_LIST_QUERIES = 3 + 1 + 1  # links
SPONSOR_LIST_QUERIES = 3 + 1
CAMPAIGN_LIST_QUERIES = 3 + 1 + 1  # shows
TEAM_LIST_QUERIES = 3 + 1 + 2  # shows, members


@pytest.fixture(params=[1, 30], ids=["1-row", "30-rows"])
def rows(request):
    return request.param


@pytest.fixture
def admin_client(db):
    from tests.factories import make_user

    client = token_client(make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True))
    client.get("/api/shows/")  # the token's first use writes last_used_at
    return client


@pytest.mark.parametrize("page_size", [1, 50])
def test_episode_list_query_count_is_fixed(admin_client, django_assert_num_queries, rows, page_size):
    show = make_show()
    for _ in range(rows):
        make_full_episode(show, items=2)

    with django_assert_num_queries(EPISODE_LIST_QUERIES):
        response = admin_client.get(f"/api/episodes/?page_size={page_size}")

    assert len(response.json()["results"]) == min(rows, page_size)
    assert len(response.json()["results"][0]["credits"]) == 4


def test_show_list_query_count_is_fixed(admin_client, django_assert_num_queries, rows):
    for _ in range(rows):
        default_host(make_show(), make_person())

    with django_assert_num_queries(SHOW_LIST_QUERIES):
        response = admin_client.get("/api/shows/?page_size=50")

    assert len(response.json()["results"]) == rows


def test_person_list_query_count_is_fixed(admin_client, django_assert_num_queries, rows):
    for _ in range(rows):
        make_person()

    with django_assert_num_queries(PERSON_LIST_QUERIES):
        response = admin_client.get("/api/people/?page_size=50")

    assert len(response.json()["results"]) == rows


def test_sponsor_and_campaign_lists_query_counts_are_fixed(admin_client, django_assert_num_queries, rows):
    show = make_show()
    for _ in range(rows):
        make_campaign(show)

    with django_assert_num_queries(SPONSOR_LIST_QUERIES):
        assert len(admin_client.get("/api/sponsors/?page_size=50").json()["results"]) == rows
    with django_assert_num_queries(CAMPAIGN_LIST_QUERIES):
        assert len(admin_client.get("/api/campaigns/?page_size=50").json()["results"]) == rows


def test_team_list_query_count_is_fixed(admin_client, django_assert_num_queries, rows):
    show = make_show()
    for n in range(rows):
        Team.objects.create(name=f"Team {n}").shows.add(show)

    with django_assert_num_queries(TEAM_LIST_QUERIES):
        response = admin_client.get("/api/teams/?page_size=50")

    assert len(response.json()["results"]) == rows + 1
