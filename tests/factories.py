"""Small builders for test data: real rows in the real database, real files."""

import io
from datetime import timedelta
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from episodes.audio import tone_mp3
from episodes.models import Episode, Show
from people.models import Credit, Person, ShowHost
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


def make_user(username=None, *, role=None, shows=(), all_shows=False, **fields):
    """A staff user on a team with ``role`` on ``shows`` (or all shows); no team without a role."""
    from django.contrib.auth import get_user_model

    from episodes.models import Team

    n = next(_sequence)
    username = username or f"user{n}"
    fields.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests", **fields)
    if role:
        team = Team.objects.create(name=f"Team {n} ({role})", role=role, all_shows=all_shows)
        team.shows.set(shows)
        team.members.add(user)
    return user
