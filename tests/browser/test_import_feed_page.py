"""The admin's feed import page in Debian's Chromium: upload a feed, read the summary."""

import os

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import sync_playwright

from episodes.models import Episode
from tests.factories import rss_document, rss_item

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
ARTIFACTS = "test-artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_admin_imports_a_feed_file_in_the_browser(live_server, tmp_path):
    User.objects.create_superuser("boss", "boss@example.com", "a-long-browser-password")
    feed = tmp_path / "old-host-feed.xml"
    feed.write_bytes(
        rss_document(
            rss_item(
                "Pilot", guid="b-1", audio_url="https://cdn.example.com/1.mp3", itunes__duration="31:05"
            ),
            rss_item("Second", guid="b-2", audio_url="https://cdn.example.com/2.mp3"),
            rss_item("Missing audio", guid="b-3"),
            title="Browser Imported Show",
        )
    )
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/show/import-feed/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", "a-long-browser-password")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/episodes/show/import-feed/")
        assert page.locator("h1").inner_text() == "Import a show from its feed"
        page.screenshot(path=f"{ARTIFACTS}/import-feed-form.png", full_page=True)

        page.set_input_files("#id_feed_file", str(feed))
        page.click("input[type=submit][value=Import]")
        page.wait_for_selector("#import-summary")

        assert page.locator("#import-summary h2").inner_text() == (
            "Imported “Browser Imported Show” (browser-imported-show)"
        )
        assert page.locator("td.import-created").inner_text() == "2"
        assert page.locator("td.import-skipped").inner_text() == "1"
        assert page.locator("ul.import-skipped-items li").all_inner_texts() == [
            "“Missing audio”: no enclosure (audio URL)"
        ]
        page.screenshot(path=f"{ARTIFACTS}/import-feed-summary.png", full_page=True)
        browser.close()

    assert list(Episode.objects.order_by("guid").values_list("guid", "duration")) == [
        ("b-1", 1865),
        ("b-2", None),
    ]
