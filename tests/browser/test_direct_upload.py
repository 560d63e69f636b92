"""With object storage, Chromium sends the audio straight to the bucket (a presigned POST).

The bucket is a real S3-compatible server on 127.0.0.1 (moto's server, which answers CORS).
"""

import pytest
from playwright.sync_api import expect

from episodes.audio import tone_mp3
from episodes.models import Episode, Team
from tests.episodes.test_direct_upload_s3 import s3, s3_server  # noqa: F401 - fixtures
from tests.factories import make_show, make_user

pytestmark = pytest.mark.browser


def test_audio_goes_straight_to_the_bucket_with_progress(live_server, page, screenshot, s3, tmp_path):  # noqa: F811
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    make_user("producer", role=Team.PRODUCER, shows=[show])
    audio = tmp_path / "Direct mix.mp3"
    audio.write_bytes(tone_mp3(12))
    bucket_posts = []
    page.on(
        "request",
        lambda r: bucket_posts.append(r.url) if r.method == "POST" and r.url.startswith(s3) else None,
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/episode/add/")
    page.fill("#id_username", "producer")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.locator("#id_title").press_sequentially("Straight To The Bucket")
    page.fill("#id_summary", "Uploaded without passing through the app.")
    page.set_input_files("#id_audio", str(audio))

    expect(page.locator(".audio-status")).to_contain_text("Uploaded: Direct mix.mp3 · 0:12")
    page.locator(".audio-upload").scroll_into_view_if_needed()
    screenshot("editorial-direct-upload", full_page=False)
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    episode = Episode.objects.get(slug="straight-to-the-bucket")
    assert bucket_posts == [f"{s3}/podcast-media"]
    assert (episode.audio_original_name, episode.duration) == ("Direct mix.mp3", 12)
    assert episode.audio.name.startswith("shows/podcast-init/episodes/audio/")
