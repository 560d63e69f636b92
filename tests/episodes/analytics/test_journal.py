"""The journal in one process: what a line holds, the loader's exactly-once, and failing storage."""

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from episodes.analytics import journal, recorder
from episodes.analytics.models import DownloadEvent, EpisodeDay, JournalFile, ListenerSalt
from episodes.analytics.rollup import rollup_day
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

APP = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"


@pytest.fixture
def journal_dir(settings, tmp_path):
    directory = tmp_path / "journal"
    settings.PODCASTCMS_ANALYTICS_JOURNAL = str(directory)
    journal.writer.close()
    yield directory
    journal.writer.close()


@pytest.fixture
def episode():
    return make_episode(audio=3)


def fetch(episode, address="203.0.113.7", **headers):
    response = Client(HTTP_USER_AGENT=APP, REMOTE_ADDR=address).get(episode.enclosure_url, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def journal_lines(directory):
    return [
        json.loads(line)
        for path in sorted(directory.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_counted_request_is_journaled_and_reaches_the_database_when_loaded(journal_dir, episode):
    fetch(episode)

    assert DownloadEvent.objects.count() == 0
    lines = journal_lines(journal_dir)
    assert [(line["episode_id"], line["show_id"], line["app"]) for line in lines] == [
        (episode.pk, episode.show_id, "Overcast")
    ]
    assert journal.load() == {"events": 1, "skipped": 0, "files": 0}  # the file is still ours
    event = DownloadEvent.objects.get()
    assert (event.episode_id, event.app, event.bytes_requested) == (
        episode.pk,
        "Overcast",
        episode.audio_size,
    )
    assert event.listener == lines[0]["listener"]


def test_journal_line_holds_neither_address_nor_user_agent_nor_salt(journal_dir, episode):
    fetch(episode, address="198.51.100.23")

    raw = "".join(p.read_text(encoding="utf-8") for p in journal_dir.glob("*.jsonl"))
    salt = ListenerSalt.objects.get().salt
    assert ("198.51.100.23" in raw, "Overcast/3.0" in raw, salt in raw) == (False, False, False)
    assert set(json.loads(raw)) == set(recorder.EVENT_COLUMNS)


def test_loading_twice_inserts_each_line_once(journal_dir, episode):
    fetch(episode)
    fetch(episode, address="203.0.113.8")
    journal.load()
    fetch(episode, address="203.0.113.9")

    assert journal.load()["events"] == 1
    assert journal.load()["events"] == 0
    assert DownloadEvent.objects.count() == 3


def test_finished_file_is_loaded_then_deleted_with_its_offset(journal_dir, episode):
    fetch(episode)
    journal.writer.close()  # as a process that exits, or is killed, releases its lock

    assert journal.load() == {"events": 1, "skipped": 0, "files": 1}
    assert (list(journal_dir.glob("*.jsonl")), JournalFile.objects.count()) == ([], 0)
    assert DownloadEvent.objects.count() == 1


def test_process_starts_a_new_file_after_the_rotation_interval(journal_dir, episode, settings):
    settings.PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS = 0
    fetch(episode)
    fetch(episode, address="203.0.113.8")

    assert len(list(journal_dir.glob("*.jsonl"))) == 2
    assert journal.load() == {"events": 2, "skipped": 0, "files": 1}  # the older one is finished
    assert len(list(journal_dir.glob("*.jsonl"))) == 1


def test_unfinished_last_line_waits_and_a_garbled_line_is_skipped(journal_dir, episode):
    fetch(episode)
    journal.writer.close()
    path = next(journal_dir.glob("*.jsonl"))
    good = path.read_bytes()
    other = journal_dir / "otherhost-1-1-000001.jsonl"
    other.write_bytes(good + b"not json\n" + good[:40])  # a torn last line: its writer died mid-write

    assert journal.load() == {"events": 2, "skipped": 1, "files": 2}
    assert DownloadEvent.objects.count() == 2


def test_loader_recorded_offset_survives_a_failed_insert(journal_dir, episode):
    fetch(episode)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE episodes_downloadevent RENAME TO episodes_downloadevent_away")
    try:
        with pytest.raises(Exception):  # noqa: B017 - whichever error the database raises
            journal.load()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE episodes_downloadevent_away RENAME TO episodes_downloadevent")

    assert JournalFile.objects.filter(offset__gt=0).count() == 0
    assert journal.load()["events"] == 1


def test_enclosure_is_served_when_the_journal_cannot_be_written_and_the_event_is_buffered(
    journal_dir, episode, settings, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.PODCASTCMS_ANALYTICS_JOURNAL = str(blocker / "journal")

    response, body = fetch(episode, Range="bytes=0-99")

    assert (response.status_code, len(body)) == (206, 100)
    assert DownloadEvent.objects.count() == 1  # the in-memory buffer took it (BATCH is 1 in tests)


def test_enclosure_is_served_when_neither_journal_nor_events_table_can_be_written(
    journal_dir, episode, settings, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.PODCASTCMS_ANALYTICS_JOURNAL = str(blocker / "journal")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE episodes_downloadevent RENAME TO episodes_downloadevent_away")
    try:
        response, body = fetch(episode)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE episodes_downloadevent_away RENAME TO episodes_downloadevent")

    assert (response.status_code, body) == (200, episode.audio.open("rb").read())
    assert DownloadEvent.objects.count() == 0


def test_journaled_downloads_roll_up_like_written_ones(journal_dir, episode):
    for n in range(5):
        fetch(episode, address=f"203.0.113.{n + 1}")
    fetch(episode, address="203.0.113.1", Range="bytes=0-1")
    journal.load()

    today = datetime.now(UTC).date()
    rollup_day(today)
    assert EpisodeDay.objects.get(episode=episode, day=today).downloads == 5


def test_salts_are_made_a_day_ahead(journal_dir):
    now = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    recorder.prepare_salts(now)
    recorder.prepare_salts(now)

    days = list(ListenerSalt.objects.order_by("day").values_list("day", flat=True))
    assert days == [now.date(), now.date() + timedelta(days=1)]


def test_forked_process_writes_a_file_of_its_own(journal_dir, episode):
    fetch(episode)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: as a gunicorn worker forked from a master that had written
        try:
            event = recorder.download_event(_request(), episode, None, episode.audio_size)
            ok = journal.writer.append(journal.encode(event, recorder.EVENT_COLUMNS))
            os.write(write, str(journal.writer.path.name if ok else "").encode())
        finally:
            os._exit(0)
    os.close(write)
    child_file = os.read(read, 500).decode()
    os.waitpid(pid, 0)

    names = sorted(p.name for p in journal_dir.glob("*.jsonl"))
    assert len(names) == 2
    assert f"-{pid}-" in child_file
    assert child_file in names


def _request():
    from django.test import RequestFactory

    return RequestFactory().get("/", HTTP_USER_AGENT=APP, REMOTE_ADDR="203.0.113.50")


def test_load_command_reports_each_file_as_it_goes(journal_dir, episode, settings):
    import io

    from django.core.management import call_command

    settings.PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS = 0
    fetch(episode)
    fetch(episode, address="203.0.113.8")
    older, newer = sorted(path.name for path in journal_dir.glob("*.jsonl"))
    out = io.StringIO()

    call_command("load_download_events", stdout=out)

    assert out.getvalue().splitlines() == [
        f"[1/2] {older}: 1 events loaded so far",
        f"[2/2] {newer}: 2 events loaded so far",
        "Loaded 2 download events; 1 finished journal files deleted.",
    ]
