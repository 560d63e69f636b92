"""The producer's and the editor's day in Chromium at 1280 px: rules at save, uploads, home,
calendar, revisions, bulk work, autocomplete, and forms that fit the window."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from episodes.audio import tone_mp3
from episodes.models import Episode, Team
from people.models import Credit, Person
from tests.factories import (
    credit,
    default_host,
    make_campaign,
    make_episode,
    make_show,
    make_user,
    png_bytes,
    sponsor_read,
)

pytestmark = pytest.mark.browser

LONG_TITLE = "The Past, Present, and Future of Deep Learning In PyTorch With Its Creator And Friends"


@pytest.fixture
def newsroom(db):
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    other = make_show(title="Data Engineering Podcast", slug="data-engineering")
    tobias = Person.objects.create(name="Tobias Macey", slug="tobias-macey")
    Person.objects.create(name="Adam Paszke", slug="adam-paszke")
    default_host(show, tobias)
    now = timezone.now()
    make_campaign(show, name="Spring 2019", starts_on=date(2019, 1, 1), ends_on=date(2019, 12, 31))
    current = make_campaign(show, other, name="Dedicated CPUs", starts_on=now.date() - timedelta(days=10))
    scheduled = make_episode(
        show, title="Where Python Packaging Goes Next", published_at=now + timedelta(days=2)
    )
    sponsor_read(scheduled, current, position="pre")
    make_episode(other, title="Streaming Data At Scale", published_at=now + timedelta(days=1))
    make_episode(show, title=LONG_TITLE, published_at=now - timedelta(days=1), duration=2532)
    make_episode(show, title="Type Checking A Million Lines", status=Episode.REVIEW)
    make_user("producer", role=Team.PRODUCER, shows=[show])
    make_user("editor", role=Team.EDITOR, shows=[show, other])
    return {"show": show, "other": other, "tobias": tobias, "current": current, "scheduled": scheduled}


def log_in(page, live_server, username, next_url="/admin/"):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_change_form_and_list_fit_1280_px(live_server, page, screenshot, newsroom):
    episode = make_episode(newsroom["show"], title=LONG_TITLE + " (draft)", status=Episode.DRAFT)
    credit(episode, newsroom["tobias"], role="host")
    log_in(page, live_server, "editor", f"/admin/episodes/episode/{episode.pk}/change/")

    expect(page.locator(".field-preview a")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot("editorial-change-form")

    page.goto(f"{live_server.url}/admin/episodes/episode/")
    # The published episode's row (the draft's title only begins the same way).
    published_title = page.get_by_role("link", name=LONG_TITLE, exact=True)
    row = page.locator("#result_list tbody tr").filter(has=published_title)
    title_height = row.locator("th.field-title, td.field-title").bounding_box()["height"]
    duration = row.locator("td.field-audio_duration")
    screenshot("editorial-change-list")
    expect(page.locator(".object-tools")).not_to_contain_text("Restore deleted")
    assert no_sideways_scroll(page)
    expect(duration).to_have_text("42 mins 12 secs")
    assert duration.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert title_height < 70  # at most three lines


def test_audio_uploads_with_progress_and_survives_a_form_error(
    live_server, page, screenshot, newsroom, tmp_path
):
    audio = tmp_path / "Interview final mix.mp3"
    audio.write_bytes(tone_mp3(20))
    log_in(page, live_server, "producer", "/admin/episodes/episode/add/")

    page.locator("#id_title").press_sequentially("Typing At Scale")
    page.set_input_files("#id_audio", str(audio))
    expect(page.locator(".audio-status")).to_contain_text("Uploaded: Interview final mix.mp3 · 0:20")
    expect(page.locator(".audio-progress")).to_have_attribute("value", "100")
    page.locator(".audio-upload").scroll_into_view_if_needed()
    screenshot("editorial-audio-uploaded", full_page=False)
    page.click("input[name=_continue]")  # the summary is missing: the form comes back with an error

    expect(page.locator(".field-summary .errorlist")).to_have_text("This field is required.")
    expect(page.locator(".audio-staged")).to_contain_text("Interview final mix.mp3 · 0:20")
    screenshot("editorial-audio-after-form-error")
    page.fill("#id_summary", "How a team types a million lines.")
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    expect(page.locator(".audio-current")).to_contain_text("Current audio: Interview final mix.mp3 · 0:20")
    episode = Episode.objects.get(slug="typing-at-scale")
    assert (episode.audio_original_name, episode.duration) == ("Interview final mix.mp3", 20)


def test_bad_artwork_on_a_published_episode_is_an_error_at_its_field(
    live_server, page, screenshot, newsroom, tmp_path
):
    artwork = tmp_path / "cover.png"
    artwork.write_bytes(png_bytes(size=(500, 500), mode="P"))
    episode = newsroom["scheduled"]
    log_in(page, live_server, "editor", f"/admin/episodes/episode/{episode.pk}/change/")

    page.set_input_files("#id_artwork", str(artwork))
    page.click("input[name=_continue]")

    errors = page.locator(".field-artwork .errorlist li")
    expect(errors).to_have_text(
        [
            "The episode artwork's width (500 px) and height (500 px) are below Apple's minimum of 1400 px.",
            "The episode artwork is saved with a limited colour palette; Apple requires full RGB colour. "
            "Export it again as an RGB JPEG or PNG.",
        ]
    )
    expect(page.locator(".messagelist .success")).to_have_count(0)
    errors.first.scroll_into_view_if_needed()
    screenshot("editorial-artwork-error", full_page=False)
    episode.refresh_from_db()
    assert episode.artwork.name == ""


def test_draft_lists_its_problems_and_publishing_it_is_refused(live_server, page, screenshot, newsroom):
    draft = make_episode(newsroom["show"], title="Old offer", status=Episode.DRAFT)
    sponsor_read(draft, newsroom["show"].campaigns.get(name="Spring 2019"))
    log_in(page, live_server, "editor", f"/admin/episodes/episode/{draft.pk}/change/")

    expect(page.locator(".publication-problems li")).to_have_text(
        [
            re.compile(
                r"^The campaign “.*Spring 2019” is not in flight on .*, the day this episode goes out: "
                r"its flight is 1 Jan 2019 – 31 Dec 2019\."
            )
        ]
    )
    screenshot("editorial-draft-problems", full_page=False)  # the list sits at the top of the form
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")

    expect(page.locator(".field-campaign .errorlist")).to_contain_text("Spring 2019” is not in flight on")
    draft.refresh_from_db()
    assert draft.status == Episode.DRAFT


def test_campaign_autocomplete_offers_campaigns_in_flight_first(live_server, page, screenshot, newsroom):
    log_in(page, live_server, "producer", "/admin/episodes/episode/add/")

    page.get_by_role("button", name="Add another Sponsor read").click()
    page.locator("#sponsor_reads-0 .select2-selection").click()

    options = page.locator(".select2-results__option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Dedicated CPUs · in flight")
    expect(options.nth(1)).to_contain_text("Spring 2019 · not in flight (ended: 1 Jan 2019 – 31 Dec 2019)")
    screenshot("editorial-campaign-autocomplete", full_page=False)


def test_home_and_calendar_show_each_roles_work(live_server, page, screenshot, newsroom):
    log_in(page, live_server, "editor")

    expect(page.locator("#home-ready li")).to_have_text([re.compile(r"^Type Checking A Million Lines")])
    expect(page.locator("#home-scheduled > ul > li")).to_have_count(2)
    assert no_sideways_scroll(page)
    screenshot("editorial-home")

    page.get_by_role("link", name="Editorial calendar").click()
    expect(page.locator(".cal-episode.scheduled")).to_have_count(2)
    assert no_sideways_scroll(page)
    screenshot("editorial-calendar-week")
    page.select_option("select[name=show]", str(newsroom["show"].pk))
    page.select_option("select[name=view]", "month")
    page.get_by_role("button", name="Show").click()
    scheduled = page.locator(".cal-episode.scheduled")
    expect(scheduled).to_have_count(1)
    expect(scheduled).to_contain_text("Where Python Packaging Goes Next")
    expect(scheduled).to_contain_text("Scheduled · open: Mid-roll, Post-roll")
    expect(page.locator("table.inventory tbody tr")).to_have_count(1)
    expect(page.locator("table.inventory td.free")).to_have_text("Mid-roll, Post-roll")
    assert no_sideways_scroll(page)
    screenshot("editorial-calendar-month")


def test_revision_diff_and_restore(live_server, page, screenshot, newsroom):
    episode = make_episode(newsroom["show"], title="First title", status=Episode.DRAFT)
    log_in(page, live_server, "producer", f"/admin/episodes/episode/{episode.pk}/change/")
    page.fill("#id_title", "Second title")
    page.click("input[name=_continue]")
    page.fill("#id_title", "Third title")
    page.get_by_role("button", name="Add another Chapter").click()
    page.fill("#id_chapters-0-start_time", "00:00:02.500")
    page.fill("#id_chapters-0-title", "Introductions")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#id_chapters-0-start_time")).to_have_value("00:00:02.500")

    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    page.locator("a.revision-changes").first.click()
    expect(page.locator(".revision-fields tbody tr")).to_have_text(["TitleSecond titleThird title"])
    expect(page.locator(".row-added")).to_have_text("Added: Introductions")
    screenshot("editorial-revision-changes")
    page.go_back()
    page.locator("#change-history tbody tr").nth(1).locator("th a").click()
    expect(page.locator("#id_title")).to_have_value("Second title")
    page.click("input[name=_save]")

    episode.refresh_from_db()
    assert (episode.title, episode.chapters.count()) == ("Second title", 0)


def test_bulk_add_credit_from_the_list(live_server, page, screenshot, newsroom):
    log_in(page, live_server, "producer", "/admin/episodes/episode/?q=Python")

    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "add_credit")
    page.click("button[name=index]")
    page.select_option("#id_person", label="Adam Paszke")
    page.select_option("#id_role", "guest")
    screenshot("editorial-bulk-credit", full_page=False)
    page.get_by_role("button", name="Apply to these episodes").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Credited Adam Paszke as Guest.")
    assert list(
        Credit.objects.filter(person__name="Adam Paszke").values_list("episode__title", flat=True)
    ) == ["Where Python Packaging Goes Next"]


def test_merging_two_people_and_the_old_address_redirects(live_server, page, screenshot, newsroom):
    make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True)
    duplicate = Person.objects.create(name="T. Macey", slug="t-macey")
    credit(newsroom["scheduled"], duplicate, role="guest")
    log_in(page, live_server, "netadmin", "/admin/people/person/?q=Macey")

    page.locator("#result_list input.action-select").nth(0).check()
    page.locator("#result_list input.action-select").nth(1).check()
    page.select_option("select[name=action]", "merge_selected_people")
    page.click("button[name=index]")
    page.get_by_label("Tobias Macey (/people/tobias-macey/)").check()
    screenshot("editorial-merge-people", full_page=False)
    page.get_by_role("button", name="Merge").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Merged “T. Macey” into “Tobias Macey”")
    assert list(
        Credit.objects.filter(episode=newsroom["scheduled"]).values_list("person__slug", flat=True)
    ) == ["tobias-macey"]


def test_each_user_turns_workflow_mail_off(live_server, page, screenshot, newsroom):
    log_in(page, live_server, "producer")

    page.get_by_role("link", name="Notification settings").first.click()
    checkbox = page.get_by_label("Send me e-mail about episodes")
    expect(checkbox).to_be_checked()
    checkbox.uncheck()
    screenshot("editorial-notification-settings", full_page=False)
    page.click("input[name=_save]")

    from episodes.models import NotificationSettings

    assert NotificationSettings.objects.get(user__username="producer").email_enabled is False


def test_reference_episode_change_form_fits_1280_px(live_server, page, screenshot, db):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    show = Episode.objects.get(slug="pytorch-deep-learning-episode-202").show
    make_user("reference-editor", role=Team.EDITOR, shows=[show])
    episode = Episode.objects.get(slug="pytorch-deep-learning-episode-202")
    draft = Episode.objects.get(slug="typing-at-scale-episode-204")

    log_in(page, live_server, "reference-editor")
    for target in (episode, draft):  # the draft shows its preview link
        page.goto(f"{live_server.url}/admin/episodes/episode/{target.pk}/change/")
        expect(page.locator("h1")).to_have_text("Change episode")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        screenshot(f"editorial-reference-{target.status}")
    expect(page.locator(".field-preview a")).to_be_visible()
    page.click("input[name=_continue]")  # the demo's draft saves as it is
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_producer_hands_a_draft_over_in_one_click(live_server, page, screenshot, newsroom):
    draft = make_episode(newsroom["show"], title="Ready soon", status=Episode.DRAFT)
    log_in(page, live_server, "producer", f"/admin/episodes/episode/{draft.pk}/change/")

    button = page.get_by_role("button", name="Save and mark ready for review")
    page.locator(".mark-ready-row").screenshot(
        path=str(screenshot("editorial-mark-ready").with_name("editorial-mark-ready-row.png"))
    )
    button.click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Episode.REVIEW
