"""Access matrix of the delivery log, webhook endpoints, task results and import jobs."""

import pytest
from django.test import Client
from django.urls import reverse

from episodes.imports.models import ImportJob
from episodes.models import Team
from episodes.notify.models import Delivery, WebhookEndpoint
from tests.factories import make_show, make_user

ROLES = ["anonymous", "producer_a", "editor_a", "network_admin"]
LOGIN_ONLY = (302, 200, 200, 200)
SCOPED_OTHER = (302, 404, 404, 200)  # not found, like any object the user may not see
NETWORK_ADMIN_ONLY = (302, 403, 403, 200)
NOT_FOUND_BELOW_NETWORK_ADMIN = (302, 404, 404, 200)


@pytest.fixture
def world(db):
    show_a = make_show(slug="alpha")
    show_b = make_show(slug="bravo", is_public=False)
    hub = "https://hub.example.com/"
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.com/", events=["show.updated"])
    endpoint.shows.add(show_b)
    return {
        "ping_a": Delivery.objects.create(kind="websub", show=show_a, target_url=hub, event="a"),
        "ping_b": Delivery.objects.create(kind="websub", show=show_b, target_url=hub, event="b"),
        "ping_network": Delivery.objects.create(kind="websub", show=None, target_url=hub, event="network"),
        "hook_a": Delivery.objects.create(kind="webhook", show=show_a, endpoint=endpoint, target_url=hub),
        "endpoint": endpoint,
        "job": ImportJob.objects.create(source_url="https://old.example.com/feed.xml"),
        "users": {
            "producer_a": make_user(role=Team.PRODUCER, shows=[show_a]),
            "editor_a": make_user(role=Team.EDITOR, shows=[show_a]),
            "network_admin": make_user(role=Team.NETWORK_ADMIN, all_shows=True),
        },
    }


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


MATRIX = [
    ("delivery log", lambda w: reverse("admin:episodes_delivery_changelist"), LOGIN_ONLY),
    (
        "ping of show A",
        lambda w: reverse("admin:episodes_delivery_change", args=[w["ping_a"].pk]),
        LOGIN_ONLY,
    ),
    (
        "ping of show B",
        lambda w: reverse("admin:episodes_delivery_change", args=[w["ping_b"].pk]),
        SCOPED_OTHER,
    ),
    (
        "ping of the network feed",
        lambda w: reverse("admin:episodes_delivery_change", args=[w["ping_network"].pk]),
        SCOPED_OTHER,
    ),
    (
        "webhook of show A",
        lambda w: reverse("admin:episodes_delivery_change", args=[w["hook_a"].pk]),
        SCOPED_OTHER,
    ),
    ("webhook endpoints", lambda w: reverse("admin:episodes_webhookendpoint_changelist"), NETWORK_ADMIN_ONLY),
    ("webhook endpoint add", lambda w: reverse("admin:episodes_webhookendpoint_add"), NETWORK_ADMIN_ONLY),
    (
        "webhook endpoint change",
        lambda w: reverse("admin:episodes_webhookendpoint_change", args=[w["endpoint"].pk]),
        SCOPED_OTHER,
    ),
    (
        "task results",
        lambda w: reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        NETWORK_ADMIN_ONLY,
    ),
    (
        "import job page",
        lambda w: reverse("admin:episodes_show_import_job", args=[w["job"].pk]),
        NOT_FOUND_BELOW_NETWORK_ADMIN,
    ),
    (
        "import job progress",
        lambda w: reverse("admin:episodes_show_import_job_progress", args=[w["job"].pk]),
        NOT_FOUND_BELOW_NETWORK_ADMIN,
    ),
]


@pytest.mark.parametrize("name,url,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_notify_admin_url_answers_expected_status_for_each_role(world, name, url, expected):
    path = url(world)

    assert tuple(client_for(world, role).get(path).status_code for role in ROLES) == expected


def test_delivery_log_lists_only_the_teams_show(world):
    listing = client_for(world, "editor_a").get(reverse("admin:episodes_delivery_changelist"))
    everything = client_for(world, "network_admin").get(reverse("admin:episodes_delivery_changelist"))

    assert [row.pk for row in listing.context["cl"].result_list] == [world["ping_a"].pk]
    assert len(everything.context["cl"].result_list) == 4


def test_import_job_cannot_be_cancelled_below_network_admin(world):
    path = reverse("admin:episodes_show_import_job_cancel", args=[world["job"].pk])

    for role in ("producer_a", "editor_a"):
        assert client_for(world, role).post(path).status_code == 404
    assert client_for(world, "network_admin").post(path).status_code == 302
    world["job"].refresh_from_db()
    assert world["job"].status == ImportJob.CANCELLED


def test_redeliver_is_for_network_admins_only(world):
    path = reverse("admin:episodes_delivery_redeliver", args=[world["ping_a"].pk])

    assert client_for(world, "editor_a").post(path).status_code == 404
    assert client_for(world, "network_admin").post(path).status_code == 302
