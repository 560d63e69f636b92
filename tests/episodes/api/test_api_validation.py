"""Bad input answers 400 with the field at fault, with the same rules (and words) as the admin."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from episodes.models import Episode
from tests.factories import image_upload, make_campaign, make_episode, mp3_upload, png_bytes

pytestmark = pytest.mark.django_db


def body(**extra):
    return {"show": "alpha", "title": "New", "slug": "new", "summary": "About it.", **extra}


def test_duplicate_slug_in_show_is_an_error_at_slug(world, clients):
    response = clients["producer_a"].post("/api/episodes/", body(slug="draft-a"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input: see errors.",
        "code": "invalid",
        "errors": {"slug": ["Episode with this Show and Slug already exists."]},
    }


def test_non_audio_upload_is_an_error_at_audio(world, clients):
    episode = world["episode_a"]
    upload = SimpleUploadedFile("episode.mp3", b"this is not audio at all" * 50, content_type="audio/mpeg")

    response = clients["producer_a"].patch(
        f"/api/episodes/{episode.pk}/", {"audio": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "audio": ["This file is not MP3 audio: no MPEG audio frame starts at byte 0."]
    }
    assert not Episode.objects.get(pk=episode.pk).audio


def test_audio_with_a_non_audio_extension_is_refused(world, clients):
    upload = SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")

    response = clients["producer_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"audio": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["audio"] == [
        "Upload an audio file (MP3, M4A, AAC, OGG, Opus, FLAC or WAV) "
        "or a video podcast file (MP4, M4V, MOV)."
    ]


def test_audio_upload_reads_duration_size_and_type(world, clients):
    response = clients["producer_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"audio": mp3_upload(seconds=2)}, format="multipart"
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["duration"], data["audio_mime_type"]) == (2, "audio/mpeg")
    assert data["audio_size"] > 0
    episode = Episode.objects.get(pk=world["episode_a"].pk)
    assert data["enclosure_url"] == f"http://testserver{episode.enclosure_url}"


def test_bad_artwork_is_an_error_at_artwork(world, clients):
    broken = SimpleUploadedFile("art.png", png_bytes()[:200], content_type="image/png")

    response = clients["producer_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"artwork": broken}, format="multipart"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["artwork"]
    assert errors["artwork"][0].startswith("This image is damaged or incomplete")


def test_artwork_that_is_not_an_image_is_refused(world, clients):
    response = clients["network_admin"].patch(
        "/api/shows/alpha/",
        {"artwork": SimpleUploadedFile("art.png", b"GIF89a nonsense", content_type="image/png")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"artwork": ["This file is not an image we can read."]}


def test_good_artwork_is_stored(world, clients):
    response = clients["network_admin"].patch(
        "/api/shows/alpha/", {"artwork": image_upload()}, format="multipart"
    )

    assert response.status_code == 200, response.content
    assert response.json()["artwork"].startswith("http://testserver/media/shows/alpha/artwork/")


def test_campaign_not_on_the_show_is_an_error_at_the_read(world, clients):
    response = clients["network_admin"].post(
        "/api/episodes/",
        body(sponsor_reads=[{"campaign": world["campaign_a"].pk}, {"campaign": world["campaign_b"].pk}]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "sponsor_reads.1.campaign": ["This campaign does not run on this show."]
    }
    assert not Episode.objects.filter(slug="new").exists()


def test_campaign_the_user_may_not_see_is_an_unknown_choice(world, clients):
    response = clients["producer_a"].post(
        "/api/episodes/", body(sponsor_reads=[{"campaign": world["campaign_b"].pk}]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "sponsor_reads.0.campaign": [f'Invalid pk "{world["campaign_b"].pk}" - object does not exist.']
    }


def test_campaign_out_of_flight_is_an_error_at_the_read(world, clients):
    ended = make_campaign(
        world["show_a"],
        name="Ended long ago",
        starts_on=timezone.now().date() - timedelta(days=400),
        ends_on=timezone.now().date() - timedelta(days=300),
    )

    response = clients["editor_a"].post(
        "/api/episodes/",
        body(
            status="published",
            external_audio_url="https://cdn.example.com/a.mp3",
            sponsor_reads=[{"campaign": ended.pk}],
        ),
        format="json",
    )

    assert response.status_code == 400
    today = timezone.localdate()
    assert response.json()["errors"] == {
        "non_field_errors": [
            f"The campaign “{ended}” is not in flight on {today:%-d %b %Y}, the day this episode goes out: "
            f"its flight is {ended.flight_display()}. Remove the read, or choose a campaign in flight."
        ]
    }
    assert not Episode.objects.filter(slug="new").exists()


def test_publishing_without_audio_is_an_error_at_audio(world, clients):
    response = clients["editor_a"].patch(
        f"/api/episodes/{make_episode(world['show_a'], status=Episode.DRAFT, external_audio_url='').pk}/",
        {"status": "published"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"audio": ["Upload the audio (or give its URL) before publishing."]}


def test_publication_time_without_published_status_is_refused(world, clients):
    response = clients["editor_a"].patch(
        f"/api/episodes/{world['episode_a'].pk}/", {"published_at": timezone.now().isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "published_at": ["A publication time applies to published episodes: choose Published."]
    }


def test_nested_errors_name_their_place(world, clients):
    response = clients["producer_a"].post(
        "/api/episodes/",
        body(
            credits=[{"person": "alice", "role": "guest"}, {"person": "nobody", "role": "wizard"}],
            links=[{"title": "Fine", "url": "https://example.com/"}, {"title": "Bad", "url": "not a url"}],
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "credits.1.person": ["Object with slug=nobody does not exist."],
        "credits.1.role": ['"wizard" is not a valid choice.'],
        "links.1.url": ["Enter a valid URL."],
    }


def test_duplicate_credit_is_an_error_at_the_second(world, clients):
    response = clients["producer_a"].post(
        "/api/episodes/",
        body(credits=[{"person": "alice", "role": "guest"}, {"person": "alice", "role": "guest"}]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "credits.1.role": ["Credit with this Episode, Person and Role already exists."]
    }


def test_summary_over_4000_bytes_is_refused_with_the_models_message(world, clients):
    response = clients["producer_a"].post("/api/episodes/", body(summary="é" * 2001), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "summary": [
            "This text is too long for podcast apps: 4002 bytes, at most 4000 "
            "(accented letters and emoji count as two to four)."
        ]
    }


def test_show_subcategory_must_belong_to_category(world, clients):
    response = clients["network_admin"].patch(
        "/api/shows/alpha/", {"category": "Technology", "subcategory": "Comedy Interviews"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subcategory"]


def test_campaign_ending_before_it_starts_is_refused(world, clients):
    response = clients["network_admin"].patch(
        f"/api/campaigns/{world['campaign_a'].pk}/",
        {"starts_on": "2026-05-01", "ends_on": "2026-04-01"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_on": ["The campaign must end on or after its first day."]}


def test_transcript_of_the_wrong_type_is_an_error_at_file(world, clients):
    upload = SimpleUploadedFile("t.vtt", b"not webvtt\n", content_type="text/vtt")

    response = clients["producer_a"].post(
        f"/api/episodes/{world['episode_a'].pk}/transcripts/",
        {"file": upload, "mime_type": "text/vtt"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["A WebVTT transcript must start with the line “WEBVTT”."]}


def test_transcript_upload_is_stored(world, clients):
    upload = SimpleUploadedFile("t.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", content_type="text/vtt")

    response = clients["producer_a"].post(
        f"/api/episodes/{world['episode_a'].pk}/transcripts/",
        {"file": upload, "mime_type": "text/vtt"},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["file_url"].startswith("http://testserver/media/transcripts/")
    assert world["episode_a"].transcripts.get().mime_type == "text/vtt"


def test_unsupported_media_type_is_415(world, clients):
    response = clients["producer_a"].generic(
        "POST", "/api/episodes/", "title=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_malformed_json_is_400(world, clients):
    response = clients["producer_a"].generic(
        "POST", "/api/episodes/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


def test_unknown_address_under_api_is_a_json_404(world, clients):
    response = clients["producer_a"].get("/api/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint.", "code": "not_found"}


def test_deleting_a_credited_person_is_refused_with_the_reason(world, clients):
    response = clients["network_admin"].delete("/api/people/bob/")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Still used by 1 credit. Credited people cannot be deleted: the episode's history depends on them."
    )


def test_api_root_links_the_reference_and_the_resources(db):
    from django.test import Client

    response = Client().get("/api/")

    assert response.status_code == 200
    assert response.json()["docs"] == "http://testserver/api/docs/"
    assert response.json()["episodes"] == "http://testserver/api/episodes/"
