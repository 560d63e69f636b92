"""The admin index as each role's home, and the editorial calendar with the sponsor inventory."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from episodes.models import Episode, Team
from tests.factories import make_campaign, make_episode, make_show, make_user, sponsor_read

pytestmark = pytest.mark.django_db

CALENDAR = reverse("admin:episodes_episode_calendar")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def network():
    alpha = make_show(title="Alpha Show", slug="alpha")
    bravo = make_show(title="Bravo Show", slug="bravo", is_public=False)
    now = timezone.now()
    episodes = {
        "review": make_episode(alpha, title="Alpha in review", status=Episode.REVIEW),
        "scheduled": make_episode(alpha, title="Alpha next week", published_at=now + timedelta(days=3)),
        "far": make_episode(alpha, title="Alpha in a month", published_at=now + timedelta(days=20)),
        "blocked": make_episode(alpha, title="Alpha blocked", status=Episode.DRAFT, summary="é" * 2001),
        "recent": make_episode(alpha, title="Alpha out", published_at=now - timedelta(days=1)),
        # The other show's rows, which Alpha's team must never see.
        "b_review": make_episode(bravo, title="Bravo in review", status=Episode.REVIEW),
        "b_scheduled": make_episode(bravo, title="Bravo next week", published_at=now + timedelta(days=2)),
    }
    campaign = make_campaign(alpha, name="Alpha flight", starts_on=now.date() - timedelta(days=5))
    make_campaign(bravo, name="Bravo flight", starts_on=now.date() - timedelta(days=5))
    sponsor_read(episodes["scheduled"], campaign, position="mid")
    return {
        "alpha": alpha,
        "bravo": bravo,
        "episodes": episodes,
        "campaign": campaign,
        "editor": make_user("editor", role=Team.EDITOR, shows=[alpha]),
        "producer": make_user("producer", role=Team.PRODUCER, shows=[alpha]),
    }


def titles(items):
    return [item.title if isinstance(item, Episode) else item[0].title for item in items]


def test_editor_home_lists_what_waits_on_their_shows(network):
    home = logged_in(network["editor"]).get(reverse("admin:index")).context["home"]

    assert titles(home["ready_for_review"]) == ["Alpha in review"]
    assert titles(home["scheduled_this_week"]) == ["Alpha next week"]
    assert titles(home["drafts_with_errors"]) == ["Alpha blocked"]
    assert home["drafts_with_errors"][0][1] == ["The summary is 4002 bytes; at most 4000 are allowed."]
    assert titles(home["recent_publications"]) == ["Alpha out"]


def test_producer_home_has_no_review_queue(network):
    response = logged_in(network["producer"]).get(reverse("admin:index"))

    assert "ready_for_review" not in response.context["home"]
    assert "Bravo" not in response.content.decode()


def test_home_queries_do_not_grow_with_the_number_of_episodes(network):
    client = logged_in(network["editor"])
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:index"))
    for n in range(15):
        make_episode(network["alpha"], title=f"Draft {n}", status=Episode.DRAFT, summary="é" * 2001)
        make_episode(network["alpha"], title=f"Out {n}", published_at=timezone.now() - timedelta(hours=n + 2))
        make_episode(network["alpha"], title=f"Ready {n}", status=Episode.REVIEW)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("admin:index"))

    assert len(many) == len(few)


def test_calendar_week_shows_the_days_episodes_and_campaigns_of_ones_shows(network):
    anchor = timezone.localdate(network["episodes"]["scheduled"].published_at)

    response = logged_in(network["producer"]).get(CALENDAR, {"date": anchor.isoformat()})

    days = [day for week in response.context["weeks"] for day in week]
    entries = {e["episode"].title: e for day in days for e in day["entries"]}
    assert len(days) == 7 and days[0]["date"].weekday() == 0
    assert entries["Alpha next week"]["free"] == ["Pre-roll", "Post-roll"]
    assert "Bravo next week" not in entries
    assert [c.name for c in response.context["campaigns"]] == ["Alpha flight"]
    assert "Bravo" not in response.content.decode()


def test_calendar_month_covers_whole_weeks_of_the_month(network):
    response = logged_in(network["producer"]).get(CALENDAR, {"view": "month", "date": "2026-02-10"})

    weeks = response.context["weeks"]
    assert (response.context["first"], response.context["last"]) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (weeks[0][0]["date"], weeks[-1][-1]["date"]) == (date(2026, 1, 26), date(2026, 3, 1))


def test_inventory_lists_upcoming_episodes_with_free_positions_and_campaigns_in_flight(network):
    response = logged_in(network["producer"]).get(CALENDAR)

    [(show, rows)] = response.context["inventory"]
    assert show == network["alpha"]
    assert [(r["episode"].title, r["free"], [c.name for c in r["campaigns"]]) for r in rows] == [
        ("Alpha next week", ["Pre-roll", "Post-roll"], ["Alpha flight"]),
        ("Alpha in a month", ["Pre-roll", "Mid-roll", "Post-roll"], ["Alpha flight"]),
    ]


def test_calendar_filtered_by_another_show_answers_404(network):
    response = logged_in(network["producer"]).get(CALENDAR, {"show": network["bravo"].pk})

    assert response.status_code == 404


def test_calendar_queries_do_not_grow_with_the_number_of_episodes(network):
    client = logged_in(network["editor"])
    client.get(CALENDAR)
    with CaptureQueriesContext(connection) as few:
        client.get(CALENDAR)
    base = timezone.now()
    for n in range(20):
        episode = make_episode(
            network["alpha"], title=f"Later {n}", published_at=base + timedelta(hours=n + 1)
        )
        sponsor_read(episode, network["campaign"])
        make_campaign(network["alpha"], name=f"Flight {n}", starts_on=base.date())
    with CaptureQueriesContext(connection) as many:
        client.get(CALENDAR)

    assert len(many) == len(few)


def test_calendar_tolerates_a_bad_date(network):
    response = logged_in(network["producer"]).get(CALENDAR, {"date": "yesterday"})

    assert response.context["anchor"] == timezone.localdate()
