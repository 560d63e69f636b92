"""Small builders for test data: real rows in the real database, real files."""

import io
import os
from datetime import timedelta
from itertools import count
from pathlib import Path
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from episodes.audio import tone_mp3
from episodes.models import Announcement, Episode, EpisodeLink, Show, Team
from people.models import Credit, Person, PersonLink, Pick, ShowHost
from sponsors.models import Campaign, Sponsor, SponsorRead

_sequence = count(1)


def png_bytes(size=(1400, 1400), color=(200, 60, 40), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def image_upload(name="art.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def mp3_upload(name="episode.mp3", seconds=3):
    return SimpleUploadedFile(name, tone_mp3(seconds), content_type="audio/mpeg")


def make_show(**fields):
    n = next(_sequence)
    fields.setdefault("title", f"Show {n}")
    fields.setdefault("slug", f"show-{n}")
    fields.setdefault("description", f"The description of show {n}.")
    fields.setdefault("is_public", True)
    fields.setdefault("author", "Network Author")
    fields.setdefault("owner_name", "Network Owner")
    fields.setdefault("owner_email", "owner@example.com")
    return Show.objects.create(**fields)


def make_episode(show=None, *, audio=False, **fields):
    """A published episode (one hour ago) unless ``status``/``published_at`` say otherwise."""
    n = next(_sequence)
    show = show or make_show()
    fields.setdefault("title", f"Episode {n}")
    fields.setdefault("slug", f"episode-{n}")
    fields.setdefault("summary", f"Summary of episode {n}.")
    fields.setdefault("status", Episode.PUBLISHED)
    if fields["status"] == Episode.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if audio:
        fields["audio"] = mp3_upload(seconds=audio if audio is not True else 3)
    else:
        fields.setdefault("external_audio_url", f"https://cdn.example.com/{n}.mp3")
    return Episode.objects.create(show=show, **fields)


def make_person(**fields):
    n = next(_sequence)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("slug", f"person-{n}")
    return Person.objects.create(**fields)


def credit(episode, person, role="guest", order=0):
    return Credit.objects.create(episode=episode, person=person, role=role, order=order)


def default_host(show, person, order=0):
    return ShowHost.objects.create(show=show, person=person, role="host", order=order)


def make_campaign(*shows, **fields):
    n = next(_sequence)
    sponsor = fields.pop("sponsor", None) or Sponsor.objects.create(
        name=f"Sponsor {n}", slug=f"sponsor-{n}", website="https://sponsor.example.com"
    )
    fields.setdefault("name", f"Campaign {n}")
    fields.setdefault("read_copy", f"<p>Copy of campaign {n}.</p>")
    fields.setdefault("promo_url", f"https://sponsor.example.com/promo-{n}")
    fields.setdefault("starts_on", timezone.now().date() - timedelta(days=30))
    campaign = Campaign.objects.create(sponsor=sponsor, **fields)
    campaign.shows.set(shows)
    return campaign


def sponsor_read(episode, campaign, position=SponsorRead.PRE_ROLL, **fields):
    return SponsorRead.objects.create(episode=episode, campaign=campaign, position=position, **fields)


def person_link(person, title, url, order=0):
    return PersonLink.objects.create(person=person, title=title, url=url, order=order)


def pick(episode, person, title, url="", order=0):
    return Pick.objects.create(episode=episode, person=person, title=title, url=url, order=order)


def episode_link(episode, title, url, order=0):
    return EpisodeLink.objects.create(episode=episode, title=title, url=url, order=order)


def announcement(show, text, starts_on=None, ends_on=None, order=0):
    starts_on = starts_on or timezone.now().date() - timedelta(days=30)
    return Announcement.objects.create(
        show=show, text=text, starts_on=starts_on, ends_on=ends_on, order=order
    )


def make_full_episode(show=None, *, items=1, **fields):
    """A public episode with every section of the episode page, ``items`` entries in each list.

    Section texts carry the section's name so tests can find them; with ``items`` above one,
    every list (hosts, guests, reads, announcements, picks, links, contact links) grows.
    """
    show = show or make_show(
        intro="Hello and welcome to the show.",
        music_credit="Requiem for a Fish The Freak Fandango Orchestra",
        music_license="CC BY-SA",
        music_license_url="https://creativecommons.org/licenses/by-sa/3.0/",
    )
    fields.setdefault("summary", "The about-this-episode summary.")
    fields.setdefault("show_notes", "<ul><li>Show notes question</li></ul>")
    fields.setdefault("duration", 2532)
    episode = make_episode(show, **fields)
    campaign = make_campaign(show, promo_code="PROMO")
    for i in range(items):
        host = make_person(name=f"Host {i}")
        guest = make_person(name=f"Guest {i}")
        credit(episode, host, "host", order=i)
        credit(episode, guest, "guest", order=items + i)
        person_link(guest, f"Guest {i} contact link", f"https://example.com/guest-{i}")
        pick(episode, guest, f"Guest {i} pick", f"https://example.com/pick-{i}")
        episode_link(episode, f"Episode link {i}", f"https://example.com/link-{i}", order=i)
        announcement(show, f"<p>Announcement {i}</p>", order=i)
        sponsor_read(episode, campaign, copy=f"<p>Sponsor read {i}</p>", order=i)
    return episode


def team_member(role, *shows, all_shows=False, username=None, password="pw-for-tests-only"):
    """A staff user in a team of ``role`` on ``shows`` (or on every show)."""
    return make_user(username, role=role, shows=shows, all_shows=all_shows, password=password)


# Real feeds of other shows, kept beside the project (not in it) for import tests.
# SHARED_DIR names another place for that folder (a checkout elsewhere).
SHARED_FEEDS = (
    Path(os.environ.get("SHARED_DIR") or Path(__file__).resolve().parent.parent.parent / "shared") / "feeds"
)


def shared_feed(name):
    """Path of a real feed in ../shared/feeds; the test is skipped where that folder is absent."""
    import pytest

    path = SHARED_FEEDS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real feeds live beside the project, not in it")
    return path


def rss_item(title, guid=None, audio_url=None, **tags):
    """One <item> of a feed written by a test; ``tags`` become elements verbatim (e.g. pubDate)."""
    parts = [f"<title>{escape(title)}</title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if audio_url is not None:
        length = tags.pop("length", "1234")
        mime_type = tags.pop("mime_type", "audio/mpeg")
        parts.append(f'<enclosure url="{escape(audio_url)}" length="{length}" type="{mime_type}"/>')
    tags.setdefault("pubDate", "Mon, 01 Jan 2024 10:00:00 +0000")
    for name, value in tags.items():
        tag = name.replace("__", ":")
        parts.append(f"<{tag}>{value}</{tag}>")
    return "<item>" + "".join(parts) + "</item>"


def rss_document(*items, title="Imported Show", channel_extra="", encoding="utf-8"):
    """A small RSS 2.0 podcast feed as bytes in ``encoding``, for import tests."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0">\n<channel>'
        f"<title>{escape(title)}</title><link>https://old-host.example.com/show</link>"
        "<description>A show that moves to our network.</description><language>en-us</language>"
        f"{channel_extra}{''.join(items)}</channel></rss>"
    )
    return text.encode(encoding)


def make_network(**fields):
    from episodes.models import Network

    fields.setdefault("name", "Example Network")
    fields.setdefault("owner_name", "Network Owner")
    fields.setdefault("owner_email", "network@example.com")
    return Network.objects.create(**fields)


def text_upload(name, text, content_type="text/vtt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type=content_type)


WEBVTT_SAMPLE = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello and welcome.\n"


def make_user(username=None, *, role=None, shows=(), all_shows=False, password="pw-for-tests", **fields):
    """A staff user on a team with ``role`` on ``shows`` (or all shows); no team without a role."""
    n = next(_sequence)
    username = username or f"{role or 'user'}-{n}"
    fields.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username, f"{username}@example.com", password, **fields)
    if role:
        team = Team.objects.create(name=f"Team {n} ({role})", role=role, all_shows=all_shows)
        team.shows.set(shows)
        team.members.add(user)
    return user


# The inline prefixes of the feed tags (episodes.admin.feed_tags), for admin form posts.
SHOW_TAG_PREFIXES = [
    "funding_links",
    "locations",
    "txt_records",
    "images",
    "trailers",
    "platform_blocks",
    "live_items",
]
EPISODE_TAG_PREFIXES = [
    "funding_links",
    "locations",
    "txt_records",
    "images",
    "social_interacts",
    "alternate_enclosures",
]


def empty_inlines(prefixes):
    return {key: 0 for prefix in prefixes for key in (f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS")}
