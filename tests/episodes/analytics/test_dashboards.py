"""The download dashboards: who sees them, what they show, CSV, and fixed query counts."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from episodes.analytics.models import DownloadEvent
from episodes.analytics.rollup import rollup_day
from episodes.models import Episode, Team
from people.models import Credit
from tests.factories import make_episode, make_person, make_show, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()
MARKER_B = "ZEBRA-MARKER-B"


def add_events(episode, day, listeners, app="Overcast", bot=False):
    DownloadEvent.objects.bulk_create(
        [
            DownloadEvent(
                occurred_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                episode_id=episode.pk,
                show_id=episode.show_id,
                listener=f"{episode.pk:08d}{'b' if bot else 'a'}{len(app):03d}{n:020d}",
                agent_kind="bot" if bot else "app",
                is_bot=bot,
                app=app,
                device="Apple iPhone",
                device_category="mobile",
                os="iOS",
                bytes_requested=1000,
                bytes_needed=1000,
            )
            for n in range(listeners)
        ]
    )


def bulk_episodes(show, count):
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
    rollup_day(TODAY)
    for episode in episodes[:3]:
        Credit.objects.create(episode=episode, person=make_person(), role="guest")
    return episodes


@pytest.fixture
def world():
    show_a = make_show(title="Alpha Show", slug="alpha")
    show_b = make_show(title=f"Bravo {MARKER_B}", slug="bravo")
    episode_a = make_episode(show_a, title="Alpha one", published_at=datetime.now(UTC) - timedelta(days=3))
    episode_b = make_episode(
        show_b, title=f"Bravo one {MARKER_B}", published_at=datetime.now(UTC) - timedelta(days=3)
    )
    add_events(episode_a, TODAY, 5)
    add_events(episode_a, TODAY - timedelta(days=1), 2, app="Pocket Casts")
    add_events(episode_a, TODAY, 4, bot=True)
    add_events(episode_b, TODAY, 7)
    rollup_day(TODAY)
    rollup_day(TODAY - timedelta(days=1))
    users = {
        "anonymous": None,
        "producer_a": make_user("producer_a", role=Team.PRODUCER, shows=[show_a]),
        "analyst_a": make_user("analyst_a", role=Team.ANALYST, shows=[show_a]),
        "editor_a": make_user("editor_a", role=Team.EDITOR, shows=[show_a]),
        "network_admin": make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True),
        "no_team": make_user("no_team"),
    }
    return {
        "show_a": show_a,
        "show_b": show_b,
        "episode_a": episode_a,
        "episode_b": episode_b,
        "users": users,
    }


def client_for(world, role):
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


ROLES = ["anonymous", "no_team", "producer_a", "analyst_a", "editor_a", "network_admin"]
PAGES = [
    ("network", lambda w: reverse("admin:analytics_network"), (302, 403, 200, 200, 200, 200)),
    (
        "show A",
        lambda w: reverse("admin:analytics_show", args=[w["show_a"].pk]),
        (302, 403, 200, 200, 200, 200),
    ),
    (
        "show B",
        lambda w: reverse("admin:analytics_show", args=[w["show_b"].pk]),
        (302, 403, 404, 404, 404, 200),
    ),
    ("show missing", lambda w: reverse("admin:analytics_show", args=[99999]), (302, 403, 404, 404, 404, 404)),
    (
        "episode A",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_a"].pk]),
        (302, 403, 200, 200, 200, 200),
    ),
    (
        "episode B",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_b"].pk]),
        (302, 403, 404, 404, 404, 200),
    ),
    (
        "network csv",
        lambda w: reverse("admin:analytics_network") + "?csv=shows",
        (302, 403, 200, 200, 200, 200),
    ),
    (
        "episode B csv",
        lambda w: reverse("admin:analytics_episode", args=[w["episode_b"].pk]) + "?csv=by-day",
        (302, 403, 404, 404, 404, 200),
    ),
]


@pytest.mark.parametrize("name,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_dashboard_answers_expected_status_for_each_role(world, name, url, expected):
    statuses = tuple(client_for(world, role).get(url(world)).status_code for role in ROLES)

    assert statuses == expected


@pytest.mark.parametrize("role", ["producer_a", "analyst_a"])
def test_show_a_team_never_sees_show_b_figures(world, role):
    client = client_for(world, role)
    for url in [
        reverse("admin:analytics_network"),
        reverse("admin:analytics_show", args=[world["show_a"].pk]),
    ]:
        for suffix in ["", "?csv=shows", "?csv=top-episodes", "?csv=by-day"]:
            response = client.get(url + suffix)
            if response.status_code == 200:
                assert MARKER_B not in response.content.decode()


def test_network_dashboard_counts_without_bots_for_the_users_shows(world):
    response = client_for(world, "producer_a").get(reverse("admin:analytics_network") + "?csv=shows")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [["show", "in range", "to date"], ["Alpha Show", "7", "7"]]


def test_network_apps_share_csv_sums_every_download(world):
    response = client_for(world, "network_admin").get(reverse("admin:analytics_network") + "?csv=app")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["app", "downloads", "share %"],
        ["Overcast", "12", "85.7"],
        ["Pocket Casts", "2", "14.3"],
    ]


def test_episode_dashboard_shows_first_days_and_days(world):
    client = client_for(world, "analyst_a")
    url = reverse("admin:analytics_episode", args=[world["episode_a"].pk])

    summary = list(csv.reader(io.StringIO(client.get(url + "?csv=summary").content.decode())))
    by_day = list(csv.reader(io.StringIO(client.get(url + "?days=7&csv=by-day").content.decode())))

    assert summary == [
        ["in range", "first day", "first 7 days", "first 30 days", "to date"],
        ["7", "0", "7", "7", "7"],
    ]
    assert by_day[-2:] == [[(TODAY - timedelta(days=1)).isoformat(), "2"], [TODAY.isoformat(), "5"]]
    assert len(by_day) == 8


def test_unknown_csv_table_answers_404(world):
    response = client_for(world, "network_admin").get(reverse("admin:analytics_network") + "?csv=nope")

    assert response.status_code == 404


def test_bad_date_range_says_why_and_shows_the_last_30_days(world):
    response = client_for(world, "network_admin").get(
        reverse("admin:analytics_network") + "?start=2026-13-01"
    )

    assert response.status_code == 200
    assert response.context["range_message"] == "Dates must be written YYYY-MM-DD; showing the last 30 days."
    assert response.context["date_range"].days == 30


def test_dashboard_carries_chart_data_as_json_and_no_inline_script(world):
    response = client_for(world, "network_admin").get(reverse("admin:analytics_network"))
    html = response.content.decode()

    assert '<script id="chart-1" type="application/json">' in html
    assert "/static/vendor/chart.js/chart.umd.min.js" in html
    scripts = html.split("<script")[1:]
    inline = [
        s
        for s in scripts
        if 'type="application/json"' not in s.split(">")[0] and "src=" not in s.split(">")[0]
    ]
    assert inline == []
    assert "onclick=" not in html and "onload=" not in html


def test_dashboard_names_the_user_agent_list_in_use(world, settings):
    settings.PODCASTCMS_USER_AGENT_LISTS = ""
    from episodes.analytics.useragents import reset_classifier

    reset_classifier()
    response = client_for(world, "network_admin").get(reverse("admin:analytics_network"))

    assert (
        "User agents classified with podcast-app-user-agents 1.3.5 with crawlerdetect"
        in response.content.decode()
    )


def test_admin_index_links_the_dashboard_for_an_analyst(world):
    response = client_for(world, "analyst_a").get(reverse("admin:index"))

    assert reverse("admin:analytics_network") in response.content.decode()
    assert response.context["app_list"] == []


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    ["network", "show", "episode", "show csv", "network csv", "network, other range", "show, other range"],
)
def test_dashboard_queries_do_not_grow_with_episodes(page):
    counts = []
    for size in (1, 1000):
        show = make_show()
        episodes = bulk_episodes(show, size)
        user = make_user(role=Team.PRODUCER, shows=[show])
        client = Client()
        client.force_login(user)
        url = {
            "network": reverse("admin:analytics_network"),
            "show": reverse("admin:analytics_show", args=[show.pk]),
            "episode": reverse("admin:analytics_episode", args=[episodes[-1].pk]),
            "show csv": reverse("admin:analytics_show", args=[show.pk]) + "?csv=episodes",
            "network csv": reverse("admin:analytics_network") + "?csv=top-episodes",
            # a range that is no rolling window: the figures are summed from the days
            "network, other range": reverse("admin:analytics_network") + "?days=365",
            "show, other range": reverse("admin:analytics_show", args=[show.pk]) + "?days=365",
        }[page]
        page_queries(client, url)  # warm the per-process caches
        counts.append(page_queries(client, url))
    assert counts[0] == counts[1]


def test_date_range_presets_and_explicit_ranges():
    from episodes.analytics.queries import DateRange

    today = date(2026, 3, 31)
    assert DateRange.from_query({"days": "7"}, today) == (DateRange(date(2026, 3, 25), today), None)
    assert DateRange.from_query({"start": "2026-03-01", "end": "2026-03-02"}, today) == (
        DateRange(date(2026, 3, 1), date(2026, 3, 2)),
        None,
    )
    assert DateRange.from_query({"start": "2026-03-05", "end": "2026-03-01"}, today)[1] == (
        "The range must end on or after its first day; showing the last 30 days."
    )


def test_rolling_windows_give_the_figures_the_days_give(world):
    from episodes.analytics import queries
    from episodes.analytics.models import RollingWindow
    from episodes.models import Show

    show = world["show_a"]
    episodes = bulk_episodes(show, 40)
    for offset in range(1, 95, 3):  # days in and out of each window, a few listeners each
        day = TODAY - timedelta(days=offset)
        for number, episode in enumerate(episodes[:12]):
            add_events(episode, day, (number * offset) % 7 + 1)
        rollup_day(day)
    rollup_day(TODAY)
    shows = Show.objects.all()

    def figures(days):
        date_range = queries.DateRange(TODAY - timedelta(days=days - 1), TODAY)
        return (
            [(e.pk, n) for e, n in queries.top_episodes(shows, date_range)],
            queries.episode_figures([e.pk for e in episodes], date_range)[0],
            [(p.pk, count, n) for p, count, n in queries.people_table(shows, date_range)],
        )

    from_windows = {days: figures(days) for days in (7, 30, 90)}
    assert RollingWindow.objects.filter(through=TODAY).count() == 3
    RollingWindow.objects.all().delete()
    assert {days: figures(days) for days in (7, 30, 90)} == from_windows
    assert from_windows[7] != from_windows[30] != from_windows[90]
    assert len(from_windows[90][0]) == 20


@pytest.fixture
def quiet_lately():
    """Show A: downloads 100 and 101 days ago only; show B: downloads today."""
    show_a = make_show(title="Alpha Show", slug="alpha")
    show_b = make_show(title="Bravo Show", slug="bravo")
    old = make_episode(show_a, title="Alpha old", published_at=datetime.now(UTC) - timedelta(days=120))
    recent_b = make_episode(show_b, title="Bravo new", published_at=datetime.now(UTC) - timedelta(days=3))
    for days_ago, listeners in ((100, 3), (101, 2)):
        add_events(old, TODAY - timedelta(days=days_ago), listeners)
        rollup_day(TODAY - timedelta(days=days_ago))
    add_events(recent_b, TODAY, 4)
    rollup_day(TODAY)
    producer_a = make_user("producer_a", role=Team.PRODUCER, shows=[show_a])
    return show_a, show_b, old, producer_a


def test_a_preset_range_without_downloads_ends_on_the_latest_day_with_some_and_says_so(quiet_lately):
    show_a, _, old, producer_a = quiet_lately
    client = Client()
    client.force_login(producer_a)
    latest = TODAY - timedelta(days=100)

    network = client.get(reverse("admin:analytics_network"))
    show = client.get(reverse("admin:analytics_show", args=[show_a.pk]) + "?days=7")
    episode = client.get(reverse("admin:analytics_episode", args=[old.pk]))

    assert (network.context["date_range"].start, network.context["date_range"].end) == (
        latest - timedelta(days=29),
        latest,
    )
    assert network.context["range_message"] == (
        f"No downloads in the last 30 days: showing the 30 days up to {latest.isoformat()}, "
        "the latest day with downloads."
    )
    assert (show.context["date_range"].start, show.context["date_range"].end) == (
        latest - timedelta(days=6),
        latest,
    )
    assert episode.context["date_range"].end == latest
    by_day = dict(row for row in network.context["tables"][0].rows)
    assert (by_day[latest.isoformat()], by_day[(latest - timedelta(days=1)).isoformat()]) == (3, 2)


def test_a_range_with_downloads_or_dates_asked_for_is_kept(quiet_lately):
    show_a, show_b, _, producer_a = quiet_lately
    admin = make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True)
    client = Client()
    client.force_login(admin)
    producer = Client()
    producer.force_login(producer_a)

    network = client.get(reverse("admin:analytics_network"))  # show B had downloads today
    asked = producer.get(reverse("admin:analytics_network") + f"?start={TODAY - timedelta(days=9)}")

    assert (network.context["date_range"].end, network.context["range_message"]) == (TODAY, None)
    assert (asked.context["date_range"].start, asked.context["date_range"].end) == (
        TODAY - timedelta(days=9),
        TODAY,
    )
    assert asked.context["range_message"] is None
