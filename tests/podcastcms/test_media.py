"""Uploaded media served by the dev server (DEBUG) can never act as a page of the site."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from podcastcms.media import serve_media


@pytest.fixture
def media(tmp_path):
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "transcripts" / "page.html").write_text("<script>alert(document.cookie)</script>")
    (tmp_path / "art.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


@pytest.mark.parametrize(
    ("path", "content_type"), [("transcripts/page.html", "text/html"), ("art.png", "image/png")]
)
def test_serve_media_sandboxes_every_file(media, path, content_type):
    request = RequestFactory().get(f"/media/{path}")

    response = serve_media(request, path, document_root=media)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_serve_media_answers_404_for_a_missing_file(media):
    with pytest.raises(Http404):
        serve_media(RequestFactory().get("/media/nothing.html"), "nothing.html", document_root=media)
