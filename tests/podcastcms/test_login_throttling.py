"""Guessing passwords at the admin login: after a few wrong ones the account is locked out."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-for-tests"


def attempt(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


@pytest.fixture
def editor():
    return make_user("editor", password=PASSWORD)


def test_login_wrong_passwords_lock_the_account_out_even_for_the_right_one(settings, editor):
    client = Client()
    statuses = [
        attempt(client, "editor", f"guess-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = attempt(client, "editor", PASSWORD)

    # The failures before the limit answer the login form again (200); the last one locks.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The attempt made while locked out counts as a failure too.
    assert (
        AccessAttempt.objects.get(username="editor").failures_since_start == settings.AXES_FAILURE_LIMIT + 1
    )


def test_login_fifty_guesses_lock_out_after_the_limit(settings, editor):
    client = Client()

    statuses = [attempt(client, "editor", f"guess-{n}").status_code for n in range(50)]

    assert statuses.count(200) == settings.AXES_FAILURE_LIMIT - 1
    assert statuses.count(429) == 50 - (settings.AXES_FAILURE_LIMIT - 1)


def test_login_right_password_before_the_limit_logs_in_and_resets_the_count(settings, editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "editor", f"guess-{n}")

    response = attempt(client, "editor", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert int(client.session["_auth_user_id"]) == editor.pk
    assert AccessAttempt.objects.filter(username="editor").count() == 0


def test_login_lockout_of_one_user_leaves_another_user_alone(settings, editor):
    make_user("producer", password=PASSWORD)
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "editor", f"guess-{n}")

    response = attempt(client, "producer", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_login_lockout_ends_after_the_cooloff(settings, editor):
    import time_machine
    from django.utils import timezone

    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "editor", f"guess-{n}")
        assert attempt(client, "editor", PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME)
        traveller.shift(1)
        response = attempt(client, "editor", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_login_without_a_request_is_not_throttled_and_still_checks_the_password(settings, editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "editor", f"guess-{n}")

    # The test client's login() authenticates without a request: no address to lock out.
    assert Client().login(username="editor", password=PASSWORD) is True
    assert Client().login(username="editor", password="wrong") is False
    assert attempt(client, "editor", PASSWORD).status_code == 429
