"""Serving feeds cheaply: validators, 304, HEAD, gzip, the cached body, moves and query counts."""

import gzip
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from episodes.models import Chapter, Episode, Network, Show, Soundbite, Transcript
from people.models import Credit, Person
from sponsors.models import SponsorRead
from tests.factories import (
    credit,
    default_host,
    make_campaign,
    make_episode,
    make_network,
    make_person,
    make_show,
    sponsor_read,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def get(client, url, **headers):
    return client.get(url, headers=headers)


def guids(content):
    return [item.findtext("guid") for item in ET.fromstring(content).iter("item")]


def test_if_none_match_gets_304_with_empty_body_in_one_query(client):
    show = make_show()
    make_episode(show)
    first = get(client, show.get_feed_url())

    with CaptureQueriesContext(connection) as queries:
        repeat = get(client, show.get_feed_url(), **{"If-None-Match": first["ETag"]})

    assert repeat.status_code == 304
    assert repeat.content == b""
    assert len(queries) == 1
    assert repeat["ETag"] == first["ETag"]
    assert repeat["Last-Modified"] == first["Last-Modified"]


def test_if_modified_since_gets_304_in_one_query(client):
    show = make_show()
    make_episode(show)
    first = get(client, show.get_feed_url())

    with CaptureQueriesContext(connection) as queries:
        repeat = get(client, show.get_feed_url(), **{"If-Modified-Since": first["Last-Modified"]})

    assert repeat.status_code == 304
    assert repeat.content == b""
    assert len(queries) == 1


def test_older_if_modified_since_and_other_etag_get_the_feed(client):
    show = make_show()
    episode = make_episode(show)
    first = get(client, show.get_feed_url())
    earlier = http_date((episode.published_at - timedelta(days=1)).timestamp())

    by_date = get(client, show.get_feed_url(), **{"If-Modified-Since": earlier})
    by_tag = get(client, show.get_feed_url(), **{"If-None-Match": 'W/"something-else"'})

    assert (by_date.status_code, by_date.content) == (200, first.content)
    assert (by_tag.status_code, by_tag.content) == (200, first.content)


def test_if_none_match_wins_over_if_modified_since(client):
    show = make_show()
    make_episode(show)
    first = get(client, show.get_feed_url())

    response = get(
        client,
        show.get_feed_url(),
        **{"If-None-Match": 'W/"stale"', "If-Modified-Since": first["Last-Modified"]},
    )

    assert response.status_code == 200


def test_head_answers_headers_and_no_body(client):
    show = make_show()
    make_episode(show)
    full = get(client, show.get_feed_url())

    head = client.head(show.get_feed_url())

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content))
    assert head["ETag"] == full["ETag"]
    assert head["Content-Type"] == "application/rss+xml; charset=utf-8"


def test_gzip_for_clients_that_ask_and_plain_for_others(client):
    show = make_show()
    make_episode(show)

    plain = get(client, show.get_feed_url())
    zipped = get(client, show.get_feed_url(), **{"Accept-Encoding": "br, gzip;q=0.8"})
    refused = get(client, show.get_feed_url(), **{"Accept-Encoding": "gzip;q=0"})

    assert plain.has_header("Content-Encoding") is False
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["Content-Length"] == str(len(zipped.content))
    assert refused.content == plain.content
    for response in (plain, zipped):
        assert response["Vary"] == "Accept-Encoding"
        assert response["Cache-Control"] == "public, max-age=300"


def test_cached_body_is_served_with_only_the_validator_query(client):
    show = make_show()
    for _ in range(3):
        make_episode(show)
    first = get(client, show.get_feed_url())

    with CaptureQueriesContext(connection) as queries:
        second = get(client, show.get_feed_url())

    assert len(queries) == 1
    assert second.content == first.content


def test_private_and_unknown_show_feeds_answer_404(client):
    private = make_show(is_public=False)
    make_episode(private)

    assert get(client, private.get_feed_url()).status_code == 404
    assert get(client, "/shows/no-such-show/feed.xml").status_code == 404
    assert client.head(private.get_feed_url()).status_code == 404


def test_feed_refuses_post(client):
    show = make_show()

    assert client.post(show.get_feed_url()).status_code == 405


def test_unconfirmed_move_announces_the_new_url_and_still_serves(client):
    show = make_show(new_feed_url="https://feeds.example.net/moved.xml")

    response = get(client, show.get_feed_url())

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}new-feed-url") == (
        "https://feeds.example.net/moved.xml"
    )


def test_confirmed_move_answers_301_to_the_new_url(client):
    show = make_show(new_feed_url="https://feeds.example.net/moved.xml", feed_move_confirmed=True)

    response = get(client, show.get_feed_url())
    head = client.head(show.get_feed_url())

    assert response.status_code == 301
    assert response["Location"] == "https://feeds.example.net/moved.xml"
    assert (head.status_code, head["Location"]) == (301, "https://feeds.example.net/moved.xml")


def _edit_show(objects):
    objects["show"].title = "Renamed show"
    objects["show"].save()


def _edit_show_title_only(objects):
    objects["show"].title = "Renamed with update_fields"
    objects["show"].save(update_fields=["title"])


def _move_episode_away(objects):
    objects["episode"].show = make_show(title="Elsewhere")
    objects["episode"].save()


def _edit_episode(objects):
    objects["episode"].summary = "A new summary."
    objects["episode"].save()


def _add_credit(objects):
    credit(objects["episode"], make_person(name="New Guest"), "guest")


def _remove_credit(objects):
    Credit.objects.filter(episode=objects["episode"], role="guest").delete()


def _rename_person(objects):
    objects["host"].name = "Renamed Host"
    objects["host"].save()


def _add_default_host(objects):
    default_host(objects["show"], make_person(name="Second Host"), order=1)


def _edit_read(objects):
    read = SponsorRead.objects.get(episode=objects["episode"])
    read.copy = "<p>New copy.</p>"
    read.save()


def _edit_campaign(objects):
    objects["campaign"].promo_url = "https://sponsor.example.com/new-promo"
    objects["campaign"].save()


def _rename_sponsor(objects):
    sponsor = objects["campaign"].sponsor
    sponsor.name = "Renamed Sponsor"
    sponsor.save()


def _add_transcript(objects):
    Transcript.objects.create(episode=objects["episode"], url="https://cdn.example.com/t.vtt")


def _add_chapter(objects):
    Chapter.objects.create(episode=objects["episode"], start_time=12, title="A chapter")


def _add_soundbite(objects):
    Soundbite.objects.create(episode=objects["episode"], start_time=1, duration=10, title="A bite")


def _publish_other_show(objects):
    make_show(title="A new neighbour")


def _delete_episode(objects):
    objects["episode"].delete()


def _unpublish_episode(objects):
    objects["episode"].status = Episode.DRAFT
    objects["episode"].save()


@pytest.mark.parametrize(
    "edit",
    [
        _edit_show,
        _edit_show_title_only,
        _edit_episode,
        _move_episode_away,
        _add_credit,
        _remove_credit,
        _rename_person,
        _add_default_host,
        _edit_read,
        _edit_campaign,
        _rename_sponsor,
        _add_transcript,
        _add_chapter,
        _add_soundbite,
        _publish_other_show,
        _delete_episode,
        _unpublish_episode,
    ],
)
def test_validators_and_body_change_on_every_feed_edit(client, clock, edit):
    network = make_network()
    show = make_show()
    host = make_person(name="Host")
    default_host(show, host)
    episode = make_episode(show)
    credit(episode, host, "host")
    credit(episode, make_person(name="Guest"), "guest")
    campaign = make_campaign(show)
    sponsor_read(episode, campaign)
    objects = {"network": network, "show": show, "episode": episode, "host": host, "campaign": campaign}
    before = get(client, show.get_feed_url())
    clock.shift(timedelta(minutes=5))

    edit(objects)
    after = get(client, show.get_feed_url(), **{"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert after.content != before.content


def test_validators_change_when_a_scheduled_episode_time_passes(client, clock):
    show = make_show()
    make_episode(show)
    scheduled = make_episode(show, published_at=timezone.now() + timedelta(hours=1))
    before = get(client, show.get_feed_url())
    assert scheduled.guid not in guids(before.content)

    clock.shift(timedelta(hours=1, seconds=1))
    after = get(client, show.get_feed_url(), **{"If-None-Match": before["ETag"]})
    by_date = get(client, show.get_feed_url(), **{"If-Modified-Since": before["Last-Modified"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert guids(after.content)[0] == scheduled.guid
    assert by_date.status_code == 200


def test_scheduled_episode_stays_out_and_304_holds_before_its_time(client, clock):
    show = make_show()
    make_episode(show)
    make_episode(show, published_at=timezone.now() + timedelta(hours=1))
    before = get(client, show.get_feed_url())

    clock.shift(timedelta(minutes=59))
    repeat = get(client, show.get_feed_url(), **{"If-None-Match": before["ETag"]})

    assert repeat.status_code == 304


def bulk_episodes(show, count, host, campaign):
    now = timezone.now()
    Episode.objects.bulk_create(
        [
            Episode(
                show=show,
                title=f"Bulk {n}",
                slug=f"bulk-{n}",
                number=n,
                summary=f"Summary {n}",
                show_notes="<p>Notes</p>",
                external_audio_url=f"https://cdn.example.com/bulk/{n}.mp3",
                audio_size=1000 + n,
                audio_mime_type="audio/mpeg",
                duration=60,
                guid=str(uuid.uuid4()),
                status=Episode.PUBLISHED,
                published_at=now - timedelta(minutes=n + 1),
            )
            for n in range(1, count + 1)
        ]
    )
    episodes = list(show.episodes.all())
    guest = Person.objects.create(name=f"Guest of {show.slug}", slug=f"guest-{show.slug}")
    Credit.objects.bulk_create(
        [Credit(episode=e, person=host, role="host", group="cast") for e in episodes]
        + [Credit(episode=e, person=guest, role="guest", group="cast") for e in episodes]
    )
    SponsorRead.objects.bulk_create([SponsorRead(episode=e, campaign=campaign) for e in episodes])
    Transcript.objects.bulk_create(
        [Transcript(episode=e, url=f"https://cdn.example.com/{e.pk}.vtt") for e in episodes]
    )
    Chapter.objects.bulk_create([Chapter(episode=e, start_time=0, title="Start") for e in episodes])
    Soundbite.objects.bulk_create([Soundbite(episode=e, start_time=0, duration=5) for e in episodes])
    Show.objects.filter(pk=show.pk).update(content_changed_at=timezone.now())


def count_queries(client, url, **headers):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url, **headers)
    return response, len(queries)


def test_full_render_query_count_is_the_same_at_10_and_1000_episodes(client):
    make_network()
    host = make_person()
    counts = {}
    for size in (10, 1000):
        show = make_show(slug=f"size-{size}")
        default_host(show, host)
        campaign = make_campaign(show)
        bulk_episodes(show, size, host, campaign)
        response, counts[size] = count_queries(client, show.get_feed_url())
        assert response.status_code == 200
        assert len(guids(response.content)) == size

    assert counts[10] == counts[1000]


def test_304_costs_one_query_at_1000_episodes(client):
    host = make_person()
    show = make_show()
    campaign = make_campaign(show)
    bulk_episodes(show, 1000, host, campaign)
    first = get(client, show.get_feed_url())

    with CaptureQueriesContext(connection) as queries:
        repeat = get(client, show.get_feed_url(), **{"If-None-Match": first["ETag"]})

    assert (repeat.status_code, len(queries)) == (304, 1)


def test_network_row_is_created_once_for_the_network_feeds(client):
    assert Network.objects.count() == 0

    get(client, "/network/feed.xml")
    get(client, "/network/publisher.xml")

    assert Network.objects.count() == 1
