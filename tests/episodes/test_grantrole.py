"""`manage.py grantrole`: operators give roles from the command line."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from episodes.access import can, is_network_admin
from episodes.models import Team
from tests.factories import make_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice", "alice@example.com", "pw", is_staff=False)


def grant(*args):
    out = io.StringIO()
    call_command("grantrole", *args, stdout=out)
    return out.getvalue()


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_grantrole_makes_user_staff_producer_of_one_show(alice):
    show, other = make_show(slug="alpha", title="Alpha"), make_show(slug="bravo")

    output = grant("alice", "alpha", "producer")

    user = fresh(alice)
    assert output == "alice is now producer on “Alpha” (team “alpha: producer”).\n"
    assert user.is_staff is True
    assert (can(user, "edit", show), can(user, "publish", show), can(user, "view", other)) == (
        True,
        False,
        False,
    )


def test_grantrole_reuses_the_team_of_show_and_role(alice):
    make_show(slug="alpha")
    get_user_model().objects.create_user("bob")

    grant("alice", "alpha", "editor")
    grant("bob", "alpha", "editor")
    grant("bob", "alpha", "editor")

    team = Team.objects.get()
    assert (team.name, team.role, sorted(team.members.values_list("username", flat=True))) == (
        "alpha: editor",
        Team.EDITOR,
        ["alice", "bob"],
    )


@pytest.mark.parametrize("args", [("alice", "*", "network_admin"), ("alice", "network-admin", "--all-shows")])
def test_grantrole_on_all_shows(alice, args):
    make_show()

    grant(*args)

    team = Team.objects.get()
    assert (team.all_shows, team.role) == (True, Team.NETWORK_ADMIN)
    assert is_network_admin(fresh(alice)) is True


@pytest.mark.parametrize(
    "args,message",
    [
        (("nobody", "alpha", "editor"), "No user named “nobody”."),
        (("alice", "nowhere", "editor"), "No show with the slug “nowhere”."),
        (
            ("alice", "alpha", "boss"),
            "Unknown role “boss”; choose one of: producer, editor, network_admin, analyst.",
        ),
    ],
)
def test_grantrole_errors_name_what_is_unknown(alice, args, message):
    make_show(slug="alpha")

    with pytest.raises(CommandError) as error:
        grant(*args)

    assert str(error.value) == message
    assert Team.objects.count() == 0
    assert fresh(alice).is_staff is False
