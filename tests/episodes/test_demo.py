import io

import pytest
from django.apps import apps
from django.core.management import call_command

from episodes.models import Episode, Show
from people.models import Person

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"episodes", "people", "sponsors", "auth"}
    }


def test_loaddemo_builds_the_reference_episode_from_a_real_mp3():
    call_command("loaddemo", stdout=io.StringIO())

    episode = Episode.objects.get(show__slug="podcast-init", number=202)
    assert episode.title == "The Past, Present, and Future of Deep Learning In PyTorch"
    assert episode.duration == 2532
    assert episode.duration_display() == "42 mins 12 secs"
    assert episode.audio_mime_type == "audio/mpeg"
    assert episode.audio_size == episode.audio.size
    assert episode.published_at.isoformat() == "2019-03-10T12:00:00+00:00"
    assert [c.person.name for c in episode.credits.order_by("order")] == ["Tobias Macey", "Adam Paszke"]
    assert [c.role for c in episode.credits.order_by("order")] == ["host", "guest"]
    assert episode.sponsor_reads.get().campaign.sponsor.name == "Linode"
    assert episode.links.count() == 13
    assert episode.show.music_license == "CC BY-SA"


def test_loaddemo_makes_a_network_of_two_shows_with_shared_host_and_sponsor():
    call_command("loaddemo", stdout=io.StringIO())

    assert sorted(Show.objects.values_list("slug", flat=True)) == [
        "data-engineering-podcast",
        "podcast-init",
    ]
    host = Person.objects.get(slug="tobias-macey")
    assert sorted(set(host.credits.values_list("episode__show__slug", flat=True))) == [
        "data-engineering-podcast",
        "podcast-init",
    ]
    campaign_shows = Show.objects.filter(campaigns__sponsor__slug="linode").order_by("slug")
    assert list(campaign_shows.values_list("slug", flat=True)) == [
        "data-engineering-podcast",
        "podcast-init",
    ]
    statuses = {e.slug: (e.status, e.is_public) for e in Episode.objects.filter(number__in=[203, 204])}
    assert statuses == {
        "packaging-future-episode-203": ("published", False),
        "typing-at-scale-episode-204": ("draft", False),
    }


def test_loaddemo_twice_creates_and_changes_nothing():
    call_command("loaddemo", "--with-users", stdout=io.StringIO())
    counts = row_counts()
    stamps = dict(Episode.objects.values_list("pk", "updated_at"))

    call_command("loaddemo", "--with-users", stdout=io.StringIO())

    assert row_counts() == counts
    assert dict(Episode.objects.values_list("pk", "updated_at")) == stamps


def test_loaddemo_adds_a_90_day_history_whose_figures_show_on_the_campaign_report():
    from episodes.analytics.models import DownloadEvent, EpisodeDay, RollupRun
    from sponsors.models import Campaign
    from sponsors.reports import campaign_report

    call_command("loaddemo", stdout=io.StringIO())

    events = DownloadEvent.objects.all()
    assert events.filter(is_bot=True).exists()
    assert events.filter(range_start=0, range_end=1).exists()  # Apple's probes
    days = sorted(set(EpisodeDay.objects.values_list("day", flat=True)))
    assert (str(days[0]), len(days)) == ("2019-02-24", 90)
    assert RollupRun.objects.count() == 90
    report = campaign_report(Campaign.objects.get(sponsor__slug="linode"))
    assert report.booked == 6000
    assert report.delivered == sum(EpisodeDay.objects.values_list("downloads", flat=True))
    assert report.delivered > 1000
    assert report.clicks > 50


def test_demo_history_is_the_same_every_time_and_loads_without_the_opawg_lists(settings, tmp_path):
    from episodes.analytics import rollup
    from episodes.analytics.demo import build_history
    from episodes.analytics.models import (
        Breakdown,
        DownloadEvent,
        EpisodeDay,
        EpisodeTotal,
        RollupRun,
        ShowBreakdown,
    )

    call_command("loaddemo", stdout=io.StringIO())
    shows = Show.objects.filter(slug__in=["podcast-init", "data-engineering-podcast"])
    first = sorted(EpisodeDay.objects.values_list("day", "episode__slug", "downloads"))
    checksums = sorted(RollupRun.objects.values_list("day", "checksum"))
    assert build_history(shows, log=lambda message: None) == 0  # there already: nothing added

    def wipe():
        for model in (DownloadEvent, EpisodeDay, EpisodeTotal, Breakdown, ShowBreakdown, RollupRun):
            model.objects.all().delete()

    wipe()
    build_history(shows, log=lambda message: None)
    assert sorted(EpisodeDay.objects.values_list("day", "episode__slug", "downloads")) == first
    assert sorted(RollupRun.objects.values_list("day", "checksum")) == checksums
    assert rollup.verify_totals()[0] is True

    wipe()
    settings.PODCASTCMS_USER_AGENT_LISTS = ""
    settings.BASE_DIR = tmp_path / "elsewhere" / "project"
    messages = []
    assert build_history(shows, log=messages.append) > 1000
    assert messages[-1].endswith(
        "made from a small built-in set (the OPAWG lists are not beside the project)"
    )
