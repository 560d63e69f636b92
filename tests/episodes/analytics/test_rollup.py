"""The rollup can be audited: recomputing a day gives identical figures; the commands around it."""

import io
import json
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from episodes.analytics import recorder, rollup
from episodes.analytics.models import (
    Breakdown,
    DownloadEvent,
    EpisodeDay,
    EpisodeTotal,
    EpisodeWindow,
    ListenerSalt,
    RollingWindow,
    RollupRun,
    ShowBreakdown,
)
from episodes.analytics.useragents import OpawgClassifier
from tests.factories import make_episode, make_show

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


def event(episode, hour, listener, app="Overcast", os="iOS", requested=100, needed=100, bot=False, day=DAY):
    return DownloadEvent(
        occurred_at=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
        episode_id=episode.pk,
        show_id=episode.show_id,
        listener=listener,
        agent_kind="bot" if bot else "app",
        is_bot=bot,
        app=app,
        device_category="mobile",
        os=os,
        bytes_requested=requested,
        bytes_needed=needed,
    )


@pytest.fixture
def history():
    show = make_show()
    one = make_episode(show, published_at=datetime(2026, 3, 8, 6, tzinfo=UTC))
    two = make_episode(show, published_at=datetime(2026, 3, 10, 6, tzinfo=UTC))
    DownloadEvent.objects.bulk_create(
        [
            event(one, 1, "a"),
            event(one, 2, "a"),  # same listener: once
            event(one, 3, "b", app="Spotify", os="Android"),
            event(one, 4, "c", requested=2),  # a probe only
            event(one, 5, "d", bot=True),
            event(two, 7, "a"),
            event(two, 8, "e", app="", os=""),
            event(two, 9, "f", requested=50),
            event(two, 10, "f", requested=50),  # two halves: one download
            event(one, 1, "a", day=DAY + timedelta(days=1)),
        ]
    )
    return one, two


def test_rollup_day_counts_by_episode_app_device_and_age(history):
    one, two = history
    run = rollup.rollup_day(DAY)

    assert sorted(EpisodeDay.objects.filter(day=DAY).values_list("episode_id", "age_days", "downloads")) == [
        (one.pk, 2, 2),
        (two.pk, 0, 3),
    ]
    apps = (
        ShowBreakdown.objects.filter(day=DAY, dimension="app")
        .order_by("value")
        .values_list("value", "downloads")
    )
    assert list(apps) == [("Overcast", 3), ("Spotify", 1), ("Unknown", 1)]
    assert ShowBreakdown.objects.get(day=DAY, dimension="total").downloads == 5
    assert (run.events_read, run.downloads) == (9, 5)


def test_recomputing_a_past_day_gives_identical_rows_and_checksum(history):
    first = rollup.rollup_day(DAY)
    rows = rollup.stored_day(DAY)

    again = rollup.rollup_day(DAY)

    assert rollup.stored_day(DAY) == rows
    assert again.checksum == first.checksum
    assert RollupRun.objects.filter(day=DAY).count() == 2  # both runs stay in the audit trail
    assert rollup.verify_day(DAY)[0] is True


def test_episode_totals_follow_each_day_rolled_up_again_and_equal_a_rebuild(history):
    one, two = history
    rollup.rollup_day(DAY + timedelta(days=1))
    rollup.rollup_day(DAY)
    assert rollup.stored_totals() == [(one.pk, 3, 0, 3, 3), (two.pk, 3, 3, 3, 3)]

    DownloadEvent.objects.bulk_create([event(two, 11, "g"), event(two, 12, "h", day=DAY + timedelta(days=7))])
    rollup.rollup_day(DAY)  # the day again, with one more download
    rollup.rollup_day(DAY + timedelta(days=7))  # a day in the second week of episode two
    DownloadEvent.objects.filter(occurred_at__date=DAY + timedelta(days=1)).delete()
    rollup.rollup_day(DAY + timedelta(days=1))  # a day whose downloads are gone

    assert rollup.stored_totals() == [(one.pk, 2, 0, 2, 2), (two.pk, 5, 4, 4, 5)]
    assert rollup.verify_totals()[0] is True
    kept = rollup.stored_totals()
    rollup.rebuild_totals()
    assert rollup.stored_totals() == kept


def windows():
    found = {}
    for days, episode_id, downloads in EpisodeWindow.objects.values_list("days", "episode_id", "downloads"):
        found.setdefault(days, {})[episode_id] = downloads
    return dict(RollingWindow.objects.values_list("days", "through")), found


def test_rolling_windows_follow_days_rolled_up_in_any_order_again_and_onwards(history):
    one, two = history
    rollup.rollup_day(DAY + timedelta(days=1))
    rollup.rollup_day(DAY)
    assert windows() == (
        {7: DAY + timedelta(days=1), 30: DAY + timedelta(days=1), 90: DAY + timedelta(days=1)},
        {n: {one.pk: 3, two.pk: 3} for n in (7, 30, 90)},
    )

    DownloadEvent.objects.bulk_create([event(two, 11, "g"), event(two, 12, "h", day=DAY + timedelta(days=7))])
    rollup.rollup_day(DAY)  # again, one more download: every window gains it
    rollup.rollup_day(DAY + timedelta(days=7))  # the new latest day: DAY leaves the 7-day window
    assert windows() == (
        {7: DAY + timedelta(days=7), 30: DAY + timedelta(days=7), 90: DAY + timedelta(days=7)},
        {7: {one.pk: 1, two.pk: 1}, 30: {one.pk: 3, two.pk: 5}, 90: {one.pk: 3, two.pk: 5}},
    )
    rollup.rollup_day(DAY)  # a day before the 7-day window: only the others change (they do not)
    assert rollup.verify_windows()[0] is True

    DownloadEvent.objects.bulk_create([event(one, 3, "i", day=DAY + timedelta(days=60))])
    rollup.rollup_day(DAY + timedelta(days=60))  # past the 7- and 30-day windows: they start afresh
    assert windows()[1] == {7: {one.pk: 1}, 30: {one.pk: 1}, 90: {one.pk: 4, two.pk: 5}}
    assert rollup.verify_windows()[0] is True
    kept = windows()
    rollup.rebuild_windows()
    assert windows() == kept


def test_rollup_of_the_only_day_of_an_episode_without_its_events_drops_its_total(history):
    one, two = history
    rollup.rollup_day(DAY)
    DownloadEvent.objects.filter(episode_id=two.pk).delete()

    rollup.rollup_day(DAY)

    assert rollup.stored_totals() == [(one.pk, 2, 0, 2, 2)]


def test_verify_finds_a_total_changed_by_hand(history):
    one, _two = history
    rollup.rollup_day(DAY)
    EpisodeTotal.objects.filter(episode_id=one.pk).update(first_7=9)
    out = io.StringIO()

    with pytest.raises(CommandError, match="Episode totals or windows differ from the daily figures"):
        call_command("rollup_downloads", "--day", DAY.isoformat(), "--verify", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "episode totals and rolling windows: DIFFERENT from the daily figures"
    )

    call_command("rollup_downloads", "--rebuild-totals", stdout=io.StringIO())
    assert rollup.verify_totals()[0] is True


def test_verify_finds_a_figure_changed_by_hand(history):
    rollup.rollup_day(DAY)
    EpisodeDay.objects.filter(day=DAY).update(downloads=99)

    same, stored, fresh = rollup.verify_day(DAY)

    assert (same, stored == fresh) == (False, False)
    with pytest.raises(CommandError, match="1 day\\(s\\) differ from their raw events."):
        call_command("rollup_downloads", "--day", DAY.isoformat(), "--verify", stdout=io.StringIO())


def test_rollup_command_rolls_up_every_day_with_events(history):
    out = io.StringIO()
    call_command("rollup_downloads", "--all", stdout=out)

    assert out.getvalue().splitlines() == [
        f"{DAY}: 5 downloads from 9 events (checksum {RollupRun.objects.get(day=DAY).checksum[:12]})",
        f"{DAY + timedelta(days=1)}: 1 downloads from 1 events "
        f"(checksum {RollupRun.objects.get(day=DAY + timedelta(days=1)).checksum[:12]})",
    ]


def test_rollup_of_a_day_without_events_clears_it(history):
    rollup.rollup_day(DAY)
    DownloadEvent.objects.filter(occurred_at__date=DAY).delete()

    rollup.rollup_day(DAY)

    assert (EpisodeDay.objects.filter(day=DAY).count(), Breakdown.objects.filter(day=DAY).count()) == (0, 0)


def test_purge_drops_old_raw_events_and_salts_and_keeps_rollups(history, settings):
    settings.PODCASTCMS_ANALYTICS_RETENTION_DAYS = 30
    rollup.rollup_day(DAY)
    for offset in range(4):
        ListenerSalt.objects.create(day=DAY + timedelta(days=29 + offset), salt=f"s{offset}")

    events, salts = recorder.purge(now=datetime(2026, 4, 10, 0, 30, tzinfo=UTC))

    assert (events, salts) == (9, 1)  # DAY's events are more than 30 days old; the next day's not
    assert list(ListenerSalt.objects.order_by("day").values_list("day", flat=True)) == [
        date(2026, 4, 9),
        date(2026, 4, 10),
        date(2026, 4, 11),
    ]
    assert EpisodeDay.objects.filter(day=DAY).count() == 2


def test_listener_hash_changes_with_the_day_and_never_contains_the_address():
    today = recorder.listener_hash("203.0.113.5", "Overcast/3.0", DAY)

    assert today == recorder.listener_hash("203.0.113.5", "Overcast/3.0", DAY)
    assert today != recorder.listener_hash("203.0.113.5", "Overcast/3.0", DAY + timedelta(days=1))
    assert today != recorder.listener_hash("203.0.113.6", "Overcast/3.0", DAY)
    assert "203" not in today and len(today) == 32


def test_refresh_user_agents_copies_the_lists_with_their_date(opawg_lists, tmp_path, settings):
    target = tmp_path / "lists"
    out = io.StringIO()

    call_command("refresh_user_agents", str(opawg_lists), "--into", str(target), stdout=out)

    version = json.loads((target / "VERSION.json").read_text())
    assert (version["date"], version["commit"]) == ("2026-08-06", "8008a31b7d348cd5722656c9d3e2d0c1cd6af212")
    assert (target / "LICENSE").is_file()
    assert "OPAWG lists of 2026-08-06" in out.getvalue()
    assert (
        OpawgClassifier(target).classify("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)").name
        == "Overcast"
    )


def test_refresh_user_agents_reads_a_zip_of_the_repository(opawg_lists, tmp_path):
    archive = tmp_path / "user-agents-v2-main.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in opawg_lists.glob("*.json"):
            zipped.write(path, f"user-agents-v2-main/src/{path.name}")
    target = tmp_path / "lists"

    call_command(
        "refresh_user_agents",
        str(archive),
        "--into",
        str(target),
        "--date",
        "2026-08-06",
        stdout=io.StringIO(),
    )

    assert json.loads((target / "VERSION.json").read_text())["date"] == "2026-08-06"
    assert sorted(p.name for p in target.glob("*.json")) == [
        "VERSION.json",
        "apps.json",
        "bots.json",
        "browsers.json",
        "devices.json",
        "libraries.json",
        "referrers.json",
    ]


def test_refresh_user_agents_refuses_a_copy_without_the_lists_and_keeps_the_old_ones(opawg_lists, tmp_path):
    target = tmp_path / "lists"
    shutil.copytree(opawg_lists, target)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bots.json").write_text("{}")

    with pytest.raises(CommandError, match="holds bots.json, apps.json"):
        call_command("refresh_user_agents", str(broken), "--into", str(target), stdout=io.StringIO())
    assert (target / "apps.json").is_file()
