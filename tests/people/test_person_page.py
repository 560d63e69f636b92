from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from episodes.models import Episode
from people import views as people_views
from people.models import Person
from tests.factories import (
    credit,
    default_host,
    image_upload,
    make_episode,
    make_person,
    make_show,
    person_link,
)
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_person_page_shows_photo_bio_website_and_contact_links(client):
    person = make_person(
        name="Adam Paszke",
        slug="adam-paszke",
        bio="Author of PyTorch.",
        website="https://adam.example.com",
        photo=image_upload(size=(400, 400)),
    )
    person_link(person, "@apaszke on Twitter", "https://twitter.com/apaszke", order=1)
    person_link(person, "apaszke on GitHub", "https://github.com/apaszke", order=0)
    credit(make_episode(), person)

    page = parse(client.get("/people/adam-paszke/").content)
    photo = page.find_all("img", "person-header__photo")[0].attrs

    assert page.find_all("h1")[0].text == "Adam Paszke"
    assert page.by_id("bio").text == "Author of PyTorch."
    assert page.find_all("p", "person-header__website")[0].text == "adam.example.com"
    assert (photo["src"], photo["width"], photo["height"], photo["loading"]) == (
        person.photo.storage.url(person.photo_renditions["widths"]["320"]["jpg"]),
        "160",
        "160",
        "lazy",
    )
    assert [(a.text, a.attrs["href"]) for a in page.by_id("keep-in-touch").find_all("a")] == [
        ("apaszke on GitHub", "https://github.com/apaszke"),
        ("@apaszke on Twitter", "https://twitter.com/apaszke"),
    ]


def test_person_page_groups_public_appearances_by_show(client):
    person = make_person(slug="traveller")
    alpha, beta = make_show(title="Alpha Cast"), make_show(title="Beta Talk")
    default_host(alpha, person)
    old = make_episode(alpha, title="Alpha old", published_at=datetime(2024, 1, 5, tzinfo=UTC))
    new = make_episode(alpha, title="Alpha new", published_at=datetime(2024, 2, 5, tzinfo=UTC))
    visit = make_episode(beta, title="Beta visit", published_at=datetime(2024, 3, 5, tzinfo=UTC))
    credit(old, person, "host")
    credit(new, person, "host")
    credit(new, person, "producer", order=1)
    credit(visit, person, "guest")

    page = parse(client.get("/people/traveller/").content)
    groups = [
        (
            group.find_all("h3")[0].text,
            [item.text for item in group.find_all("li", "appearance")],
        )
        for group in page.find_all("section", "appearance-group")
    ]

    assert groups == [
        (
            "Alpha Cast",
            ["Alpha new February 5th, 2024 · Host, Producer", "Alpha old January 5th, 2024 · Host"],
        ),
        ("Beta Talk", ["Beta visit March 5th, 2024 · Guest"]),
    ]
    assert page.find_all("span", "section__count")[0].text == "3 episodes"
    assert page.find_all("p", "person-header__role")[0].text == "Hosts Alpha Cast"


def test_person_page_never_lists_or_counts_hidden_episodes(client):
    person = make_person(slug="guest")
    public_show = make_show(title="Public show")
    private_show = make_show(title="MARKER-PRIVATE-SHOW", is_public=False)
    default_host(private_show, person)
    credit(make_episode(public_show, title="Public appearance"), person)
    credit(make_episode(public_show, title="MARKER-DRAFT", status=Episode.DRAFT), person)
    credit(make_episode(public_show, title="MARKER-REVIEW", status=Episode.REVIEW), person)
    scheduled = make_episode(
        public_show, title="MARKER-SCHEDULED", published_at=timezone.now() + timedelta(days=1)
    )
    credit(scheduled, person)
    credit(make_episode(private_show, title="MARKER-PRIVATE-EPISODE"), person)

    response = client.get("/people/guest/")
    page = parse(response.content)

    assert "MARKER" not in response.content.decode()
    assert [item.find_all("a")[0].text for item in page.find_all("li", "appearance")] == ["Public appearance"]
    assert page.find_all("span", "section__count")[0].text == "1 episode"
    assert page.find_all("p", "person-header__role") == []


@pytest.mark.parametrize("kind", ["draft", "review", "scheduled", "private", "nothing"])
def test_person_without_public_appearance_answers_404(client, kind):
    person = make_person(slug="hidden-person", name="MARKER-PERSON")
    private_show = make_show(is_public=False)
    default_host(private_show, person)
    episodes = {
        "draft": lambda: make_episode(status=Episode.DRAFT),
        "review": lambda: make_episode(status=Episode.REVIEW),
        "scheduled": lambda: make_episode(published_at=timezone.now() + timedelta(days=1)),
        "private": lambda: make_episode(private_show),
    }
    if kind in episodes:
        credit(episodes[kind](), person)

    response = client.get("/people/hidden-person/")

    assert response.status_code == 404
    assert "MARKER" not in response.content.decode()


def test_person_hosting_a_public_show_has_a_page_before_the_first_episode(client):
    person = make_person(slug="new-host", name="New Host")
    default_host(make_show(title="Brand new show"), person)

    page = parse(client.get("/people/new-host/").content)

    assert page.find_all("p", "person-header__role")[0].text == "Hosts Brand new show"
    assert page.find_all("p", "empty")[0].text == "No episodes yet."


def test_public_people_are_those_with_a_public_appearance():
    hosting = make_person(name="Hosting")
    credited = make_person(name="Credited")
    drafted = make_person(name="Drafted")
    private = make_person(name="Private")
    make_person(name="Nobody")
    default_host(make_show(), hosting)
    credit(make_episode(), credited)
    credit(make_episode(), credited, "host")
    credit(make_episode(status=Episode.DRAFT), drafted)
    default_host(make_show(is_public=False), private)

    assert list(Person.objects.public()) == [credited, hosting]


def test_person_page_is_paginated_with_appearances_grouped_by_show_newest_first(client, monkeypatch):
    monkeypatch.setattr(people_views, "APPEARANCES_PER_PAGE", 3)
    person = make_person(slug="prolific")
    alpha, beta = make_show(title="Alpha Cast"), make_show(title="Beta Talk")
    for n in range(3):
        credit(
            make_episode(alpha, title=f"Alpha {n}", published_at=datetime(2024, 1, n + 1, tzinfo=UTC)), person
        )
    for n in range(2):
        credit(
            make_episode(beta, title=f"Beta {n}", published_at=datetime(2024, 2, n + 1, tzinfo=UTC)), person
        )

    def groups(url):
        page = parse(client.get(url).content)
        return [
            (
                group.find_all("h3")[0].text,
                [li.find_all("a")[0].text for li in group.find_all("li", "appearance")],
            )
            for group in page.find_all("section", "appearance-group")
        ], page.find_all("span", "pagination__status")[0].text

    assert groups("/people/prolific/") == ([("Alpha Cast", ["Alpha 2", "Alpha 1", "Alpha 0"])], "Page 1 of 2")
    assert groups("/people/prolific/?page=2") == ([("Beta Talk", ["Beta 1", "Beta 0"])], "Page 2 of 2")
    assert parse(client.get("/people/prolific/").content).find_all("span", "section__count")[0].text == (
        "5 episodes"
    )


@pytest.mark.parametrize("appearances", [1, 120])
def test_person_page_size_stays_within_one_page_of_appearances(client, appearances):
    person = make_person(slug="measured")
    show = make_show(title="Measured")
    for n in range(appearances):
        credit(make_episode(show, title=f"Appearance {n:03}", slug=f"appearance-{n:03}"), person)

    response = client.get("/people/measured/")
    listed = response.content.decode().count('class="appearance"')

    assert listed == min(appearances, people_views.APPEARANCES_PER_PAGE)
    # Each listed appearance costs about the same bytes; the rest of the page is fixed.
    assert len(response.content) < 8_000 + 400 * people_views.APPEARANCES_PER_PAGE
