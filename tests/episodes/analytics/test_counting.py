"""The counting rules, through the real enclosure view, the real database and the rollup."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client

from episodes.analytics import counting
from episodes.analytics.models import DownloadEvent, EpisodeDay
from episodes.analytics.rollup import rollup_day
from episodes.models import Episode
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
OTHER_APP = "Podcasts/1410.53 CFNetwork/1111 Darwin/19.0.0 (x86_64)"
BOT = "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"
DAY = date(2026, 3, 10)


def at(hour, minute=0, second=0, day=DAY):
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def episode():
    """A published episode with a real (short) MP3; its duration is set to ten minutes so that
    one minute of audio is a tenth of the file."""
    episode = make_episode(audio=3, published_at=at(0) - timedelta(days=1))
    Episode.objects.filter(pk=episode.pk).update(duration=600)
    episode.refresh_from_db()
    return episode


def fetch(episode, *, when, user_agent=APP, address="203.0.113.7", method="get", consume=True, **headers):
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    with time_machine.travel(when, tick=False):
        response = getattr(client, method)(episode.enclosure_url, headers=headers)
        if consume and response.streaming:
            b"".join(response.streaming_content)
    return response


def downloads(episode, day=DAY):
    rollup_day(day)
    row = EpisodeDay.objects.filter(episode=episode, day=day).first()
    return row.downloads if row else 0


def test_minimum_bytes_is_a_minute_at_the_file_bit_rate_or_the_whole_file():
    assert counting.minimum_bytes(6_000_000, 600) == 600_000
    assert counting.minimum_bytes(300_000, 30) == 300_000
    assert counting.minimum_bytes(0, None) == 960_000
    assert counting.minimum_bytes(10_000_000, None) == 960_000


def test_whole_file_get_is_one_download(episode):
    fetch(episode, when=at(9))

    event = DownloadEvent.objects.get()
    assert (event.bytes_requested, event.bytes_needed) == (episode.audio_size, episode.audio_size // 10)
    assert (event.app, event.is_bot, event.range_start, event.range_end) == ("Overcast", False, None, None)
    assert downloads(episode) == 1


def test_raw_event_keeps_no_address_and_no_user_agent(episode):
    fetch(episode, when=at(9), address="198.51.100.23", Referer="https://example.org/player")

    row = DownloadEvent.objects.values().get()
    stored = " ".join(str(value) for value in row.values())
    assert "198.51.100.23" not in stored
    assert "Overcast/3.0" not in stored
    assert row["referrer"] == "https://example.org/player"
    assert len(row["listener"]) == 32


def test_head_is_never_recorded(episode):
    fetch(episode, when=at(9), method="head")

    assert DownloadEvent.objects.count() == 0
    assert downloads(episode) == 0


def test_range_probe_of_two_bytes_is_recorded_and_not_counted(episode):
    fetch(episode, when=at(9), Range="bytes=0-1")

    event = DownloadEvent.objects.get()
    assert (event.range_start, event.range_end, event.bytes_requested) == (0, 1, 2)
    assert downloads(episode) == 0


def test_range_below_a_minute_is_not_counted_and_at_a_minute_is(episode):
    minute = episode.audio_size // 10
    fetch(episode, when=at(9), Range=f"bytes=0-{minute - 2}")
    assert downloads(episode) == 0

    fetch(episode, when=at(10), Range=f"bytes={minute - 1}-{minute - 1}")  # one more byte, same listener

    assert downloads(episode) == 1


def test_probe_then_chunks_from_one_listener_is_one_download(episode):
    size = episode.audio_size
    fetch(episode, when=at(9), Range="bytes=0-1")
    fetch(episode, when=at(9, 0, 1), Range=f"bytes=0-{size // 2}")
    fetch(episode, when=at(9, 0, 2), Range=f"bytes={size // 2 + 1}-")

    assert downloads(episode) == 1


def test_bot_examples_are_excluded(episode):
    fetch(episode, when=at(9), user_agent=BOT)
    fetch(episode, when=at(9), user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")

    assert DownloadEvent.objects.filter(is_bot=True).count() == 2
    assert downloads(episode) == 0


def test_same_listener_counts_once_in_the_day_at_its_edges(episode):
    fetch(episode, when=at(0, 0, 0))
    fetch(episode, when=at(23, 59, 59))

    assert downloads(episode) == 1


def test_same_listener_after_midnight_counts_again(episode):
    fetch(episode, when=at(23, 59, 59))
    next_day = DAY + timedelta(days=1)
    fetch(episode, when=at(0, 0, 0, day=next_day))

    assert (downloads(episode), downloads(episode, next_day)) == (1, 1)


def test_other_address_or_other_app_is_another_listener(episode):
    fetch(episode, when=at(9))
    fetch(episode, when=at(9), address="203.0.113.8")
    fetch(episode, when=at(9), user_agent=OTHER_APP)

    assert downloads(episode) == 3


def test_redirect_to_remote_storage_is_counted_once(episode, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.storages.NoLocalPathStorage"}}
    response = fetch(episode, when=at(9))
    assert response.status_code == 302
    fetch(episode, when=at(9, 5))

    events = list(DownloadEvent.objects.values_list("redirected", "bytes_requested"))
    assert events == [(True, episode.audio_size), (True, episode.audio_size)]
    assert downloads(episode) == 1


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(episode, settings):
    settings.PODCASTCMS_TRUSTED_PROXIES = []
    fetch(episode, when=at(9), address="10.0.0.5", X_Forwarded_For="203.0.113.1")
    fetch(episode, when=at(9), address="10.0.0.5", X_Forwarded_For="203.0.113.2")
    assert downloads(episode) == 1  # one proxy address: the header is not believed

    settings.PODCASTCMS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    fetch(episode, when=at(10), address="10.0.0.5", X_Forwarded_For="203.0.113.1")
    fetch(episode, when=at(10), address="10.0.0.5", X_Forwarded_For="203.0.113.2, 10.0.0.9")

    assert downloads(episode) == 3


def test_client_address_reads_forwarded_for_from_the_right(rf, settings):
    from episodes.analytics.recorder import client_address

    settings.PODCASTCMS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.1.1.1")
    assert client_address(request) == "203.0.113.9"
    untrusted = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(untrusted) == "192.0.2.1"


def test_preview_audio_is_not_counted(episode):
    from episodes.preview import preview_token

    Episode.objects.filter(pk=episode.pk).update(status=Episode.DRAFT)
    Client().get(f"/preview/{preview_token(episode)}/audio.mp3")

    assert DownloadEvent.objects.count() == 0


def test_enclosure_is_served_whole_when_the_events_table_is_gone(episode):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE episodes_downloadevent RENAME TO episodes_downloadevent_away")
    try:
        client = Client(HTTP_USER_AGENT=APP)
        response = client.get(episode.enclosure_url)
        body = b"".join(response.streaming_content)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE episodes_downloadevent_away RENAME TO episodes_downloadevent")

    assert response.status_code == 200
    assert body == episode.audio.open("rb").read()
    assert DownloadEvent.objects.count() == 0
    assert Episode.objects.filter(pk=episode.pk).exists()  # the request's transaction is intact


class RollBack(Exception):
    pass


def test_enclosure_is_served_with_the_database_read_only(episode):
    """Read-only for the length of the request (a savepoint restores it afterwards)."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA query_only = ON")
                else:
                    cursor.execute("SET LOCAL transaction_read_only = on")
            try:
                response = Client(HTTP_USER_AGENT=APP).get(
                    episode.enclosure_url, headers={"Range": "bytes=0-99"}
                )
                body = b"".join(response.streaming_content)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM episodes_downloadevent")
                    events = cursor.fetchone()[0]
            finally:
                if connection.vendor == "sqlite":
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA query_only = OFF")
            raise RollBack
    except RollBack:
        pass

    assert (response.status_code, len(body), events) == (206, 100, 0)


def test_events_are_written_in_batches_and_flushed_at_the_end(episode, settings):
    from episodes.analytics.recorder import buffer

    settings.PODCASTCMS_ANALYTICS_BATCH = 3
    fetch(episode, when=at(9))
    fetch(episode, when=at(9), address="203.0.113.8")
    assert DownloadEvent.objects.count() == 0

    fetch(episode, when=at(9), address="203.0.113.9")
    assert DownloadEvent.objects.count() == 3

    fetch(episode, when=at(10))
    buffer.flush()
    assert DownloadEvent.objects.count() == 4


def test_a_batch_that_cannot_be_written_is_dropped_and_audio_still_served(episode, settings):
    settings.PODCASTCMS_ANALYTICS_BATCH = 2
    fetch(episode, when=at(9))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE episodes_downloadevent RENAME TO episodes_downloadevent_away")
    try:
        response = Client(HTTP_USER_AGENT=APP).get(episode.enclosure_url, headers={"Range": "bytes=0-9"})
        body = b"".join(response.streaming_content)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE episodes_downloadevent_away RENAME TO episodes_downloadevent")
    fetch(episode, when=at(10))

    assert (response.status_code, len(body)) == (206, 10)
    assert DownloadEvent.objects.count() == 0  # the lost batch is gone; the third waits in the buffer


@pytest.fixture
def opawg_day(opawg_lists, opawg_entries):
    """One day of raw events from every OPAWG example user agent (apps, bots, libraries marked
    bots), from two addresses each, on two episodes, as whole files, range probes, two halves of
    a file and ranges short of a minute, every third agent's second address in a data centre:
    the events the rollup reads."""
    from episodes.analytics import recorder, useragents

    classifier = useragents.get_classifier()
    agents = [
        ua
        for name in ("apps", "bots", "libraries")
        for entry in opawg_entries(name)
        for ua in entry.get("examples", [])
    ]
    first = make_episode(published_at=at(0) - timedelta(days=3))
    second = make_episode(first.show, published_at=at(6))
    size, needed = 6_000_000, 600_000
    requests = [
        [(0, 1)],  # an Apple-style probe only
        [(0, 1), (0, size - 1)],  # probe, then the whole file
        [(0, size // 2), (size // 2 + 1, size - 1)],  # two halves: one download
        [(0, needed - 2)],  # a byte short of a minute
        [None],  # no Range: the whole file
    ]
    events = []
    for number, agent in enumerate(agents):
        kind = classifier.classify(agent)
        for address in ("192.0.2.1", "198.51.100.2"):
            episode = (first, second)[(number + len(address)) % 2]
            for minute, byte_range in enumerate(requests[(number + len(address)) % len(requests)]):
                events.append(
                    DownloadEvent(
                        occurred_at=at(7 + number % 16, minute),
                        episode_id=episode.pk,
                        show_id=episode.show_id,
                        listener=recorder.listener_hash(address, agent, DAY),
                        agent_kind=kind.kind,
                        is_bot=kind.is_bot,
                        app=(kind.name or kind.referrer_app)[:80],
                        device=kind.device[:40],
                        device_category=kind.device_category[:20],
                        os=kind.os[:20],
                        range_start=byte_range[0] if byte_range else None,
                        range_end=byte_range[1] if byte_range else None,
                        bytes_requested=counting.requested_bytes(byte_range, size),
                        bytes_needed=needed,
                        from_datacenter=address == "198.51.100.2" and number % 3 == 0,
                    )
                )
    DownloadEvent.objects.bulk_create(events)
    return DownloadEvent.objects.filter(occurred_at__date=DAY)


def test_counting_rules_in_sql_give_the_python_rules_windows_on_the_opawg_examples(opawg_day):
    in_python = counting.downloads_in_python(list(opawg_day))
    in_sql = sorted(counting.downloads(opawg_day))

    assert in_sql == in_python
    assert 0 < len(in_python) < opawg_day.values("episode_id", "listener").distinct().count()
    bots = [e for e in opawg_day if e.is_bot]
    assert len(bots) > 100
    assert counting.downloads_in_python([e for e in opawg_day if not e.is_bot]) == in_python
    assert counting.downloads_in_python([e for e in opawg_day if not e.from_datacenter]) == in_python
    hosted_apps = {
        (e.episode_id, e.listener)
        for e in opawg_day
        if e.from_datacenter and not e.is_bot and e.bytes_requested >= e.bytes_needed
    }
    assert len(hosted_apps) > 10  # whole-file requests that only rule 6 keeps out
    assert not hosted_apps & {(e.episode_id, e.listener) for e in opawg_day if not e.from_datacenter}


def test_grouped_counts_in_sql_add_up_to_the_python_rules_per_episode_and_app(opawg_day):
    from collections import Counter

    sql, params = counting.download_counts(opawg_day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        grouped = Counter()
        for episode_id, _show, _published, app, device, os, count in cursor.fetchall():
            grouped[(episode_id, app, device, os)] += count

    assert grouped == Counter(counting.downloads_in_python(list(opawg_day)))


def test_rollup_of_the_opawg_day_matches_the_python_rules(opawg_day):
    from collections import Counter

    rollup_day(DAY)

    by_episode = Counter(episode_id for episode_id, *_ in counting.downloads_in_python(list(opawg_day)))
    assert dict(EpisodeDay.objects.filter(day=DAY).values_list("episode_id", "downloads")) == by_episode
