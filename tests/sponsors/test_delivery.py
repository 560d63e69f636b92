"""Campaign delivery: the report by hand on a small fixture, the sponsor's link, promo clicks."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes.analytics.models import DownloadEvent
from episodes.analytics.rollup import rollup_day
from episodes.models import Episode, Team
from sponsors.models import PromoClick, SponsorRead, SponsorReportLink
from sponsors.reports import campaign_report
from sponsors.views import report_link_token
from tests.factories import make_campaign, make_episode, make_show, make_user, sponsor_read

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2026, 3, 1, 12, tzinfo=UTC)
APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
BOT = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"
MARKER_B = "ZEBRA-MARKER-B"


def downloads_on(episode, day, count, tag="x"):
    DownloadEvent.objects.bulk_create(
        [
            DownloadEvent(
                occurred_at=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
                episode_id=episode.pk,
                show_id=episode.show_id,
                listener=f"{tag}{episode.pk:06d}{n:020d}",
                agent_kind="app",
                app="Overcast",
                bytes_requested=10,
                bytes_needed=10,
            )
            for n in range(count)
        ]
    )


@pytest.fixture
def fixture():
    """Two shows; a campaign with a pre-roll and a mid-roll on one episode of A, a post-roll on B,
    a draft of A carrying a read, and downloads on days 0, 6, 7, 29 and 30 after publication."""
    show_a = make_show(title="Alpha", slug="alpha")
    show_b = make_show(title=f"Bravo {MARKER_B}", slug="bravo")
    campaign = make_campaign(show_a, show_b, name="Spring", booked_downloads=40)
    a1 = make_episode(show_a, title="A one", published_at=PUBLISHED)
    b1 = make_episode(show_b, title=f"B one {MARKER_B}", published_at=PUBLISHED + timedelta(days=1))
    draft = make_episode(show_a, title="A draft", status=Episode.DRAFT)
    sponsor_read(a1, campaign, SponsorRead.PRE_ROLL)
    sponsor_read(a1, campaign, SponsorRead.MID_ROLL, order=1)
    sponsor_read(b1, campaign, SponsorRead.POST_ROLL)
    sponsor_read(draft, campaign)
    start = PUBLISHED.date()
    for offset, count in [(0, 3), (6, 2), (7, 4), (29, 1), (30, 5)]:
        downloads_on(a1, start + timedelta(days=offset), count)
    downloads_on(b1, start + timedelta(days=1), 6)  # b1's publication day
    downloads_on(b1, start + timedelta(days=10), 1)
    for offset in range(0, 31):
        rollup_day(start + timedelta(days=offset))
    return {"campaign": campaign, "a1": a1, "b1": b1, "show_a": show_a, "show_b": show_b, "draft": draft}


def test_campaign_report_matches_the_figures_worked_out_by_hand(fixture):
    report = campaign_report(fixture["campaign"])

    rows = [(r.episode.title, r.read.position, r.to_date, r.first_7, r.first_30) for r in report.rows]
    assert rows == [
        ("A one", "pre", 15, 5, 10),  # 3+2+4+1+5; days 0-6: 3+2; days 0-29: 3+2+4+1
        ("A one", "mid", 15, 5, 10),
        (f"B one {MARKER_B}", "post", 7, 6, 7),
    ]
    assert report.delivered == 22  # A one counts once, with its two reads
    assert (report.booked, report.delivered_share, report.remaining) == (40, 55.0, 18)
    assert report.clicks == 0


def test_campaign_report_for_one_show_lists_only_its_reads_and_no_clicks(fixture):
    from episodes.models import Show

    report = campaign_report(fixture["campaign"], Show.objects.filter(pk=fixture["show_a"].pk))

    assert [r.episode.title for r in report.rows] == ["A one", "A one"]
    assert (report.delivered, report.clicks, report.complete) == (15, None, False)


def report_link(campaign, **fields):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=30))
    return SponsorReportLink.objects.create(campaign=campaign, **fields)


def test_sponsor_link_shows_the_report_and_its_csv_without_an_account(fixture):
    link = report_link(fixture["campaign"])
    url = reverse("sponsors:report", args=[report_link_token(link)])

    page = Client().get(url)
    data = Client().get(url + "?format=csv")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<td class="num" id="report-delivered">22</td>' in html
    assert "A draft" not in html
    assert page["X-Robots-Tag"] == "noindex"
    rows = list(csv.reader(io.StringIO(data.content.decode())))
    assert rows[0] == [
        "show",
        "episode",
        "position",
        "published",
        "downloads to date",
        "first 7 days",
        "first 30 days",
    ]
    assert rows[1] == ["Alpha", "A one", "Pre-roll", "2026-03-01", "15", "5", "10"]
    assert rows[-3:] == [
        ["total", "", "", "", "22", "", ""],
        ["booked", "", "", "", "40", "", ""],
        ["promo link clicks", "", "", "", "0", "", ""],
    ]


def test_sponsor_link_tampered_answers_404(fixture):
    link = report_link(fixture["campaign"])
    token = report_link_token(link)
    forged = signing.dumps({"id": link.pk, "key": "guessed"}, salt="sponsors.report-link", compress=True)

    assert Client().get(reverse("sponsors:report", args=[token[:-2] + "xx"])).status_code == 404
    assert Client().get(reverse("sponsors:report", args=[forged])).status_code == 404
    assert Client().get(reverse("sponsors:report", args=["not-a-token"])).status_code == 404


def test_sponsor_link_expired_answers_410_and_says_so(fixture):
    link = report_link(fixture["campaign"], expires_at=timezone.now() + timedelta(days=1))
    url = reverse("sponsors:report", args=[report_link_token(link)])

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = Client().get(url)

    assert response.status_code == 410
    assert "This report link has expired" in response.content.decode()
    assert "A one" not in response.content.decode()


def test_sponsor_link_revoked_answers_404(fixture):
    link = report_link(fixture["campaign"])
    url = reverse("sponsors:report", args=[report_link_token(link)])
    assert Client().get(url).status_code == 200

    SponsorReportLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())

    assert Client().get(url).status_code == 404


def test_promo_redirect_counts_clicks_with_the_download_rules(fixture):
    campaign = fixture["campaign"]
    campaign.track_clicks = True
    campaign.save()
    url = reverse("sponsors:go", args=[campaign.click_code])
    day = datetime(2026, 3, 5, 9, tzinfo=UTC)

    with time_machine.travel(day, tick=False):
        first = Client(HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.1").get(url)
        Client(HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.1").get(url)  # same listener, same day
        Client(HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.2").get(url)
        Client(HTTP_USER_AGENT=BOT, REMOTE_ADDR="203.0.113.3").get(url)
        Client(HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.4").head(url)
    with time_machine.travel(day + timedelta(days=1), tick=False):
        Client(HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.1").get(url)  # next day: again

    assert (first.status_code, first["Location"]) == (302, campaign.promo_url)
    assert PromoClick.objects.count() == 5
    assert PromoClick.objects.filter(is_bot=True).count() == 1
    assert "203.0.113" not in " ".join(PromoClick.objects.values_list("listener", flat=True))
    assert campaign_report(campaign).clicks == 3


def test_promo_redirect_of_an_untracked_campaign_answers_404(fixture):
    campaign = fixture["campaign"]
    campaign.click_code = "spring"
    campaign.save()

    assert Client().get(reverse("sponsors:go", args=["spring"])).status_code == 404


def test_page_and_feed_carry_the_redirect_only_when_the_campaign_tracks_clicks(fixture):
    campaign, episode = fixture["campaign"], fixture["a1"]
    page_url = episode.get_absolute_url()
    feed_url = reverse("episodes:show-feed", args=[episode.show.slug])
    assert campaign.promo_url in Client().get(page_url).content.decode()

    campaign.track_clicks = True
    campaign.save()
    go = reverse("sponsors:go", args=[campaign.click_code])

    page = Client().get(page_url).content.decode()
    feed = Client().get(feed_url).content.decode()
    assert f'href="http://localhost:8000{go}"' in page
    assert f'href="{campaign.promo_url}"' not in page
    assert go in feed
    assert campaign.promo_url.split("//")[1] in page  # the sponsor's address is still what readers see


ROLES = ["anonymous", "producer_a", "analyst_a", "analyst_b_only", "network_admin"]


@pytest.fixture
def users(fixture):
    return {
        "anonymous": None,
        "producer_a": make_user("producer_a", role=Team.PRODUCER, shows=[fixture["show_a"]]),
        "analyst_a": make_user("analyst_a", role=Team.ANALYST, shows=[fixture["show_a"]]),
        "analyst_b_only": make_user("analyst_c", role=Team.ANALYST, shows=[make_show(slug="charlie")]),
        "network_admin": make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True),
    }


def get_as(users, role, url):
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    return client.get(url)


def test_admin_campaign_report_answers_by_role(fixture, users):
    url = reverse("admin:sponsors_campaign_report", args=[fixture["campaign"].pk])
    reports = reverse("admin:sponsors_campaign_reports")

    assert tuple(get_as(users, role, url).status_code for role in ROLES) == (302, 200, 200, 404, 200)
    assert tuple(get_as(users, role, reports).status_code for role in ROLES) == (302, 200, 200, 200, 200)


@pytest.mark.parametrize("role", ["producer_a", "analyst_a"])
def test_admin_campaign_report_of_a_team_hides_other_shows(fixture, users, role):
    url = reverse("admin:sponsors_campaign_report", args=[fixture["campaign"].pk])

    html = get_as(users, role, url).content.decode()
    data = get_as(users, role, url + "?format=csv").content.decode()

    assert MARKER_B not in html and MARKER_B not in data
    assert '<td class="num" id="report-delivered">15</td>' in html


def test_analyst_sees_no_episode_or_campaign_admin(fixture, users):
    client = Client()
    client.force_login(users["analyst_a"])

    assert client.get(reverse("admin:episodes_episode_changelist")).status_code == 403
    assert client.get(reverse("admin:episodes_episode_change", args=[fixture["a1"].pk])).status_code == 404
    assert client.get(reverse("admin:sponsors_campaign_changelist")).status_code == 403


@pytest.mark.parametrize("page", ["admin report", "sponsor link"])
def test_campaign_report_queries_do_not_grow_with_reads(page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.episodes.analytics.test_dashboards import bulk_episodes

    counts = []
    for size in (1, 1000):
        show = make_show()
        campaign = make_campaign(show)
        SponsorRead.objects.bulk_create(
            [SponsorRead(episode=e, campaign=campaign, copy="<p>Read</p>") for e in bulk_episodes(show, size)]
        )
        client = Client()
        if page == "admin report":
            client.force_login(make_user(role=Team.PRODUCER, shows=[show]))
            url = reverse("admin:sponsors_campaign_report", args=[campaign.pk])
        else:
            url = reverse("sponsors:report", args=[report_link_token(report_link(campaign))])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("<td>Pre-roll</td>") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
