"""Webhooks: signed per Standard Webhooks, only for the shows an endpoint was registered for."""

import json

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from episodes import services
from episodes.models import Episode
from episodes.notify.models import Delivery, WebhookEndpoint
from tests.factories import make_episode, make_show, make_user
from tests.recorder import RecordingServer
from tests.workers import run_worker

pytestmark = pytest.mark.django_db
ALL_EVENTS = WebhookEndpoint.EVENTS


@pytest.fixture
def server():
    server = RecordingServer().start()
    yield server
    server.stop()


def endpoint(server, path, *, shows=(), all_shows=False, events=ALL_EVENTS):
    made = WebhookEndpoint.objects.create(url=server.url(path), events=list(events), all_shows=all_shows)
    made.shows.set(shows)
    return made


def verified(request, endpoint):
    """The payload, once the library's own verifier accepted the signature."""
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def test_publishing_sends_a_signed_webhook_byte_for_byte(server):
    show = make_show(slug="hooked")
    hook = endpoint(server, "/hook", shows=[show], events=[WebhookEndpoint.EPISODE_PUBLISHED])
    editor = make_user(role="editor", shows=[show])
    draft = make_episode(show, status=Episode.DRAFT, published_at=None, title="Hooked one")

    services.publish(draft, editor)
    run_worker()

    (request,) = server.take()
    delivery = Delivery.objects.get()
    port = server.server_address[1]
    assert (
        request.raw
        == (
            f"POST /hook HTTP/1.1\r\nAccept-Encoding: identity\r\n"
            f"Content-Length: {len(delivery.body.encode())}\r\n"
            f"Host: 127.0.0.1:{port}\r\nUser-Agent: podcastcms-notify/1\r\nContent-Type: application/json\r\n"
            f"Webhook-Id: {delivery.message_id}\r\n"
            f"Webhook-Timestamp: {request.headers['webhook-timestamp']}\r\n"
            f"Webhook-Signature: {request.headers['webhook-signature']}\r\nConnection: close\r\n\r\n"
        ).encode()
        + delivery.body.encode()
    )
    payload = verified(request, hook)
    assert payload["type"] == "episode.published"
    assert payload["data"]["guid"] == draft.guid
    assert payload["data"]["title"] == "Hooked one"
    assert payload["data"]["show"]["slug"] == "hooked"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    with pytest.raises(WebhookVerificationError):
        Webhook(WebhookEndpoint().secret).verify(request.body, request.headers)


def test_endpoint_only_receives_events_of_its_shows(server):
    mine = make_show(slug="mine")
    theirs = make_show(slug="theirs")
    only_mine = endpoint(server, "/mine", shows=[mine])
    everything = endpoint(server, "/all", all_shows=True)
    editor = make_user(role="editor", all_shows=True)
    secret_draft = make_episode(theirs, status=Episode.DRAFT, published_at=None, title="Their secret")

    services.publish(secret_draft, editor)
    services.unpublish(secret_draft, editor)
    theirs.title = "Theirs, renamed"
    theirs.save()
    run_worker()

    requests = server.take()
    assert sorted(r.path for r in requests) == ["/all", "/all", "/all"]
    assert sorted(verified(r, everything)["type"] for r in requests) == [
        "episode.published",
        "episode.unpublished",
        "show.updated",
    ]
    assert Delivery.objects.filter(endpoint=only_mine).count() == 0


def test_scheduling_and_updating_send_their_events(server):
    show = make_show(slug="events")
    hook = endpoint(server, "/events", shows=[show])
    editor = make_user(role="editor", shows=[show])
    episode = make_episode(show, status=Episode.DRAFT, published_at=None)
    from django.utils import timezone

    services.publish(episode, editor, when=timezone.now() + timezone.timedelta(days=1))
    episode.refresh_from_db()
    episode.summary = "A better summary."
    episode.save()
    run_worker()

    types = [verified(r, hook)["type"] for r in server.take()]
    assert sorted(types) == ["episode.scheduled", "episode.updated"]


def test_a_failed_webhook_is_retried_and_redelivered_from_the_admin(server, client, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    show = make_show(slug="down")
    hook = endpoint(server, "/down", shows=[show], events=[WebhookEndpoint.SHOW_UPDATED])
    server.statuses = [500]
    show.title = "Renamed"
    show.save()
    run_worker()
    first = server.take()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.last_response) == (
        "failed",
        500,
        "try later",
    )

    editor = make_user(role="editor", shows=[show])
    client.force_login(editor)
    assert client.post(f"/admin/episodes/delivery/{delivery.pk}/redeliver/").status_code == 404
    admin = make_user(role="network_admin", all_shows=True)
    client.force_login(admin)
    page = client.get(f"/admin/episodes/delivery/{delivery.pk}/change/")
    assert 'id="redeliver"' in page.content.decode()
    response = client.post(f"/admin/episodes/delivery/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    run_worker()

    (again,) = server.take()
    assert again.headers["webhook-id"] == first[0].headers["webhook-id"] == delivery.message_id
    assert again.body == first[0].body
    assert verified(again, hook)["type"] == "show.updated"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_delivery_log_shows_a_team_only_its_shows_pings(client):
    mine = make_show(slug="log-mine")
    theirs = make_show(slug="log-theirs")
    own = Delivery.objects.create(kind="websub", show=mine, target_url="https://hub.example.com/", event="x")
    other = Delivery.objects.create(
        kind="websub", show=theirs, target_url="https://hub.example.com/", event="y"
    )
    network = Delivery.objects.create(
        kind="websub", show=None, target_url="https://hub.example.com/", event="network"
    )
    hook = Delivery.objects.create(
        kind="webhook",
        show=mine,
        target_url="https://hooks.example.com/",
        event="show.updated",
        body=json.dumps({"secret": "payload"}),
    )
    editor = make_user(role="editor", shows=[mine])
    client.force_login(editor)

    listing = client.get("/admin/episodes/delivery/")
    assert [row.pk for row in listing.context["cl"].result_list] == [own.pk]
    for hidden in (other, network, hook):
        # Not found, as for any hidden object.
        assert client.get(f"/admin/episodes/delivery/{hidden.pk}/change/").status_code == 404
    assert client.get(f"/admin/episodes/delivery/{own.pk}/change/").status_code == 200
    assert client.get("/admin/episodes/webhookendpoint/").status_code == 403


def test_show_page_links_its_delivery_log_with_counts(client):
    show = make_show(slug="counted")
    other = make_show(slug="not-counted")
    for status in ("delivered", "delivered", "failed"):
        Delivery.objects.create(
            kind="websub", show=show, target_url="https://hub.example.com/", status=status
        )
    Delivery.objects.create(kind="websub", show=other, target_url="https://hub.example.com/")
    client.force_login(make_user(role="network_admin", all_shows=True))

    page = client.get(f"/admin/episodes/show/{show.pk}/change/").content.decode()

    assert (
        f'<a href="/admin/episodes/delivery/?show={show.pk}">The log of the pings sent for this show</a> '
        "(2 delivered, 1 failed (no more retries))"
    ) in page
