"""The import in the background: live progress, skipped reasons, cancelling, running again."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from episodes.imports import tasks as import_tasks
from episodes.imports.models import ImportJob
from episodes.models import Episode, Show
from episodes.notify.models import Delivery, WebhookEndpoint
from tests.factories import rss_document, rss_item
from tests.workers import run_worker

URL = "/admin/episodes/show/import-feed/"
FEED = rss_document(
    rss_item("First", guid="p-1", audio_url="https://cdn.example.com/1.mp3"),
    rss_item("No audio", guid="p-2"),
    rss_item("Third", guid="p-3", audio_url="https://cdn.example.com/3.mp3"),
    rss_item("Fourth", guid="p-4", audio_url="https://cdn.example.com/4.mp3"),
    title="Progress Show",
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    return client


def queue_import(client, data=FEED):
    response = client.post(URL, {"feed_file": SimpleUploadedFile("feed.xml", data)})
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"{URL}{job.pk}/"
    return job


def test_queued_import_shows_waiting_progress_and_changes_nothing(admin_client):
    job = queue_import(admin_client)

    page = admin_client.get(f"{URL}{job.pk}/")
    progress = admin_client.get(f"{URL}{job.pk}/progress/").json()

    assert 'id="import-progress" data-status="queued"' in page.content.decode()
    assert '<script id="import-progress-url" type="application/json">' in page.content.decode()
    assert progress == {
        "status": "queued",
        "status_display": "Waiting for a worker",
        "done": 0,
        "total": None,
        "current": "",
        "counts": {},
        "skipped": [],
        "finished": False,
        "error": "",
    }
    assert (Show.objects.count(), Episode.objects.count()) == (0, 0)


def test_progress_page_follows_the_import_item_by_item(admin_client, monkeypatch):
    monkeypatch.setattr(import_tasks, "PROGRESS_EVERY", 0)
    job = queue_import(admin_client)
    seen = []
    real_call = import_tasks.Progress.__call__

    def watching(self, index, total, outcome, title):
        real_call(self, index, total, outcome, title)
        seen.append(admin_client.get(f"{URL}{job.pk}/progress/").json())

    monkeypatch.setattr(import_tasks.Progress, "__call__", watching)
    run_worker()

    assert [(p["status"], p["done"], p["total"], p["current"]) for p in seen] == [
        ("running", 1, 4, "First"),
        ("running", 2, 4, "No audio"),
        ("running", 3, 4, "Third"),
        ("running", 4, 4, "Fourth"),
    ]
    assert seen[1]["skipped"] == [["No audio", "no enclosure (audio URL)"]]
    assert seen[3]["counts"] == {"created": 3, "skipped": 1}
    report = admin_client.get(f"{URL}{job.pk}/")
    assert report.context["report"]["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 1}
    assert '<ul class="import-skipped-items">' in report.content.decode()
    assert "import-progress.js" not in report.content.decode()


def test_cancelled_import_keeps_nothing(admin_client, monkeypatch):
    monkeypatch.setattr(import_tasks, "PROGRESS_EVERY", 0)
    job = queue_import(admin_client)
    real_call = import_tasks.Progress.__call__

    def cancel_after_two(self, index, total, outcome, title):
        if index == 2:
            assert admin_client.post(f"{URL}{job.pk}/cancel/").status_code == 302
        real_call(self, index, total, outcome, title)

    monkeypatch.setattr(import_tasks.Progress, "__call__", cancel_after_two)
    run_worker()

    job.refresh_from_db()
    assert (job.status, job.error) == ("cancelled", "The import was cancelled. Nothing was imported.")
    assert (Show.objects.count(), Episode.objects.count()) == (0, 0)
    assert job.feed_data == b""
    page = admin_client.get(f"{URL}{job.pk}/").content.decode()
    assert "Cancelled: nothing was imported" in page


def test_import_job_run_again_after_it_ended_changes_nothing(admin_client):
    job = queue_import(admin_client)
    run_worker()
    first = ImportJob.objects.get(pk=job.pk)

    assert import_tasks.import_job.call(job.pk) == "finished"
    again = ImportJob.objects.get(pk=job.pk)
    assert (again.finished_at, Episode.objects.count()) == (first.finished_at, 3)


def test_import_finished_webhook_goes_to_endpoints_for_all_shows(admin_client):
    hook = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/in", events=[WebhookEndpoint.IMPORT_FINISHED], all_shows=True
    )
    job = queue_import(admin_client)
    run_worker()

    delivery = Delivery.objects.get(endpoint=hook)
    import json

    payload = json.loads(delivery.body)
    assert payload["type"] == "import.finished"
    assert payload["data"]["import"]["status"] == "finished"
    assert payload["data"]["import"]["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 1}
    assert payload["data"]["show"]["slug"] == "progress-show"
    assert payload["data"]["import"]["id"] == job.pk


def test_command_line_import_keeps_its_live_lines(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED)
    out = StringIO()
    call_command("importfeed", str(feed), stdout=out)

    assert out.getvalue().splitlines()[:4] == [
        "[1/4] created: First",
        "[2/4] skipped: No audio",
        "[3/4] created: Third",
        "[4/4] created: Fourth",
    ]
