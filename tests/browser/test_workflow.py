"""A producer drafts and previews, an editor publishes, the public reads: in a real browser.

Runs against the project's episode admin (Django's standard admin markup: field ids such as
``id_title``, inline prefixes named after the related names ``credits`` and ``sponsor_reads``,
select2 autocomplete, the workflow actions of ``episodes.admin.actions``).
"""

import pytest

from episodes.audio import tone_mp3
from episodes.models import Episode, Team
from podcastcms.sanitize import html_to_text
from tests.factories import make_campaign, make_person, make_show, team_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


def inline_row(page, prefix):
    """The first form of an inline, adding one when the inline shows no empty form."""
    field = page.locator(f"[name='{prefix}-0-id']")
    if field.count() == 0:
        page.locator(f"#{prefix}-group .add-row a").click()
    return f"{prefix}-0"


def choose(page, field_id, search, label):
    """Pick ``label`` in a foreign key field: by select2 autocomplete, or a plain select."""
    container = page.locator(f"#{field_id} + .select2-container, #{field_id} ~ .select2")
    if page.locator(f"#{field_id}").evaluate("el => el.tagName") != "SELECT":
        return  # a single choice shown as text: nothing to pick
    if container.count():
        container.first.click()
        page.locator(".select2-container--open .select2-search__field").fill(search)
        page.locator(".select2-results__option", has_text=label).first.click()
    else:
        page.select_option(f"#{field_id}", label=label)


def run_action(page, live_server, episode, action):
    page.goto(f"{live_server.url}/admin/episodes/episode/")
    page.check(f"input[name='_selected_action'][value='{episode.pk}']")
    options = page.locator("select[name='action'] option").evaluate_all("els => els.map(e => e.value)")
    if action not in options:
        return None
    page.select_option("select[name='action']", action)
    page.click("button[name='index']")
    page.wait_for_load_state()
    return page.locator("ul.messagelist").inner_text()


def test_producer_drafts_and_previews_editor_publishes_public_reads(
    live_server, new_page, screenshot, tmp_path
):
    show = make_show(slug="podcast-init", title="Podcast.__init__")
    make_person(name="Adam Paszke", slug="adam-paszke")
    make_person(name="Adam Smith", slug="adam-smith")
    campaign = make_campaign(show, name="Linode spring", read_copy="<p>Go to linode.com/podcastinit</p>")
    producer = team_member(Team.PRODUCER, show, username="producer", password=PASSWORD)
    editor = team_member(Team.EDITOR, show, username="editor", password=PASSWORD)
    audio = tmp_path / "episode-202.mp3"
    audio.write_bytes(tone_mp3(3))

    # The producer drafts the episode.
    page = log_in(new_page(), live_server, producer.username)
    page.goto(f"{live_server.url}/admin/episodes/episode/add/")
    choose(page, "id_show", show.title, show.title)
    page.fill("#id_title", "PyTorch: Fast Differentiable Dynamic Graphs In Python")
    # Leaving the title fills the slug from it (the admin's prepopulated field); then replace it.
    page.locator("#id_title").press("Tab")
    page.fill("#id_slug", "pytorch-episode-202")
    page.fill("#id_summary", "An interview with Adam Paszke about PyTorch.")
    page.frame_locator("#cke_id_show_notes iframe").locator("body").click()
    page.keyboard.type("How did you get involved with PyTorch?")
    page.set_input_files("#id_audio", str(audio))
    credit_row = inline_row(page, "credits")
    choose(page, f"id_{credit_row}-person", "Pasz", "Adam Paszke")
    page.select_option(f"#id_{credit_row}-role", "guest")
    read_row = inline_row(page, "sponsor_reads")
    choose(page, f"id_{read_row}-campaign", "Linode", str(campaign))
    screenshot("workflow-1-producer-draft", page)
    page.click("input[name='_save']")
    page.wait_for_selector("ul.messagelist, .errornote")
    assert page.locator(".errornote, .errorlist").all_inner_texts() == []
    episode = Episode.objects.get(slug="pytorch-episode-202")
    assert (episode.status, episode.show) == (Episode.DRAFT, show)
    assert [(c.person.name, c.role) for c in episode.credits.all()] == [("Adam Paszke", "guest")]
    assert [r.campaign for r in episode.sponsor_reads.all()] == [campaign]
    assert html_to_text(episode.show_notes).strip() == "How did you get involved with PyTorch?"
    assert (episode.duration, episode.audio_mime_type) == (3, "audio/mpeg")

    # … opens the preview from the episode's admin page …
    page.goto(f"{live_server.url}/admin/episodes/episode/{episode.pk}/change/")
    preview_href = page.locator("a[href*='/preview/']").first.get_attribute("href")
    # A guest with no account opens it (a fresh browser context: no session cookie).
    preview = new_page()
    preview.goto(live_server.url + preview_href)
    assert preview.get_by_role("heading", name=episode.title, exact=True).count() == 1
    assert preview.locator("meta[name='robots']").get_attribute("content").startswith("noindex")
    assert "Adam Paszke" in preview.content()
    # The draft's audio plays in the preview's player.
    # The player preloads nothing; ask it for the metadata as a listener pressing play would.
    duration = preview.locator("audio").first.evaluate(
        "audio => new Promise((done, fail) => {"
        " audio.addEventListener('loadedmetadata', () => done(audio.duration));"
        " audio.addEventListener('error', () => fail(new Error('audio failed to load')));"
        " setTimeout(() => fail(new Error('no audio metadata after 10 s')), 10000);"
        " audio.preload = 'metadata'; audio.load(); })"
    )
    assert round(duration) == 3
    screenshot("workflow-2-preview", preview)
    preview.context.close()

    # … and cannot publish it.
    message = run_action(page, live_server, episode, "publish_now")
    screenshot("workflow-3-producer-cannot-publish", page)
    episode.refresh_from_db()
    assert episode.status == Episode.DRAFT
    assert message is None  # publishing is not among a producer's actions
    page.context.close()

    # The editor publishes it.
    page = log_in(new_page(), live_server, editor.username)
    message = run_action(page, live_server, episode, "publish_now")
    screenshot("workflow-4-editor-published", page)
    assert message == f"Published: “{episode.title}”."
    episode.refresh_from_db()
    assert (episode.status, episode.published_by) == (Episode.PUBLISHED, editor)
    page.context.close()

    # The preview link died with the draft; an anonymous visitor reads the public page.
    visitor = new_page({"width": 390, "height": 844})
    assert visitor.goto(live_server.url + preview_href).status == 404
    visitor.goto(f"{live_server.url}/shows/podcast-init/pytorch-episode-202/")
    assert visitor.get_by_role("heading", name=episode.title, exact=True).count() == 1
    assert "Adam Paszke" in visitor.content()
    assert "linode.com/podcastinit" in visitor.content()
    assert visitor.locator("meta[name='robots']").count() == 0
    screenshot("workflow-5-public-page", visitor)
