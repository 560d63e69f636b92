"""Bulk work on selected episodes: credits, season, type; one transaction, one revision per episode."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from episodes.models import Episode, Team
from people.models import Credit
from tests.factories import credit, make_episode, make_person, make_show, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:episodes_episode_changelist")


@pytest.fixture
def desk():
    show = make_show(title="Alpha Show", slug="alpha")
    other = make_show(title="Bravo Show", slug="bravo")
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    client = Client()
    client.force_login(producer)
    episodes = [make_episode(show, title=f"Alpha {n}", status=Episode.DRAFT) for n in range(3)]
    foreign = make_episode(other, title="Bravo secret", status=Episode.DRAFT)
    return {"show": show, "client": client, "episodes": episodes, "foreign": foreign, "producer": producer}


def run(desk, action, episodes, **answers):
    data = {
        "action": action,
        "_selected_action": [e.pk for e in episodes],
        "index": 0,
        "apply": "1",
        **answers,
    }
    return desk["client"].post(CHANGELIST, data, follow=True)


def test_the_action_first_asks_on_a_form_listing_the_editable_episodes(desk):
    data = {
        "action": "add_credit",
        "_selected_action": [e.pk for e in desk["episodes"]] + [desk["foreign"].pk],
    }

    response = desk["client"].post(CHANGELIST, data)

    assert response.template_name == "admin/episodes/episode/bulk_form.html"
    assert [e.title for e in response.context["queryset"]] == ["Alpha 2", "Alpha 1", "Alpha 0"]
    assert "Bravo secret" not in response.content.decode()


def test_add_credit_credits_each_selected_episode_with_one_revision_each(desk):
    guest = make_person(name="Adam Paszke")

    response = run(desk, "add_credit", desk["episodes"] + [desk["foreign"]], person=guest.pk, role="guest")

    assert sorted(Credit.objects.filter(person=guest).values_list("episode__title", flat=True)) == [
        "Alpha 0",
        "Alpha 1",
        "Alpha 2",
    ]
    for episode in desk["episodes"]:
        version = Version.objects.get_for_object(episode).get()
        assert (version.revision.comment, version.revision.user) == (
            "Credited Adam Paszke as Guest.",
            desk["producer"],
        )
        kept = sorted((v.content_type.model, v.object_repr) for v in version.revision.version_set.all())
        assert kept == [("credit", "Adam Paszke (guest)"), ("episode", episode.title)]
    assert Version.objects.get_for_object(desk["foreign"]).count() == 0
    assert "Credited Adam Paszke as Guest. Changed: “Alpha 2”, “Alpha 1”, “Alpha 0”." in [
        str(m) for m in response.context["messages"]
    ]


def test_replace_credit_moves_the_part_to_the_other_person(desk):
    old, new = make_person(name="Old Host"), make_person(name="New Host")
    for episode in desk["episodes"][:2]:
        credit(episode, old, role="host")

    run(desk, "replace_credit", desk["episodes"], person=old.pk, replacement=new.pk, role="")

    assert sorted(Credit.objects.values_list("episode__title", "person__name", "role")) == [
        ("Alpha 0", "New Host", "host"),
        ("Alpha 1", "New Host", "host"),
    ]
    assert [Version.objects.get_for_object(e).count() for e in desk["episodes"]] == [1, 1, 1]


def test_remove_credit_in_one_role_keeps_the_others(desk):
    person = make_person(name="Tobias")
    credit(desk["episodes"][0], person, role="host")
    credit(desk["episodes"][0], person, role="producer")

    run(desk, "remove_credit", desk["episodes"], person=person.pk, role="producer")

    assert list(Credit.objects.values_list("role", flat=True)) == ["host"]


def test_set_season_and_type_change_only_the_selection(desk):
    run(desk, "set_season", desk["episodes"][:2], season=3)
    run(desk, "set_episode_type", desk["episodes"][1:], episode_type="bonus")

    rows = list(
        Episode.objects.filter(show=desk["show"]).order_by("title").values_list("season", "episode_type")
    )
    assert rows == [(3, "full"), (3, "bonus"), (None, "bonus")]
    assert Episode.objects.get(pk=desk["foreign"].pk).season is None


def test_an_invalid_answer_asks_again_and_changes_nothing(desk):
    response = run(desk, "set_season", desk["episodes"], season=0)

    assert response.context["form"].errors == {"season": ["Ensure this value is greater than or equal to 1."]}
    assert set(Episode.objects.values_list("season", flat=True)) == {None}


def test_a_failure_part_way_changes_no_episode(desk, monkeypatch):
    from people.models import Credit as CreditModel

    calls = []
    original = CreditModel.objects.get_or_create

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(CreditModel.objects, "get_or_create", failing)
    guest = make_person(name="Adam")

    with pytest.raises(RuntimeError):
        run(desk, "add_credit", desk["episodes"], person=guest.pk, role="guest")

    assert (Credit.objects.count(), Version.objects.count()) == (0, 0)
