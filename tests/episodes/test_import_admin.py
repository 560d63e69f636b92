"""The admin page that imports a feed: network admins only, a summary after the import."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from episodes.imports.models import ImportJob
from episodes.models import Episode, Show, Team
from tests.factories import make_show, make_user, rss_document, rss_item
from tests.workers import run_worker

URL = "/admin/episodes/show/import-feed/"
FEED = rss_document(
    rss_item("Admin one", guid="a-1", audio_url="https://cdn.example.com/1.mp3"),
    rss_item("Admin two", guid="a-2", audio_url="https://cdn.example.com/2.mp3"),
    title="Uploaded Show",
)


def upload(data=FEED, name="feed.xml"):
    return SimpleUploadedFile(name, data, content_type="application/rss+xml")


def import_through_admin(client, data):
    """Post the form, let the worker run the import, and open the job's page."""
    queued = client.post(URL, data)
    job = ImportJob.objects.latest("pk")
    assert (queued.status_code, queued["Location"]) == (302, f"{URL}{job.pk}/")
    run_worker()
    return client.get(queued["Location"])


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("boss", "boss@example.com", None)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_import_page_shows_the_form_to_a_superuser(client, superuser):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/episodes/import_feed.html"
    assert list(response.context["form"].fields) == ["feed_file", "feed_url", "show", "allow_locked"]
    assert b"<h1>Import a show from its feed</h1>" in response.content


@pytest.mark.django_db
def test_uploading_a_feed_imports_it_and_shows_the_summary(client, superuser):
    response = import_through_admin(client, {"feed_file": upload()})

    assert response.status_code == 200
    report = response.context["report"]
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    content = response.content.decode()
    assert "Imported “Uploaded Show” (uploaded-show)" in content
    assert '<td class="import-created">2</td>' in content
    assert response.context["item_log"] == [["1/2", "created", "Admin one"], ["2/2", "created", "Admin two"]]
    assert '<li class="import-item import-item--created">[2/2] created: Admin two</li>' in content
    assert list(Episode.objects.order_by("guid").values_list("guid", "show__slug")) == [
        ("a-1", "uploaded-show"),
        ("a-2", "uploaded-show"),
    ]

    again = import_through_admin(client, {"feed_file": upload()})
    assert '<td class="import-unchanged">2</td>' in again.content.decode()
    assert [outcome for _, outcome, _ in again.context["item_log"]] == ["unchanged", "unchanged"]
    assert Episode.objects.count() == 2


@pytest.mark.django_db
def test_upload_into_a_chosen_show(client, superuser):
    show = make_show(title="Chosen", slug="chosen")

    import_through_admin(client, {"feed_file": upload(), "show": show.pk})

    assert list(Episode.objects.values_list("show__slug", flat=True)) == ["chosen", "chosen"]
    assert Show.objects.count() == 1


@pytest.mark.django_db
def test_locked_feed_needs_the_owner_checkbox(client, superuser):
    locked = rss_document(
        rss_item("Locked one", guid="k-1", audio_url="https://cdn.example.com/1.mp3"),
        channel_extra='<podcast:locked owner="me@example.com">yes</podcast:locked>',
    )

    refused = import_through_admin(client, {"feed_file": upload(locked)})

    assert refused.status_code == 200
    assert refused.context["job"].status == ImportJob.FAILED
    assert refused.context["job"].error == (
        "This feed is locked (podcast:locked yes, owner me@example.com): its owner does not allow other "
        "platforms to import it. Import it only if you own it, confirming that you do. Nothing was imported."
    )
    assert "Failed: nothing was imported" in refused.content.decode()
    assert (Show.objects.count(), Episode.objects.count()) == (0, 0)

    allowed = import_through_admin(client, {"feed_file": upload(locked), "allow_locked": "on"})
    assert allowed.context["item_log"] == [["1/1", "created", "Locked one"]]


@pytest.mark.django_db
def test_form_needs_exactly_one_source_and_reports_unreadable_feeds(client, superuser):
    neither = client.post(URL, {})
    assert neither.context["form"].non_field_errors() == [
        "Upload a feed file or give a feed URL (one of the two)."
    ]

    both = client.post(URL, {"feed_file": upload(), "feed_url": "https://old.example.com/feed.xml"})
    assert both.context["form"].non_field_errors() == [
        "Upload a feed file or give a feed URL (one of the two)."
    ]

    html = import_through_admin(client, {"feed_file": upload(b"<html><body>hi</body></html>", "page.html")})
    assert (
        html.context["job"].error
        == "This is not a feed that can be read: it is an HTML page. Nothing was imported."
    )
    assert Show.objects.count() == 0


@pytest.mark.django_db
def test_import_page_is_for_network_admins_only(client):
    make_show(slug="theirs")
    producer = User.objects.create_user("producer", is_staff=True)
    Team.objects.create(name="Producers", role=Team.PRODUCER, all_shows=True).members.add(producer)
    editor = User.objects.create_user("editor", is_staff=True)
    Team.objects.create(name="Editors", role=Team.EDITOR, all_shows=True).members.add(editor)

    anonymous = client.get(URL)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/admin/login/?next={URL}")
    for user in (producer, editor):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"feed_file": upload()}).status_code == 403
    assert Episode.objects.count() == 0

    admin = User.objects.create_user("netadmin", is_staff=True)
    Team.objects.create(name="Network", role=Team.NETWORK_ADMIN, all_shows=True).members.add(admin)
    client.force_login(admin)
    assert import_through_admin(client, {"feed_file": upload()}).context["report"]["counts"]["created"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:9/feed.xml", "127.0.0.1"),
        ("http://localhost:9/feed.xml", "127.0.0.1"),
        ("http://10.1.2.3/feed.xml", "10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ],
)
def test_feed_url_to_a_non_public_address_is_not_fetched(client, superuser, url, address):
    response = client.post(URL, {"feed_url": url})

    errors = response.context["form"].non_field_errors()
    assert errors[0].startswith(f"The feed URL points to a non-public address ({address}")
    assert Show.objects.count() == 0


@pytest.mark.django_db
def test_show_list_links_the_import_page_for_network_admins_only(client):
    show = make_show()
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    editor = make_user(role=Team.EDITOR, shows=[show])
    link = '<a href="/admin/episodes/show/import-feed/" class="addlink">Import a feed</a>'

    client.force_login(admin_user)
    as_admin = client.get("/admin/episodes/show/").content.decode()
    client.force_login(editor)
    as_editor = client.get("/admin/episodes/show/").content.decode()

    assert as_admin.count(link) == 1
    assert as_editor.count(link) == 0


@pytest.mark.django_db
def test_admin_import_follows_pages_and_lists_them(client, superuser, tmp_path, feed_server, monkeypatch):
    from episodes.imports import feedreader
    from episodes.imports import tasks as import_tasks
    from episodes.imports.models import ImportJob
    from tests.episodes.test_import_sources import paged

    # The test's feed host is on 127.0.0.1, which the import refuses for real users' URLs.
    monkeypatch.setattr(feedreader, "is_public_address", lambda address: True)
    url = paged(tmp_path, feed_server, 3, next_of={3: f"{feed_server}/page1.xml"})

    client.post(URL, {"feed_url": url})
    job = ImportJob.objects.get()
    assert import_tasks.import_job.call(job.pk) == "finished"
    content = client.get(f"{URL}{job.pk}/").content.decode()

    assert ImportJob.objects.get().report["counts"]["created"] == 6
    assert '<ol id="import-pages">' in content
    assert f'<li class="import-page">Page 2 ({feed_server}/page2.xml): 2 items</li>' in content
    assert (
        f'<li class="import-page">Page 4 ({feed_server}/page1.xml): already read: '
        "the pages loop, so the import stopped here.</li>"
    ) in content


@pytest.mark.django_db
def test_admin_refuses_a_feed_declaring_entities_and_writes_nothing(client, superuser):
    from episodes.imports import tasks as import_tasks
    from episodes.imports.models import ImportJob

    data = FEED.replace(b"?>\n", b'?>\n<!DOCTYPE rss [<!ENTITY boom "x">]>\n', 1)

    client.post(URL, {"feed_file": upload(data)})
    job = ImportJob.objects.get()
    assert import_tasks.import_job.call(job.pk) == "failed"
    content = client.get(f"{URL}{job.pk}/").content.decode()

    assert "declares XML entities in a DOCTYPE" in content
    assert "Nothing was imported." in content
    assert Show.objects.count() == 0
