"""Data-centre ranges: the lookup, the counting rule, the refresh command and the admin's word."""

import json
from datetime import UTC, datetime
from ipaddress import ip_address

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from episodes.analytics import datacenters
from episodes.analytics.models import DownloadEvent, EpisodeDay
from episodes.analytics.rollup import rollup_day
from tests.factories import make_episode

APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
RANGES = """# hosting networks
192.0.2.0/24
192.0.2.128/25
203.0.113.10 - 203.0.113.20
2001:db8:dc::/48  # a cloud's IPv6
"""
IPCAT = """first_ip,last_ip,name,url
198.51.100.0,198.51.100.63,Example Hosting,https://hosting.example
not an address,at all
"""


@pytest.fixture
def ranges(settings, tmp_path):
    path = tmp_path / "ranges.txt"
    path.write_text(RANGES)
    settings.PODCASTCMS_DATACENTER_RANGES = str(path)
    datacenters.reset_ranges()
    return path


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("192.0.2.0", True),
        ("192.0.2.255", True),
        ("192.0.3.0", False),
        ("192.0.1.255", False),
        ("203.0.113.10", True),
        ("203.0.113.20", True),
        ("203.0.113.21", False),
        ("2001:db8:dc::1", True),
        ("2001:db8:dc:ffff:ffff:ffff:ffff:ffff", True),
        ("2001:db8:dd::1", False),
        ("::ffff:192.0.2.7", True),
        ("::ffff:192.0.3.7", False),
        ("not an address", False),
        ("", False),
    ],
)
def test_address_inside_or_outside_the_ranges(ranges, address, inside):
    assert datacenters.is_datacenter(address) is inside


def test_overlapping_networks_are_merged_and_counted_once(ranges):
    loaded = datacenters.get_ranges()

    assert loaded.info["ranges"] == {"IPv4": 2, "IPv6": 1}
    assert loaded.starts[4] == [int(ip_address("192.0.2.0")), int(ip_address("203.0.113.10"))]
    assert loaded.ends[4] == [int(ip_address("192.0.2.255")), int(ip_address("203.0.113.20"))]


def test_directory_of_cidr_and_ipcat_csv_files_is_read_and_bad_lines_skipped(settings, tmp_path):
    directory = tmp_path / "lists"
    directory.mkdir()
    (directory / "ipv4.txt").write_text(RANGES)
    (directory / "datacenters.csv").write_text(IPCAT)
    (directory / "README.md").write_text("10.0.0.0/8 is not read: not a list file")
    settings.PODCASTCMS_DATACENTER_RANGES = str(directory)
    datacenters.reset_ranges()

    found = [
        datacenters.is_datacenter(a) for a in ("198.51.100.63", "198.51.100.64", "192.0.2.9", "10.1.1.1")
    ]
    assert found == [True, False, True, False]
    assert datacenters.get_ranges().info["skipped_lines"] == 1


def test_no_list_configured_excludes_nothing(settings):
    settings.PODCASTCMS_DATACENTER_RANGES = ""

    assert datacenters.is_datacenter("192.0.2.1") is False
    assert datacenters.get_ranges().info["source"] == ""


def test_unreadable_list_is_logged_and_excludes_nothing(settings, tmp_path, caplog):
    settings.PODCASTCMS_DATACENTER_RANGES = str(tmp_path / "absent.txt")

    assert datacenters.is_datacenter("192.0.2.1") is False
    assert datacenters.get_ranges().info["error"] == "unreadable"
    assert "Data-centre ranges unreadable" in caplog.text


def fetch(episode, address, **headers):
    response = Client(HTTP_USER_AGENT=APP, REMOTE_ADDR=address).get(episode.enclosure_url, headers=headers)
    b"".join(response.streaming_content)
    return response


@pytest.mark.django_db
def test_data_centre_downloads_are_recorded_marked_and_not_counted(ranges):
    episode = make_episode(audio=3)
    fetch(episode, "192.0.2.50")
    fetch(episode, "2001:db8:dc::9")
    fetch(episode, "198.51.100.1")

    rows = sorted(DownloadEvent.objects.values_list("from_datacenter", flat=True))
    assert rows == [False, True, True]
    today = datetime.now(UTC).date()
    rollup_day(today)
    assert EpisodeDay.objects.get(episode=episode, day=today).downloads == 1


@pytest.mark.django_db
def test_data_centre_address_is_never_stored(ranges):
    episode = make_episode(audio=3)
    fetch(episode, "192.0.2.50")

    stored = " ".join(str(value) for value in DownloadEvent.objects.values().get().values())
    assert "192.0.2.50" not in stored


@pytest.mark.django_db
def test_forwarded_for_is_checked_only_from_a_trusted_proxy(ranges, settings):
    episode = make_episode(audio=3)
    settings.PODCASTCMS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    fetch(episode, "10.0.0.5", X_Forwarded_For="192.0.2.50")  # the proxy says: a data centre
    fetch(episode, "10.0.0.5", X_Forwarded_For="198.51.100.1")  # the proxy says: a listener
    fetch(episode, "203.0.113.99", X_Forwarded_For="192.0.2.50")  # a client's own claim: ignored
    fetch(episode, "203.0.113.15", X_Forwarded_For="198.51.100.1")  # a data centre's own claim

    rows = list(DownloadEvent.objects.order_by("pk").values_list("from_datacenter", flat=True))
    assert rows == [True, False, False, True]


@pytest.mark.django_db
def test_refresh_command_installs_the_list_with_its_date(settings, tmp_path):
    source = tmp_path / "download"
    source.mkdir()
    (source / "ipv4.txt").write_text("192.0.2.0/24\n")
    (source / "ipv6.txt").write_text("2001:db8:dc::/48\n")
    target = tmp_path / "datacenters"
    settings.PODCASTCMS_DATACENTER_RANGES = str(target)

    call_command(
        "refresh_datacenter_ranges", str(source), "--name", "X4BNet datacenter", "--date", "2026-11-30"
    )
    datacenters.reset_ranges()

    version = json.loads((target / "VERSION.json").read_text())
    assert (version["source"], version["date"]) == ("X4BNet datacenter", "2026-11-30")
    assert (datacenters.is_datacenter("192.0.2.1"), datacenters.is_datacenter("2001:db8:dc::1")) == (
        True,
        True,
    )
    assert datacenters.get_ranges().info["ranges"] == {"IPv4": 1, "IPv6": 1}


def test_refresh_command_refuses_a_list_without_ranges(settings, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n")
    target = tmp_path / "datacenters"
    settings.PODCASTCMS_DATACENTER_RANGES = str(target)

    with pytest.raises(CommandError, match="no network or range"):
        call_command("refresh_datacenter_ranges", str(empty))
    assert target.exists() is False


@pytest.mark.django_db
def test_dashboard_names_the_data_centre_list_in_use(settings, tmp_path, admin_client):
    target = tmp_path / "datacenters"
    settings.PODCASTCMS_DATACENTER_RANGES = str(target)
    source = tmp_path / "ipv4.txt"
    source.write_text("192.0.2.0/24\n198.51.100.0/24\n")
    call_command(
        "refresh_datacenter_ranges", str(source), "--name", "X4BNet datacenter", "--date", "2026-11-30"
    )
    datacenters.reset_ranges()

    html = admin_client.get(reverse("admin:analytics_network")).content.decode()

    assert (
        "Data-centre addresses excluded with X4BNet datacenter of 2026-11-30 (2 IPv4 and 0 IPv6 ranges)."
        in html
    )


@pytest.mark.django_db
def test_dashboard_says_when_no_data_centre_list_is_configured(settings, admin_client):
    settings.PODCASTCMS_DATACENTER_RANGES = ""

    html = admin_client.get(reverse("admin:analytics_network")).content.decode()

    assert "No data-centre list is configured (PODCASTCMS_DATACENTER_RANGES): no address is excluded." in html
