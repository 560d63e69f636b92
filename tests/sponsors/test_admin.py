"""Sponsors and campaigns in the admin."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Episode, Team
from sponsors.models import Campaign
from tests.factories import make_campaign, make_episode, make_show, make_user, sponsor_read

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_deleting_campaign_with_reads_is_refused_with_reason():
    show = make_show()
    campaign = make_campaign(show, name="Linode")
    sponsor_read(make_episode(show), campaign)
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    url = reverse("admin:sponsors_campaign_delete", args=[campaign.pk])

    page = logged_in(admin_user).get(url)
    logged_in(admin_user).post(url, {"post": "yes"})

    assert page.context["protected"][0] == (
        "Still used by 1 sponsor read. Campaigns with reads cannot be deleted: published episodes carry them."
    )
    assert Campaign.objects.filter(pk=campaign.pk).count() == 1


def test_sponsor_page_lists_only_campaigns_on_own_shows():
    show_a, show_b = make_show(), make_show()
    campaign_a = make_campaign(show_a, name="Alpha flight")
    make_campaign(show_b, name="Hidden SHADOW flight", sponsor=campaign_a.sponsor)
    sponsor_read(make_episode(show_b, title="Draft SHADOW", status=Episode.DRAFT), campaign_a)
    producer = make_user(role=Team.PRODUCER, shows=[show_a])

    response = logged_in(producer).get(reverse("admin:sponsors_sponsor_change", args=[campaign_a.sponsor.pk]))

    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance for form in formset.forms] == [campaign_a]
    assert "SHADOW" not in response.content.decode()


def test_network_admin_adds_campaign_on_two_shows():
    show_a, show_b = make_show(), make_show()
    sponsor = make_campaign(show_a).sponsor
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = {
        "sponsor": sponsor.pk,
        "name": "Spring",
        "shows": [show_a.pk, show_b.pk],
        "read_copy": "<p>Try it <script>x()</script></p>",
        "promo_url": "https://sponsor.example.com/spring",
        "promo_code": "SPRING",
        "starts_on": "2026-03-01",
        "ends_on": "2026-02-01",
    }
    url = reverse("admin:sponsors_campaign_add")

    refused = logged_in(admin_user).post(url, data)
    created = logged_in(admin_user).post(url, {**data, "ends_on": "2026-04-01"})

    assert refused.context["adminform"].form.errors == {
        "ends_on": ["The campaign must end on or after its first day."]
    }
    assert created.status_code == 302
    campaign = Campaign.objects.get(name="Spring")
    assert (campaign.read_copy, set(campaign.shows.all())) == ("<p>Try it </p>", {show_a, show_b})
