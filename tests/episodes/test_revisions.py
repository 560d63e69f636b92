"""Every change of an episode, inlines included, is a revision: who, when, a readable diff, restore."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from episodes import services
from episodes.models import Chapter, Episode, Team
from people.models import Credit
from tests.episodes.test_admin_permissions import episode_post_data
from tests.factories import make_episode, make_person, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    show = make_show(title="Alpha Show", slug="alpha")
    other = make_show(title="Bravo Show", slug="bravo")
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    client = Client()
    client.force_login(producer)
    episode = make_episode(show, status=Episode.DRAFT, title="First title")
    return {"show": show, "other": other, "producer": producer, "client": client, "episode": episode}


def change_url(episode):
    return reverse("admin:episodes_episode_change", args=[episode.pk])


def save_with(desk, **changes):
    response = desk["client"].post(change_url(desk["episode"]), episode_post_data(desk["episode"], **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    desk["episode"].refresh_from_db()


def test_form_save_keeps_a_revision_with_the_inlines_and_who_made_it(desk):
    guest = make_person(name="Adam Paszke")
    save_with(
        desk,
        title="Second title",
        **{
            "credits-TOTAL_FORMS": 1,
            "credits-0-person": guest.pk,
            "credits-0-role": "guest",
            "credits-0-order": 1,
            "chapters-TOTAL_FORMS": 1,
            "chapters-0-start_time": "00:01:02.500",
            "chapters-0-title": "Introductions",
            "chapters-0-url": "",
        },
    )

    version = Version.objects.get_for_object(desk["episode"]).get()
    kept = sorted(v.object_repr for v in version.revision.version_set.all())
    assert (version.revision.user, version.field_dict["title"]) == (desk["producer"], "Second title")
    assert kept == ["Adam Paszke (guest)", "Introductions", "Second title"]


def test_changes_page_shows_what_changed_between_two_revisions(desk):
    guest = make_person(name="Adam Paszke")
    save_with(desk, title="Second title")
    credit_rows = {
        "credits-TOTAL_FORMS": 1,
        "credits-0-person": guest.pk,
        "credits-0-role": "guest",
        "credits-0-order": 1,
    }
    save_with(desk, title="Third title", **credit_rows)
    latest = Version.objects.get_for_object(desk["episode"]).first()

    response = desk["client"].get(
        reverse("admin:episodes_episode_changes", args=[desk["episode"].pk, latest.pk])
    )

    assert response.context["field_changes"] == [("title", "Second title", "Third title")]
    assert response.context["row_changes"] == [("credits", ["Adam Paszke (guest)"], [], [])]


def test_restoring_a_revision_brings_back_the_fields_and_removes_later_inline_rows(desk):
    save_with(desk, title="Second title")
    first = Version.objects.get_for_object(desk["episode"]).get()
    guest = make_person(name="Adam Paszke")
    save_with(
        desk,
        title="Third title",
        **{
            "credits-TOTAL_FORMS": 1,
            "credits-0-person": guest.pk,
            "credits-0-role": "guest",
            "credits-0-order": 1,
        },
    )
    url = reverse("admin:episodes_episode_revision", args=[desk["episode"].pk, first.pk])

    form = desk["client"].get(url).context["adminform"].form
    data = episode_post_data(desk["episode"], title=form["title"].value())
    credit = Credit.objects.get(episode=desk["episode"])
    data.update(
        {
            "credits-TOTAL_FORMS": 1,
            "credits-INITIAL_FORMS": 1,
            "credits-0-id": credit.pk,
            "credits-0-episode": desk["episode"].pk,
            "credits-0-person": guest.pk,
            "credits-0-role": "guest",
            "credits-0-order": 1,
            "credits-0-DELETE": "on",
        }
    )
    response = desk["client"].post(url, data)

    desk["episode"].refresh_from_db()
    assert response.status_code == 302
    assert (desk["episode"].title, desk["episode"].credits.count()) == ("Second title", 0)


def test_workflow_services_keep_revisions_with_a_comment(desk):
    services.mark_ready_for_review(desk["episode"], desk["producer"])

    version = Version.objects.get_for_object(desk["episode"]).get()
    assert (version.revision.comment, version.revision.user, version.field_dict["status"]) == (
        "Marked ready for review.",
        desk["producer"],
        Episode.REVIEW,
    )


def test_another_shows_revisions_are_not_found(desk):
    foreign = make_episode(desk["other"], status=Episode.DRAFT, title="Secret title")
    services.mark_ready_for_review(foreign, make_user("boss", is_superuser=True))
    version = Version.objects.get_for_object(foreign).get()
    urls = [
        reverse("admin:episodes_episode_history", args=[foreign.pk]),
        reverse("admin:episodes_episode_revision", args=[foreign.pk, version.pk]),
        reverse("admin:episodes_episode_changes", args=[foreign.pk, version.pk]),
    ]

    responses = [desk["client"].get(url) for url in urls]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all("Secret title" not in r.content.decode() for r in responses)


def test_a_revision_of_another_episode_is_not_shown_under_ones_own(desk):
    foreign = make_episode(desk["other"], status=Episode.DRAFT, title="Secret title")
    services.mark_ready_for_review(foreign, make_user("boss", is_superuser=True))
    version = Version.objects.get_for_object(foreign).get()

    own = reverse("admin:episodes_episode_revision", args=[desk["episode"].pk, version.pk])
    changes = reverse("admin:episodes_episode_changes", args=[desk["episode"].pk, version.pk])

    assert desk["client"].get(own).status_code == 404
    assert desk["client"].get(changes).status_code == 404


def test_recovering_deleted_episodes_is_for_network_admins_only(desk):
    assert desk["client"].get(reverse("admin:episodes_episode_recoverlist")).status_code == 404
    boss = Client()
    boss.force_login(make_user("netadmin", role=Team.NETWORK_ADMIN, all_shows=True))
    assert boss.get(reverse("admin:episodes_episode_recoverlist")).status_code == 200


def test_chapter_times_are_read_as_hours_minutes_seconds_and_milliseconds(desk):
    save_with(
        desk,
        **{
            "chapters-TOTAL_FORMS": 2,
            "chapters-0-start_time": "00:00:02",
            "chapters-0-title": "Intro",
            "chapters-0-url": "",
            "chapters-1-start_time": "01:02:03.250",
            "chapters-1-title": "Outro",
            "chapters-1-url": "",
        },
    )

    page = desk["client"].get(change_url(desk["episode"])).content.decode()

    assert [str(c.start_time) for c in Chapter.objects.order_by("start_time")] == ["2.000", "3723.250"]
    assert 'value="00:00:02"' in page and 'value="01:02:03.250"' in page


@pytest.mark.parametrize("value", ["1:75:00", "aa:00:00", "00:00:01.2345", "-1"])
def test_chapter_times_that_are_not_times_get_an_error_at_the_field(desk, value):
    data = episode_post_data(
        desk["episode"],
        **{
            "chapters-TOTAL_FORMS": 1,
            "chapters-0-start_time": value,
            "chapters-0-title": "X",
            "chapters-0-url": "",
        },
    )

    response = desk["client"].post(change_url(desk["episode"]), data)

    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "chapters"
    )
    assert list(formset.errors[0]) == ["start_time"]
    assert Chapter.objects.count() == 0
