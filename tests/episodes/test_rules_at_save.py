"""Rules that hold at save: feed-lint errors and campaign flights, in the form and in the services."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from episodes import services
from episodes.models import Episode, Team
from tests.episodes.test_admin_permissions import episode_post_data
from tests.factories import make_campaign, make_episode, make_show, make_user, png_bytes, sponsor_read

pytestmark = pytest.mark.django_db

PALETTE_ARTWORK_ERRORS = [
    "The episode artwork's width (500 px) and height (500 px) are below Apple's minimum of 1400 px.",
    "The episode artwork is saved with a limited colour palette; Apple requires full RGB colour. "
    "Export it again as an RGB JPEG or PNG.",
]


def palette_png():
    return SimpleUploadedFile("cover.png", png_bytes(size=(500, 500), mode="P"), "image/png")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk():
    show = make_show(title="Alpha Show", slug="alpha")
    editor = make_user("editor", role=Team.EDITOR, shows=[show])
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    return {"show": show, "editor": editor, "producer": producer}


def change_url(episode):
    return reverse("admin:episodes_episode_change", args=[episode.pk])


def test_published_episode_with_bad_artwork_gets_errors_at_artwork_and_saves_nothing(desk):
    episode = make_episode(desk["show"], title="Live one")
    data = episode_post_data(episode, title="Renamed", artwork=palette_png())

    response = logged_in(desk["editor"]).post(change_url(episode), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"artwork": PALETTE_ARTWORK_ERRORS}
    episode.refresh_from_db()
    assert (episode.title, episode.artwork.name) == ("Live one", "")


def test_scheduled_episode_with_bad_artwork_gets_errors_at_artwork(desk):
    episode = make_episode(desk["show"], published_at=timezone.now() + timedelta(days=2))
    data = episode_post_data(episode, artwork=palette_png())

    response = logged_in(desk["producer"]).post(change_url(episode), data)

    assert response.context["adminform"].form.errors == {"artwork": PALETTE_ARTWORK_ERRORS}
    episode.refresh_from_db()
    assert episode.artwork.name == ""


def test_draft_with_bad_artwork_saves_and_lists_the_problems_at_the_top(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT)
    client = logged_in(desk["producer"])

    response = client.post(change_url(episode), episode_post_data(episode, artwork=palette_png()))
    page = client.get(change_url(episode))

    assert response.status_code == 302
    assert page.context["publication_problems"] == PALETTE_ARTWORK_ERRORS
    assert "Before this episode can be published or scheduled, fix:" in page.content.decode()


def test_editor_publishing_a_draft_with_lint_errors_in_the_form_is_refused(desk):
    desk["show"].show_type = "serial"
    desk["show"].save()
    episode = make_episode(desk["show"], status=Episode.DRAFT)
    data = episode_post_data(episode, status=Episode.PUBLISHED, published_at_0="", published_at_1="")

    response = logged_in(desk["editor"]).post(change_url(episode), data)

    assert response.context["adminform"].form.errors == {
        "number": ["The show is serial but this episode has no episode number (itunes:episode)."]
    }
    episode.refresh_from_db()
    assert episode.status == Episode.DRAFT


def test_field_refused_by_its_own_validation_gets_no_second_lint_error(desk):
    episode = make_episode(desk["show"], title="Fine")

    response = logged_in(desk["editor"]).post(
        change_url(episode), episode_post_data(episode, title="x" * 256)
    )

    assert response.context["adminform"].form.errors == {
        "title": ["Ensure this value has at most 255 characters (it has 256)."]
    }


def test_publish_service_refuses_a_draft_with_lint_errors_listing_them(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT, summary="é" * 2001)

    with pytest.raises(ValidationError) as refused:
        services.publish(episode, desk["editor"])

    assert refused.value.messages == ["The summary is 4002 bytes; at most 4000 are allowed."]
    episode.refresh_from_db()
    assert (episode.status, episode.publication_records.count()) == (Episode.DRAFT, 0)


def test_publish_action_skips_a_draft_with_lint_errors_and_says_why(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT, title="Blocked", summary="é" * 2001)
    data = {"action": "publish_now", "_selected_action": [episode.pk], "index": 0}

    response = logged_in(desk["editor"]).post(reverse("admin:episodes_episode_changelist"), data, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Skipped “Blocked”: The summary is 4002 bytes; at most 4000 are allowed."
    ]
    assert Episode.objects.get(pk=episode.pk).status == Episode.DRAFT


def ended_campaign(show):
    return make_campaign(show, name="Spring 2019", starts_on=date(2019, 1, 1), ends_on=date(2019, 12, 31))


def test_publishing_with_a_read_of_an_ended_campaign_is_refused_with_the_reason(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT)
    campaign = ended_campaign(desk["show"])
    sponsor_read(episode, campaign)
    when = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))

    with pytest.raises(ValidationError) as refused:
        services.publish(episode, desk["editor"], when=when)

    assert refused.value.messages == [
        f"The campaign “{campaign}” is not in flight on 2 Mar 2026, the day this episode goes out: "
        "its flight is 1 Jan 2019 – 31 Dec 2019. "
        "Remove the read, or choose a campaign in flight."
    ]
    assert Episode.objects.get(pk=episode.pk).status == Episode.DRAFT


def test_scheduling_before_a_campaign_starts_is_refused(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT)
    starts = timezone.localdate() + timedelta(days=30)
    campaign = make_campaign(desk["show"], name="Later", starts_on=starts)
    sponsor_read(episode, campaign)
    when = timezone.now() + timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        services.publish(episode, desk["editor"], when=when)

    assert refused.value.messages == [
        f"The campaign “{campaign}” is not in flight on {timezone.localdate(when):%-d %b %Y}, "
        "the day this episode goes out: its flight is "
        f"from {starts:%-d %b %Y}. Remove the read, or choose a campaign in flight."
    ]


def test_publishing_inside_the_flight_succeeds(desk):
    episode = make_episode(desk["show"], status=Episode.DRAFT)
    sponsor_read(episode, ended_campaign(desk["show"]))
    when = timezone.make_aware(timezone.datetime(2019, 3, 10, 12, 0))

    services.publish(episode, desk["editor"], when=when)

    assert Episode.objects.get(pk=episode.pk).status == Episode.PUBLISHED


def test_read_of_an_ended_campaign_added_to_a_published_episode_gets_an_error_at_the_campaign(desk):
    episode = make_episode(desk["show"])
    campaign = ended_campaign(desk["show"])
    data = episode_post_data(
        episode,
        **{
            "sponsor_reads-TOTAL_FORMS": 1,
            "sponsor_reads-0-campaign": campaign.pk,
            "sponsor_reads-0-position": "pre",
            "sponsor_reads-0-order": 0,
            "sponsor_reads-0-copy": "",
        },
    )

    response = logged_in(desk["producer"]).post(change_url(episode), data)

    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "sponsor_reads"
    )
    day = timezone.localdate(episode.published_at)
    assert formset.errors == [
        {
            "campaign": [
                f"The campaign “{campaign}” is not in flight on {day:%-d %b %Y}, "
                "the day this episode goes out: its flight is 1 Jan 2019 – 31 Dec 2019. "
                "Remove the read, or choose a campaign in flight."
            ]
        }
    ]
    assert episode.sponsor_reads.count() == 0


def test_public_show_with_palette_artwork_gets_errors_at_artwork(desk):
    admin_user = make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True)
    show = desk["show"]
    url = reverse("admin:episodes_show_change", args=[show.pk])
    form = logged_in(admin_user).get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data = {k: v for k, v in data.items() if v is not False}
    data.update({"artwork": SimpleUploadedFile("c.png", png_bytes(size=(500, 500), mode="P"), "image/png")})
    for prefix in ("hosts", "announcements"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = logged_in(admin_user).post(url, data)

    assert response.context["adminform"].form.errors == {
        "artwork": [
            "The show artwork's width (500 px) and height (500 px) are below Apple's minimum of 1400 px.",
            "The show artwork is saved with a limited colour palette; Apple requires full RGB colour. "
            "Export it again as an RGB JPEG or PNG.",
        ]
    }


def test_campaign_autocomplete_offers_campaigns_in_flight_first_and_marks_the_others(desk):
    old = ended_campaign(desk["show"])
    current = make_campaign(desk["show"], name="Now", starts_on=timezone.localdate() - timedelta(days=1))
    url = reverse("admin:autocomplete") + "?app_label=sponsors&model_name=sponsorread&field_name=campaign"

    results = json.loads(logged_in(desk["producer"]).get(url).content)["results"]

    start = current.starts_on
    assert results == [
        {"id": str(current.pk), "text": f"{current} · in flight, from {start:%-d %b %Y}"},
        {"id": str(old.pk), "text": f"{old} · not in flight (ended: 1 Jan 2019 – 31 Dec 2019)"},
    ]


def test_view_on_site_of_a_draft_opens_its_preview(desk):
    import re

    episode = make_episode(desk["show"], status=Episode.DRAFT, title="Unreleased draft")
    client = logged_in(desk["producer"])
    page = client.get(change_url(episode)).content.decode()

    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', page).group(1)
    preview = Client().get(link)
    assert link.startswith("/preview/")
    assert (preview.status_code, "Unreleased draft" in preview.content.decode()) == (200, True)
