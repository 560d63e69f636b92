"""A show imported from a feed, served by our feed and imported again, keeps what apps rely on."""

import pytest

from episodes.imports.importer import import_feed
from episodes.models import Episode, Show
from people.models import Credit, ShowHost
from tests.factories import shared_feed

KEPT = ("guid", "external_audio_url", "audio_size", "published_at", "duration", "title")


def kept_values(show):
    return sorted(Episode.objects.filter(show=show).values_list(*KEPT))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["sentimental-garbage.xml", "1865.xml", "dk-podcast.xml", "changing-the-tide.xml", "pc20rss.xml"],
)
def test_feed_served_by_us_imports_back_to_the_same_episodes(client, name):
    first = import_feed(shared_feed(name).read_bytes(), allow_locked=True).show
    first.is_public = True
    first.save()
    before = kept_values(first)
    response = client.get(f"/shows/{first.slug}/feed.xml")
    assert response.status_code == 200
    ours = b"".join(response) if response.streaming else response.content

    # The show moves on: its old copy is gone, our feed is all that is left of it.
    Credit.objects.all().delete()
    ShowHost.objects.all().delete()
    Episode.objects.all().delete()
    Show.objects.all().delete()
    result = import_feed(ours, show_slug="moved-again", allow_locked=True)

    assert result.skipped == []
    assert result.show.slug == "moved-again"
    assert kept_values(result.show) == before
    assert len(before) == result.counts["created"]
