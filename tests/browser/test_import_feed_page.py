"""The admin's feed import page in Debian's Chromium: upload a feed, follow its progress, read the report."""

import pytest
from django.contrib.auth.models import User

from episodes.models import Episode
from tests.factories import rss_document, rss_item
from tests.workers import run_worker


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_network_admin_imports_a_feed_file_in_the_browser(live_server, page, screenshot, tmp_path):
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
    page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/show/import-feed/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "a-long-browser-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/episodes/show/import-feed/")
    assert page.locator("h1").inner_text() == "Import a show from its feed"
    screenshot("import-feed-form")

    page.set_input_files("#id_feed_file", str(feed))
    page.click("input[type=submit][value=Import]")
    page.wait_for_selector("#import-progress")
    assert page.locator("#import-status").inner_text() == "Waiting for a worker"
    assert page.locator("#import-count").inner_text() == "0 of ?"
    screenshot("import-feed-progress")

    run_worker()  # the page's script polls, sees the end and reloads on the report
    page.wait_for_selector("#import-summary")

    assert page.locator("#import-summary h2").inner_text() == (
        "Imported “Browser Imported Show” (browser-imported-show)"
    )
    assert page.locator("td.import-created").inner_text() == "2"
    assert page.locator("td.import-skipped").inner_text() == "1"
    assert page.locator("ul.import-skipped-items li").all_inner_texts() == [
        "“Missing audio”: no enclosure (audio URL)"
    ]
    screenshot("import-feed-summary")

    assert list(Episode.objects.order_by("guid").values_list("guid", "duration")) == [
        ("b-1", 1865),
        ("b-2", None),
    ]
