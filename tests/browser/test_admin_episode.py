"""A producer drafts an episode in the admin with a real browser: CKEditor, autocomplete, upload."""

import re

import pytest
from playwright.sync_api import expect

from episodes.audio import tone_mp3
from episodes.models import Episode, Team
from people.models import Person
from tests.factories import default_host, make_campaign, make_show, make_user, png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_violations(page):
    """Messages of every script, style or frame the Content-Security-Policy blocked on the page."""
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return blocked


def test_producer_drafts_episode_with_editor_autocomplete_and_audio(
    live_server, page, screenshot, tmp_path, csp_violations
):
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    tobias = Person.objects.create(name="Tobias Macey", slug="tobias-macey")
    Person.objects.create(name="Adam Paszke", slug="adam-paszke")
    default_host(show, tobias)
    make_campaign(show, name="Linode")
    make_user("producer", role=Team.PRODUCER, shows=[show])
    audio = tmp_path / "pytorch.mp3"
    audio.write_bytes(tone_mp3(30))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/episode/add/")
    page.fill("#id_username", "producer")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")

    expect(page.locator("h1")).to_have_text("Add episode")
    expect(page.locator("#id_show")).to_have_value(str(show.pk))
    # Typed, not filled: the admin fills the slug in from the title's key events.
    page.locator("#id_title").press_sequentially("The Past, Present, and Future of Deep Learning In PyTorch")
    expect(page.locator("#id_slug")).to_have_value("the-past-present-and-future-of-deep-learning-in-pytorch")
    page.fill("#id_number", "202")
    page.fill("#id_summary", "Adam Paszke explains how he started PyTorch.")
    editor = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    editor.click()
    editor.type("Interview questions for Adam.")
    page.set_input_files("#id_audio", str(audio))

    page.get_by_role("button", name="Add another Credit").click()
    page.locator("#credits-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Ada")
    page.locator(".select2-results__option", has_text="Adam Paszke").click()
    page.select_option("#id_credits-0-role", "guest")
    page.fill("#id_credits-0-order", "1")

    page.get_by_role("button", name="Add another Episode link").click()
    page.fill("#id_links-0-title", "PyTorch")
    page.fill("#id_links-0-url", "https://pytorch.org/")

    page.get_by_role("button", name="Add another Sponsor read").click()
    page.locator("#sponsor_reads-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Lin")
    page.locator(".select2-results__option", has_text="Linode").click()
    screenshot("admin-episode-add")

    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    screenshot("admin-episode-saved")
    episode = Episode.objects.get()
    assert (episode.title, episode.number, episode.status) == (
        "The Past, Present, and Future of Deep Learning In PyTorch",
        202,
        Episode.DRAFT,
    )
    assert episode.show_notes == "<p>Interview questions for Adam.</p>"
    assert (episode.duration, episode.audio_mime_type) == (30, "audio/mpeg")
    assert list(episode.credits.values_list("person__name", "role")) == [
        ("Tobias Macey", "host"),
        ("Adam Paszke", "guest"),
    ]
    assert list(episode.links.values_list("title", "url")) == [("PyTorch", "https://pytorch.org/")]
    assert list(episode.sponsor_reads.values_list("campaign__name", "copy")) == [
        ("Linode", episode.sponsor_reads.get().campaign.read_copy)
    ]

    page.goto(f"{live_server.url}/admin/episodes/episode/{episode.pk}/change/")
    expect(page.locator(".audio-current")).to_have_text(
        re.compile(r"^Current audio: pytorch\.mp3 · 0:30 · [\d.]+ KB · audio/mpeg$")
    )
    expect(page.locator("#id_status option")).to_have_text(["Draft", "Ready for review"])
    screenshot("admin-episode-change")

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#recent-actions-module li")).to_have_text(
        ["Added: The Past, Present, and Future of Deep Learning In PyTorch Episode"]
    )
    screenshot("admin-index")
    # CKEditor, select2 and the admin's own scripts all ran under the site's policy.
    assert csp_violations == []


def test_image_uploaded_from_editor_dialog_is_stored_under_the_show(
    live_server, page, screenshot, tmp_path, media_root, csp_violations
):
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    make_user("producer", role=Team.PRODUCER, shows=[show])
    picture = tmp_path / "diagram.png"
    picture.write_bytes(png_bytes(size=(64, 48)))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/episode/add/")
    page.fill("#id_username", "producer")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.locator("#cke_id_show_notes .cke_button__image").click()
    page.locator(".cke_dialog_tab", has_text="Upload").click()
    page.frame_locator("iframe.cke_dialog_ui_input_file").locator("input[type=file]").set_input_files(
        str(picture)
    )
    page.locator(".cke_dialog_ui_fileButton", has_text="Send it to the Server").click()

    url_field = page.locator(".cke_dialog_ui_input_text input").first
    # The dialog got the URL from the upload answer's script, which runs under its CSP nonce.
    expect(url_field).to_have_value(
        re.compile(r"^/media/editor-uploads/podcast-init/\d{4}/\d{2}/[0-9a-f]{32}\.png$")
    )
    screenshot("admin-editor-image-upload", full_page=False)
    name = url_field.input_value().rsplit("/", 1)[1]
    stored = sorted(p.name for p in (media_root / "editor-uploads" / "podcast-init").rglob("*.png"))
    assert stored == [name, name.replace(".png", "_thumb.png")]
    assert csp_violations == []


def test_image_chosen_from_browse_server_window_reaches_the_editor(
    live_server, page, screenshot, media_root, csp_violations
):
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    make_user("producer", role=Team.PRODUCER, shows=[show])
    folder = media_root / "editor-uploads" / "podcast-init" / "2026" / "12"
    folder.mkdir(parents=True)
    (folder / "0123456789abcdef0123456789abcdef.png").write_bytes(png_bytes(size=(64, 48)))
    (folder / "0123456789abcdef0123456789abcdef_thumb.png").write_bytes(png_bytes(size=(32, 24)))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/episodes/episode/add/")
    page.fill("#id_username", "producer")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.locator("#cke_id_show_notes .cke_button__image").click()
    with page.expect_popup() as popup_info:
        page.get_by_label("Image Info").get_by_label("Browse Server").click()
    browse = popup_info.value
    browse.wait_for_load_state()
    browse_violations = []
    browse.on("console", lambda m: browse_violations.append(m.text) if "Content Security" in m.text else None)
    expect(browse.locator(".browse-grid img")).to_have_js_property("naturalWidth", 32)
    screenshot("admin-editor-browse-server", browse, full_page=False)
    browse.get_by_role("button", name="Embed Image").click()

    expect(page.locator(".cke_dialog_ui_input_text input").first).to_have_value(
        "/media/editor-uploads/podcast-init/2026/12/0123456789abcdef0123456789abcdef.png"
    )
    assert (csp_violations, browse_violations) == ([], [])
