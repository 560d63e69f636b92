"""The rich-text editor's uploads: images only, stored per show, browsed per team, CSRF-protected."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from episodes.models import Episode, Team
from tests.factories import image_upload, make_episode, make_show, make_user

pytestmark = pytest.mark.django_db

CK_TOKEN = "a" * 40


@pytest.fixture
def shows():
    return make_show(title="Alpha", slug="alpha"), make_show(title="Bravo", slug="bravo")


def editor_client(user, csrf_checks=False):
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def upload(client, show=None, file=None, token=CK_TOKEN, **extra):
    url = reverse("ckeditor_upload") + (f"?show={show.pk}" if show else "")
    client.cookies["ckCsrfToken"] = CK_TOKEN
    data = {"upload": file or image_upload("photo.png", size=(40, 30)), "ckCsrfToken": token}
    return client.post(url, data, **extra)


def stored_files(media_root):
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def test_upload_stores_image_in_show_folder(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer, csrf_checks=True), shows[0])

    body = json.loads(response.content)
    assert (response.status_code, body["uploaded"]) == (200, 1)
    assert re.fullmatch(r"[0-9a-f]{32}\.png", body["fileName"])
    assert re.fullmatch(r"/media/editor-uploads/alpha/\d{4}/\d{2}/[0-9a-f]{32}\.png", body["url"])
    assert [f for f in stored_files(media_root) if not f.endswith("_thumb.png")] == [
        body["url"].removeprefix("/media/")
    ]


def test_upload_for_other_show_answers_404_and_stores_nothing(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer), shows[1])

    assert response.status_code == 404
    assert stored_files(media_root) == []


def test_upload_without_show_uses_the_only_show_of_the_user(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer))

    assert json.loads(response.content)["url"].startswith("/media/editor-uploads/alpha/")


def test_upload_of_non_image_is_refused_with_message(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])
    text = SimpleUploadedFile("notes.png", b"not an image", "image/png")

    response = upload(editor_client(producer), shows[0], file=text)

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "uploaded": 0,
        "error": {"message": "This file is not an image we can read."},
    }
    assert stored_files(media_root) == []


def test_upload_from_image_dialog_answers_with_editor_callback(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])
    url = reverse("ckeditor_upload") + f"?show={shows[0].pk}&CKEditorFuncNum=3&CKEditor=id_show_notes"
    client = editor_client(producer)
    client.cookies["ckCsrfToken"] = CK_TOKEN

    response = client.post(
        url, {"upload": SimpleUploadedFile("x.png", b"nope", "image/png"), "ckCsrfToken": CK_TOKEN}
    )

    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert response.content.decode() == (
        f'<script nonce="{nonce}">window.parent.CKEDITOR.tools.callFunction("3", "", '
        '"This file is not an image we can read.");</script>'
    )
    # The answer is read in a frame of the admin page, and nowhere else.
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"].split("; ")
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_upload_without_csrf_token_is_refused(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer, csrf_checks=True), shows[0], token="b" * 40)

    assert response.status_code == 400
    assert json.loads(response.content)["error"]["message"] == (
        "The upload was refused (CSRF check failed). Reload the page."
    )
    assert stored_files(media_root) == []


def test_upload_from_another_origin_is_refused(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer), shows[0], HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 400
    assert stored_files(media_root) == []


def test_upload_by_anonymous_redirects_to_login(shows, media_root):
    response = upload(Client(), shows[0])

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")
    assert stored_files(media_root) == []


def test_upload_by_staff_without_team_answers_404(shows, media_root):
    response = upload(editor_client(make_user()), shows[0])

    assert response.status_code == 404
    assert stored_files(media_root) == []


def test_browse_lists_only_files_of_own_shows(shows, media_root):
    alpha_producer = make_user(role=Team.PRODUCER, shows=[shows[0]])
    bravo_producer = make_user(role=Team.PRODUCER, shows=[shows[1]])
    alpha = upload(editor_client(alpha_producer), shows[0], file=image_upload("a.png", size=(20, 20)))
    bravo = upload(editor_client(bravo_producer), shows[1], file=image_upload("b.png", size=(20, 20)))
    alpha_name, bravo_name = (json.loads(r.content)["fileName"] for r in (alpha, bravo))

    response = editor_client(alpha_producer).get(reverse("ckeditor_browse"))

    assert [f["visible_filename"] for f in response.context["files"]] == [alpha_name]
    assert bravo_name.removesuffix(".png") not in response.content.decode()


def test_browse_by_staff_without_team_answers_404(shows):
    assert editor_client(make_user()).get(reverse("ckeditor_browse")).status_code == 404


def test_editor_in_episode_form_uploads_to_the_episode_show(shows):
    producer = make_user(role=Team.PRODUCER, shows=shows)
    episode = make_episode(shows[1], status=Episode.DRAFT)

    response = editor_client(producer).get(reverse("admin:episodes_episode_change", args=[episode.pk]))

    config = response.context["adminform"].form.fields["show_notes"].widget.config
    assert config["filebrowserUploadUrl"] == f"/ckeditor/upload/?show={shows[1].pk}"
    assert config["filebrowserBrowseUrl"] == f"/ckeditor/browse/?show={shows[1].pk}"


def test_upload_is_stored_under_a_name_nobody_can_guess(shows, media_root):
    # Draft notes' images are public files: the name they were uploaded with must not find them.
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    urls = [
        json.loads(upload(editor_client(producer), shows[0], file=image_upload("guest.png")).content)["url"]
        for _ in range(2)
    ]

    assert "guest" not in "".join(urls)
    assert urls[0] != urls[1]


def test_upload_is_stored_with_the_extension_of_its_real_format(shows, media_root):
    producer = make_user(role=Team.PRODUCER, shows=[shows[0]])

    response = upload(editor_client(producer), shows[0], file=image_upload("page.html", size=(10, 10)))

    url = json.loads(response.content)["url"]
    assert re.fullmatch(r"/media/editor-uploads/alpha/\d{4}/\d{2}/[0-9a-f]{32}\.png", url)
    assert [f for f in stored_files(media_root) if "thumb" not in f] == [url.removeprefix("/media/")]
