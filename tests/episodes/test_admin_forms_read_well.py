"""Forms that read well: roles once, guests by default, no “None”, help texts in producers' words."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Team
from people.taxonomy import role_choices
from tests.factories import make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    show = make_show(title="Alpha Show", slug="alpha")
    client = Client()
    client.force_login(make_user("producer", role=Team.PRODUCER, shows=[show]))
    return client


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_role_is_offered_once():
    roles = [label for _, choices in role_choices() for _, label in choices]

    assert roles.count("Editor") == 1
    assert len(roles) == len(set(roles))


def test_a_new_credit_row_defaults_to_guest(client):
    response = client.get(reverse("admin:episodes_episode_add"))
    credits = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "credits")

    assert credits.formset.empty_form["role"].value() == "guest"


def test_the_add_form_never_shows_the_word_none(client):
    response = client.get(reverse("admin:episodes_episode_add"))

    assert "None" not in visible_text(response.content.decode())


def test_directory_tag_names_appear_only_in_the_small_in_the_feed_notes(client):
    html = client.get(reverse("admin:episodes_episode_add")).content.decode()
    without_notes = re.sub(r'<span class="in-the-feed">.*?</span>', "", html, flags=re.S)

    for tag in ("itunes:episode", "itunes:season", "content:encoded", "bytes in UTF-8"):
        assert tag not in visible_text(without_notes), tag
    assert '<span class="in-the-feed">In the feed: <code>itunes:episode</code></span>' in html
