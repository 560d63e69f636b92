"""The people registry in the admin: network-wide, changed by network admins, never a window on drafts."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.models import Episode, Team
from people.models import Person
from tests.factories import credit, make_episode, make_person, make_show, make_user

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_deleting_credited_person_is_refused_with_reason():
    person = make_person(name="Adam Paszke")
    credit(make_episode(title="On PyTorch"), person, role="guest")
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    url = reverse("admin:people_person_delete", args=[person.pk])

    page = logged_in(admin_user).get(url)
    logged_in(admin_user).post(url, {"post": "yes"})

    assert page.context["protected"] == [
        "Still used by 1 credit. Credited people cannot be deleted: the episode's history depends on them.",
        "Credit: Adam Paszke (guest)",
    ]
    assert "would require deleting the following protected related objects" in page.content.decode()
    assert Person.objects.filter(pk=person.pk).count() == 1


def test_deleting_uncredited_person_works_for_network_admin():
    person = make_person()
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)

    logged_in(admin_user).post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})

    assert Person.objects.filter(pk=person.pk).count() == 0


def test_person_page_lists_no_episode_of_any_show():
    """A person's admin page is network-wide: it must not name another show's drafts."""
    show_a, show_b = make_show(), make_show()
    person = make_person(name="Shared Guest")
    credit(make_episode(show_b, title="Secret draft SHADOW", status=Episode.DRAFT), person)
    producer = make_user(role=Team.PRODUCER, shows=[show_a])

    response = logged_in(producer).get(reverse("admin:people_person_change", args=[person.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "SHADOW" not in response.content.decode()


def test_producer_cannot_change_person():
    person = make_person(name="Before")
    producer = make_user(role=Team.PRODUCER, shows=[make_show()])
    url = reverse("admin:people_person_change", args=[person.pk])

    response = logged_in(producer).post(url, {"name": "After", "slug": person.slug, "links-TOTAL_FORMS": 0})

    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).name == "Before"


def test_network_admin_edits_person_with_links():
    person = make_person(name="Adam")
    admin_user = make_user(role=Team.NETWORK_ADMIN, all_shows=True)
    data = {
        "name": "Adam Paszke",
        "slug": person.slug,
        "bio": "",
        "website": "",
        "links-TOTAL_FORMS": 1,
        "links-INITIAL_FORMS": 0,
        "links-0-title": "apaszke on GitHub",
        "links-0-url": "https://github.com/apaszke",
        "links-0-order": 0,
    }

    response = logged_in(admin_user).post(reverse("admin:people_person_change", args=[person.pk]), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Adam Paszke"
    assert list(person.links.values_list("title", "url")) == [
        ("apaszke on GitHub", "https://github.com/apaszke")
    ]
