"""Merging two person records: credits, picks, links and host roles move; the old page answers 301."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from episodes.models import Team
from people.models import Credit, Person, PersonLink, PersonSlugHistory, Pick, ShowHost
from tests.factories import (
    credit,
    default_host,
    make_episode,
    make_person,
    make_show,
    make_user,
    person_link,
    pick,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:people_person_changelist")


@pytest.fixture
def pair():
    show = make_show(title="Alpha Show", slug="alpha")
    kept = make_person(name="Adam Paszke", slug="adam-paszke")
    old = make_person(name="A. Paszke", slug="a-paszke")
    first, second = make_episode(show, title="First"), make_episode(show, title="Second")
    credit(first, old, role="guest")
    credit(second, old, role="guest")
    credit(second, kept, role="guest")  # already credited: not doubled
    pick(first, old, "Hoover Dam")
    person_link(old, "apaszke on GitHub", "https://github.com/apaszke")
    person_link(kept, "Same link", "https://github.com/apaszke")
    default_host(show, old)
    admin_user = make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True)
    client = Client()
    client.force_login(admin_user)
    return {"show": show, "kept": kept, "old": old, "first": first, "second": second, "client": client}


def merge(pair, keep):
    data = {
        "action": "merge_selected_people",
        "_selected_action": [pair["kept"].pk, pair["old"].pk],
        "index": 0,
        "apply": "1",
        "keep": keep.pk,
    }
    return pair["client"].post(CHANGELIST, data, follow=True)


def test_merge_moves_everything_to_the_record_kept(pair):
    response = merge(pair, pair["kept"])

    kept = pair["kept"]
    assert not Person.objects.filter(pk=pair["old"].pk).exists()
    assert sorted(Credit.objects.values_list("episode__title", "person__name")) == [
        ("First", "Adam Paszke"),
        ("Second", "Adam Paszke"),
    ]
    assert list(Pick.objects.values_list("person", flat=True)) == [kept.pk]
    assert list(PersonLink.objects.values_list("person", "title")) == [(kept.pk, "Same link")]
    assert list(ShowHost.objects.values_list("person", flat=True)) == [kept.pk]
    assert [str(m) for m in response.context["messages"]] == [
        "Merged “A. Paszke” into “Adam Paszke”: 2 episode(s) moved over; "
        "/people/a-paszke/ now redirects to /people/adam-paszke/."
    ]
    for episode in (pair["first"], pair["second"]):
        assert (
            Version.objects.get_for_object(episode).get().revision.comment
            == "Merged A. Paszke into Adam Paszke."
        )


def test_the_old_person_address_answers_301_to_the_kept_page(pair):
    merge(pair, pair["kept"])

    response = Client().get("/people/a-paszke/")

    assert (response.status_code, response["Location"]) == (301, "/people/adam-paszke/")
    assert list(PersonSlugHistory.objects.values_list("old_slug", flat=True)) == ["a-paszke"]


def test_merge_asks_which_record_to_keep_first(pair):
    data = {
        "action": "merge_selected_people",
        "_selected_action": [pair["kept"].pk, pair["old"].pk],
        "index": 0,
    }

    response = pair["client"].post(CHANGELIST, data)

    assert response.template_name == "admin/people/person/merge.html"
    assert Person.objects.count() == 2


def test_merge_needs_exactly_two_people(pair):
    third = make_person(name="Third")
    data = {
        "action": "merge_selected_people",
        "_selected_action": [pair["kept"].pk, pair["old"].pk, third.pk],
        "index": 0,
    }

    response = pair["client"].post(CHANGELIST, data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Select exactly two people to merge."]
    assert Person.objects.count() == 3


def test_producers_may_not_merge(pair):
    producer = make_user("producer", role=Team.PRODUCER, shows=[pair["show"]])
    client = Client()
    client.force_login(producer)
    data = {
        "action": "merge_selected_people",
        "_selected_action": [pair["kept"].pk, pair["old"].pk],
        "index": 0,
        "apply": "1",
        "keep": pair["kept"].pk,
    }

    client.post(CHANGELIST, data)

    assert Person.objects.count() == 2
