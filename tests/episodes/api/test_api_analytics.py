"""Download figures and campaign reports over the API: exact figures from raw events rolled up by
the project's rollup, the range's validation, who sees what, and fixed query counts."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from episodes.analytics.models import DownloadEvent
from episodes.analytics.rollup import rollup_day
from episodes.api.models import ApiToken
from episodes.models import Episode, Team
from sponsors.models import PromoClick, SponsorRead
from tests.factories import make_campaign, make_episode, make_show, make_user, sponsor_read

from .conftest import token_client

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()
D0 = TODAY - timedelta(days=10)  # episode one's publication day
MARKER_B = "ZEBRA-MARKER-B"


def at(day, hour=12):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_events(episode, day, listeners, app="Overcast", **extra):
    """``listeners`` distinct listeners, each asking for the whole file once."""
    fields = {
        "agent_kind": "app",
        "is_bot": False,
        "os": "iOS",
        "device": "Apple iPhone",
        "device_category": "mobile",
        "bytes_requested": 1000,
        "bytes_needed": 1000,
        **extra,
    }
    DownloadEvent.objects.bulk_create(
        [
            DownloadEvent(
                occurred_at=at(day),
                episode_id=episode.pk,
                show_id=episode.show_id,
                listener=uuid.uuid4().hex,
                app=app,
                **fields,
            )
            for _ in range(listeners)
        ]
    )


@pytest.fixture
def figures(db):
    """Show A: episode one (published D0) and two (published three days ago); show B: one episode.

    Counted downloads: one: D0 3 (Overcast), D0+1 2 (Apple Podcasts, a tablet), D0+8 1 (Overcast);
    two: today-3 5 (Overcast); B: today-5 7. Never counted: 4 bots on D0, a 2-byte probe on D0, a
    listener's second request on D0+1 (one download per listener and day).
    """
    show_a = make_show(title="Alpha Show", slug="alpha")
    show_b = make_show(title=f"Bravo {MARKER_B}", slug="bravo")
    one = make_episode(show_a, title="One", slug="one", published_at=at(D0, 6))
    two = make_episode(show_a, title="Two", slug="two", published_at=at(TODAY - timedelta(days=3), 6))
    other = make_episode(
        show_b, title=f"Other {MARKER_B}", slug="other", published_at=at(TODAY - timedelta(days=5), 6)
    )
    draft = make_episode(show_a, title="Draft", slug="draft", status=Episode.DRAFT)
    add_events(one, D0, 3)
    add_events(one, D0, 4, app="Googlebot", agent_kind="bot", is_bot=True)
    add_events(one, D0, 1, bytes_requested=2)
    add_events(one, D0 + timedelta(days=1), 2, app="Apple Podcasts", device_category="tablet")
    repeat = DownloadEvent.objects.filter(episode_id=one.pk, app="Apple Podcasts").first()
    DownloadEvent.objects.create(
        **{
            f.attname: getattr(repeat, f.attname)
            for f in DownloadEvent._meta.concrete_fields
            if f.attname != "id"
        }
    )
    add_events(one, D0 + timedelta(days=8), 1)
    add_events(two, TODAY - timedelta(days=3), 5)
    add_events(other, TODAY - timedelta(days=5), 7)
    for offset in (0, 1, 5, 7, 8):
        rollup_day(D0 + timedelta(days=offset))

    campaign = make_campaign(show_a, show_b, name="Both", booked_downloads=100)
    sponsor_read(one, campaign)
    sponsor_read(two, campaign, position=SponsorRead.MID_ROLL)
    sponsor_read(other, campaign)
    sponsor_read(draft, campaign)  # not published: delivers nothing
    only_b = make_campaign(show_b, name=f"Only B {MARKER_B}")
    for n in range(3):
        PromoClick.objects.create(
            occurred_at=at(TODAY), campaign=campaign, listener=f"l{n % 2}", agent_kind="app"
        )
    users = {
        "producer_a": make_user("producer_a", role=Team.PRODUCER, shows=[show_a]),
        "editor_a": make_user("editor_a", role=Team.EDITOR, shows=[show_a]),
        "analyst_a": make_user("analyst_a", role=Team.ANALYST, shows=[show_a]),
        "network_admin": make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True),
    }
    return {
        "show_a": show_a,
        "show_b": show_b,
        "one": one,
        "two": two,
        "other": other,
        "draft": draft,
        "campaign": campaign,
        "only_b": only_b,
        "users": users,
    }


def client_for(figures, role, **token):
    return token_client(figures["users"][role], **token)


def day_map(data):
    return {row["day"]: row["downloads"] for row in data["by_day"] if row["downloads"]}


def iso(delta):
    return (D0 + timedelta(days=delta)).isoformat()


def test_show_downloads_exact_figures(figures):
    response = client_for(figures, "analyst_a").get(
        f"/api/shows/alpha/downloads/?start={iso(0)}&end={iso(10)}"
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["show"] == "alpha"
    assert data["range"] == {"start": iso(0), "end": iso(10), "days": 11}
    assert len(data["by_day"]) == 11
    assert data["by_day"][2] == {"day": iso(2), "downloads": 0}
    assert day_map(data) == {iso(0): 3, iso(1): 2, iso(7): 5, iso(8): 1}
    assert (data["in_range"], data["to_date"]) == (11, 11)
    assert data["shares"]["apps"] == [
        {"value": "Overcast", "downloads": 9, "share": 81.8},
        {"value": "Apple Podcasts", "downloads": 2, "share": 18.2},
    ]
    assert data["shares"]["devices"] == [
        {"value": "mobile", "downloads": 9, "share": 81.8},
        {"value": "tablet", "downloads": 2, "share": 18.2},
    ]
    assert data["shares"]["os"] == [{"value": "iOS", "downloads": 11, "share": 100.0}]
    assert [(e["slug"], e["downloads"]) for e in data["top_episodes"]] == [("one", 6), ("two", 5)]
    assert data["top_episodes"][0]["id"] == figures["one"].pk
    # Oldest first; the first 7 days of one are D0 and D0+1, not D0+8.
    assert [(e["slug"], e["downloads"]) for e in data["first_7_days"]] == [("one", 5), ("two", 5)]


def test_show_downloads_narrower_range(figures):
    data = (
        client_for(figures, "producer_a")
        .get(f"/api/shows/alpha/downloads/?start={iso(1)}&end={iso(7)}")
        .json()
    )

    assert day_map(data) == {iso(1): 2, iso(7): 5}
    assert (data["in_range"], data["to_date"]) == (7, 11)
    assert [(e["slug"], e["downloads"]) for e in data["top_episodes"]] == [("two", 5), ("one", 2)]
    assert data["shares"]["apps"][0] == {"value": "Overcast", "downloads": 5, "share": 71.4}


def test_show_downloads_default_range_is_the_last_30_days(figures):
    data = client_for(figures, "editor_a").get("/api/shows/alpha/downloads/").json()

    start = TODAY - timedelta(days=29)
    assert data["range"] == {"start": start.isoformat(), "end": TODAY.isoformat(), "days": 30}
    assert len(data["by_day"]) == 30
    assert data["in_range"] == 11

    only_end = client_for(figures, "editor_a").get(f"/api/shows/alpha/downloads/?end={iso(1)}").json()
    assert only_end["range"] == {"start": (D0 - timedelta(days=28)).isoformat(), "end": iso(1), "days": 30}
    assert only_end["in_range"] == 5


def test_episode_downloads_exact_figures(figures):
    one = figures["one"]
    response = client_for(figures, "analyst_a").get(
        f"/api/episodes/{one.pk}/downloads/?start={iso(1)}&end={iso(8)}"
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["id"], data["show"], data["title"]) == (one.pk, "alpha", "One")
    assert data["range"] == {"start": iso(1), "end": iso(8), "days": 8}
    assert (data["to_date"], data["first_1"], data["first_7"], data["first_30"]) == (6, 3, 5, 6)
    assert data["in_range"] == 3
    assert day_map(data) == {iso(1): 2, iso(8): 1}
    assert data["shares"]["apps"] == [
        {"value": "Apple Podcasts", "downloads": 2, "share": 66.7},
        {"value": "Overcast", "downloads": 1, "share": 33.3},
    ]


def test_episode_without_downloads_answers_zeros(figures):
    data = client_for(figures, "producer_a").get(f"/api/episodes/{figures['draft'].pk}/downloads/").json()

    assert (data["to_date"], data["first_1"], data["first_7"], data["first_30"], data["in_range"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert data["published_at"] is None
    assert data["shares"] == {"apps": [], "devices": [], "os": []}


def test_campaign_report_for_the_whole_network(figures):
    campaign = figures["campaign"]
    data = client_for(figures, "network_admin").get(f"/api/campaigns/{campaign.pk}/report/").json()

    assert (data["id"], data["name"], data["sponsor"]) == (campaign.pk, "Both", campaign.sponsor.slug)
    assert [(r["episode"]["slug"], r["show"], r["position"]) for r in data["reads"]] == [
        ("one", "alpha", "pre"),
        ("other", "bravo", "pre"),
        ("two", "alpha", "mid"),
    ]
    assert [(r["to_date"], r["first_7"], r["first_30"]) for r in data["reads"]] == [
        (6, 5, 6),
        (7, 7, 7),
        (5, 5, 5),
    ]
    assert (data["booked"], data["delivered"], data["delivered_share"], data["remaining"]) == (
        100,
        18,
        18.0,
        82,
    )
    assert (data["complete"], data["clicks"]) == (True, 2)


@pytest.mark.parametrize("role", ["analyst_a", "producer_a", "editor_a"])
def test_campaign_report_covers_only_the_callers_shows(figures, role):
    response = client_for(figures, role).get(f"/api/campaigns/{figures['campaign'].pk}/report/")

    assert response.status_code == 200
    data = response.json()
    assert [r["episode"]["slug"] for r in data["reads"]] == ["one", "two"]
    assert (data["delivered"], data["remaining"], data["complete"], data["clicks"]) == (11, 89, False, None)
    assert MARKER_B not in response.content.decode()


def test_token_scoped_to_one_show_narrows_the_network_admins_report(figures):
    client = client_for(figures, "network_admin", shows=[figures["show_a"]], all_shows=False)

    data = client.get(f"/api/campaigns/{figures['campaign'].pk}/report/").json()

    assert (data["delivered"], data["complete"], data["clicks"]) == (11, False, None)
    assert client.get("/api/shows/bravo/downloads/").status_code == 404
    assert client.get(f"/api/episodes/{figures['other'].pk}/downloads/").status_code == 404
    assert client.get(f"/api/campaigns/{figures['only_b'].pk}/report/").status_code == 404


def test_read_only_token_reads_figures(figures):
    client = client_for(figures, "analyst_a", access=ApiToken.READ)

    assert client.get("/api/shows/alpha/downloads/").status_code == 200
    assert client.get(f"/api/episodes/{figures['one'].pk}/downloads/").status_code == 200
    assert client.get(f"/api/campaigns/{figures['campaign'].pk}/report/").status_code == 200


@pytest.mark.parametrize("role", ["analyst_a", "producer_a", "editor_a"])
def test_another_shows_figures_answer_404(figures, role):
    client = client_for(figures, role)

    for address in [
        "/api/shows/bravo/downloads/",
        f"/api/episodes/{figures['other'].pk}/downloads/",
        f"/api/campaigns/{figures['only_b'].pk}/report/",
        "/api/shows/nosuchshow/downloads/",
        "/api/episodes/999999/downloads/",
    ]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    # Not even a bad range tells another show's figures exist.
    assert client.get("/api/shows/bravo/downloads/?start=nonsense").status_code == 404


def test_the_network_admin_reads_every_show(figures):
    client = client_for(figures, "network_admin")

    data = client.get(f"/api/shows/bravo/downloads/?start={iso(0)}&end={iso(10)}").json()
    assert (data["in_range"], day_map(data)) == (7, {iso(5): 7})
    assert client.get(f"/api/episodes/{figures['other'].pk}/downloads/").json()["to_date"] == 7


def test_a_user_without_figures_is_refused(figures):
    client = token_client(make_user("loner"))

    for address in [
        "/api/shows/alpha/downloads/",
        f"/api/episodes/{figures['one'].pk}/downloads/",
        f"/api/campaigns/{figures['campaign'].pk}/report/",
    ]:
        response = client.get(address)
        assert response.status_code == 403, address
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-13-01", "start", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("end=yesterday", "end", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("start=2026-03-02&end=2026-03-01", "end", "The range must end on or after its start."),
        ("start=2025-01-01&end=2026-01-02", "end", "A range is at most 366 days; this one has 367."),
        ("end=0001-01-02", "end", "This date is out of range."),
    ],
)
def test_bad_ranges_answer_400_with_the_field(figures, query, field, message):
    response = client_for(figures, "analyst_a").get(f"/api/shows/alpha/downloads/?{query}")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input: see errors.",
        "code": "invalid",
        "errors": {field: [message]},
    }
    episode = client_for(figures, "analyst_a").get(f"/api/episodes/{figures['one'].pk}/downloads/?{query}")
    assert episode.status_code == 400
    assert episode.json()["errors"] == {field: [message]}


def test_the_longest_range_is_366_days(figures):
    response = client_for(figures, "analyst_a").get(
        "/api/shows/alpha/downloads/?start=2024-01-01&end=2024-12-31"
    )

    assert response.status_code == 200
    assert response.json()["range"]["days"] == 366


def test_figures_are_read_only(figures):
    client = client_for(figures, "network_admin")

    for address in [
        "/api/shows/alpha/downloads/",
        f"/api/episodes/{figures['one'].pk}/downloads/",
        f"/api/campaigns/{figures['campaign'].pk}/report/",
    ]:
        assert client.post(address, {}, format="json").status_code == 405, address
        assert client.delete(address).status_code == 405, address


# token, the user's teams and their shows; then each endpoint's own queries.
AUTH_QUERIES = 3
# the show; its totals (figures, shows); by day; apps, devices, os; top episodes (rolling window,
# rows, episodes); first 7 days (latest episodes, their figures)
SHOW_DOWNLOADS_QUERIES = AUTH_QUERIES + 1 + 2 + 1 + 3 + 3 + 2
# the episode; its figures (totals, rolling window, in range); by day; apps, devices, os
EPISODE_DOWNLOADS_QUERIES = AUTH_QUERIES + 1 + 3 + 1 + 3
# the campaign; its reads; their figures; the clicks; for a caller who does not see the whole
# network, whether the campaign runs on shows they do not see
CAMPAIGN_REPORT_QUERIES = {"network_admin": AUTH_QUERIES + 4, "producer_a": AUTH_QUERIES + 4 + 1}


def many_episodes(show, campaign, count):
    start = datetime.now(UTC) - timedelta(days=count + 1)
    Episode.objects.bulk_create(
        [
            Episode(
                show=show,
                title=f"Bulk {n}",
                slug=f"bulk-{n}",
                guid=str(uuid.uuid4()),
                status=Episode.PUBLISHED,
                published_at=start + timedelta(days=n),
                external_audio_url=f"https://cdn.example.com/bulk-{n}.mp3",
            )
            for n in range(count)
        ]
    )
    episodes = list(show.episodes.all())
    for episode in episodes:
        add_events(episode, TODAY, 1)
        sponsor_read(episode, campaign)
    rollup_day(TODAY)
    return episodes


@pytest.mark.parametrize("count", [1, 30], ids=["1-episode", "30-episodes"])
@pytest.mark.parametrize("role", ["network_admin", "producer_a"])
def test_query_counts_are_fixed(django_assert_num_queries, count, role):
    show = make_show(slug="alpha")
    campaign = make_campaign(show)
    episodes = many_episodes(show, campaign, count)
    user = make_user(
        role,
        role=Team.NETWORK_ADMIN if role == "network_admin" else Team.PRODUCER,
        shows=[show],
        all_shows=role == "network_admin",
    )
    client = token_client(user)
    client.get("/api/shows/")  # the token's first use writes last_used_at

    with django_assert_num_queries(SHOW_DOWNLOADS_QUERIES):
        data = client.get("/api/shows/alpha/downloads/").json()
    assert data["in_range"] == count
    assert len(data["top_episodes"]) == min(count, 20)
    assert len(data["first_7_days"]) == min(count, 10)

    with django_assert_num_queries(EPISODE_DOWNLOADS_QUERIES):
        data = client.get(f"/api/episodes/{episodes[0].pk}/downloads/").json()
    assert data["to_date"] == 1

    with django_assert_num_queries(CAMPAIGN_REPORT_QUERIES[role]):
        data = client.get(f"/api/campaigns/{campaign.pk}/report/").json()
    assert (len(data["reads"]), data["delivered"]) == (count, count)
