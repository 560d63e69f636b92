"""A deterministic 90-day download history for the demo shows, made from OPAWG's example user
agents: real apps, some bots and Apple's two-byte probes. The same every time it is built; built
once (running the demo again changes nothing)."""

import hashlib
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings

from ..models import Episode
from . import counting, rollup
from .models import DownloadEvent
from .useragents import OpawgClassifier, get_classifier

HISTORY_START = date(2019, 2, 24)  # the first demo episode's publication day
HISTORY_DAYS = 90
SEED = 20190310
LISTENERS = 900

# Apps by share of listens, and the few bots that fetch enclosures, named as OPAWG names them.
APP_WEIGHTS = {
    "Apple Podcasts": 34,
    "Spotify": 20,
    "Overcast": 10,
    "Pocket Casts": 8,
    "Podcast Addict": 7,
    "AntennaPod": 6,
    "Castro": 4,
    "Podverse": 2,
    "Fountain": 2,
}
BOT_NAMES = ["AhrefsBot", "Googlebot", "Bingbot", "Applebot", "SemrushBot"]

# Used only where the OPAWG lists are not beside the project: a few well-known strings.
BUILT_IN_APPS = {
    "Apple Podcasts": ["Podcasts/1410.53 CFNetwork/1111 Darwin/19.0.0 (x86_64)"],
    "Spotify": ["Spotify/8.7.10 iOS/15.3.1 (iPhone13,2)"],
    "Overcast": ["Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"],
    "Pocket Casts": ["Pocket Casts"],
    "Podcast Addict": ["PodcastAddict/v5 ( https://podcastaddict.com/; Android podcast app)"],
    "AntennaPod": ["AntennaPod/2.0.1"],
    "Castro": ["Castro 2020.14/1287"],
}
BUILT_IN_BOTS = [
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
]


def opawg_directory():
    """The OPAWG lists: the configured directory, else ../shared/data/… beside the project."""
    candidates = []
    if settings.PODCASTCMS_USER_AGENT_LISTS:
        candidates.append(Path(settings.PODCASTCMS_USER_AGENT_LISTS))
    for base in (settings.BASE_DIR.parent, settings.BASE_DIR.parent.parent):
        candidates.append(base / "shared" / "data" / "opawg-user-agents-v2")
    for candidate in candidates:
        if (candidate / "apps.json").is_file() and (candidate / "bots.json").is_file():
            return candidate
    return None


def example_agents(directory):
    """({app name: [examples]}, [bot examples]) from the OPAWG lists, or the built-in set."""
    if directory is None:
        return (
            BUILT_IN_APPS,
            BUILT_IN_BOTS,
            "a small built-in set (the OPAWG lists are not beside the project)",
        )
    apps = json.loads((directory / "apps.json").read_text(encoding="utf-8"))["entries"]
    bots = json.loads((directory / "bots.json").read_text(encoding="utf-8"))["entries"]
    app_examples = {
        e["name"]: e["examples"][:3] for e in apps if e["name"] in APP_WEIGHTS and e.get("examples")
    }
    bot_examples = [
        e["examples"][0] for e in bots if e.get("examples") and any(n in e["name"] for n in BOT_NAMES)
    ]
    return app_examples, bot_examples or BUILT_IN_BOTS, f"the OPAWG example user agents in {directory}"


def fake_listener(number):
    return hashlib.blake2b(f"demo-listener-{number}".encode(), digest_size=16).hexdigest()


def at(day, rng):
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=rng.randrange(86400))


def build_history(shows, log=print):
    """Add the history of ``shows``' published episodes unless it is there already. Returns the
    number of raw events added (0 the second time)."""
    start = datetime(HISTORY_START.year, HISTORY_START.month, HISTORY_START.day, tzinfo=UTC)
    end = start + timedelta(days=HISTORY_DAYS)
    existing = DownloadEvent.objects.filter(show__in=shows, occurred_at__gte=start, occurred_at__lt=end)
    if existing.exists():
        log("Checked the 90-day download history")
        return 0
    directory = opawg_directory()
    app_examples, bot_examples, source = example_agents(directory)
    classifier = OpawgClassifier(directory) if directory else get_classifier()
    rng = random.Random(SEED)
    names = sorted(app_examples)
    weights = [APP_WEIGHTS.get(name, 1) for name in names]
    listeners = []
    for number in range(LISTENERS):
        name = rng.choices(names, weights)[0]
        listeners.append((fake_listener(number), name, rng.choice(app_examples[name])))
    episodes = list(
        Episode.objects.published().filter(show__in=shows).exclude(audio="").order_by("published_at", "pk")
    )
    events = []
    for episode in episodes:
        size = episode.audio_size or 0
        needed = counting.minimum_bytes(size, episode.duration)
        audience = 260 if episode.show.slug == "podcast-init" else 150
        published = episode.published_at.astimezone(UTC).date()
        for offset in range(HISTORY_DAYS):
            day = HISTORY_START + timedelta(days=offset)
            age = (day - published).days
            if age < 0:
                continue
            expected = audience * (0.42 if age == 0 else 0.9 / (age + 1.3) + 0.004)
            expected *= 0.8 if day.weekday() >= 5 else 1.0
            for listener, name, agent in rng.sample(
                listeners, min(LISTENERS, int(expected * rng.uniform(0.8, 1.2)))
            ):
                kind = classifier.classify(agent)
                common = {
                    "episode_id": episode.pk,
                    "show_id": episode.show_id,
                    "listener": listener,
                    "agent_kind": kind.kind,
                    "is_bot": kind.is_bot,
                    "app": kind.name,
                    "device": kind.device,
                    "device_category": kind.device_category,
                    "os": kind.os,
                    "bytes_needed": needed,
                }
                when = at(day, rng)
                if name == "Apple Podcasts":  # Apple's players probe with two bytes first
                    events.append(
                        DownloadEvent(
                            occurred_at=when, range_start=0, range_end=1, bytes_requested=2, **common
                        )
                    )
                    when += timedelta(seconds=1)
                events.append(DownloadEvent(occurred_at=when, bytes_requested=size, **common))
            for _ in range(rng.randrange(0, 4)):
                agent = rng.choice(bot_examples)
                kind = classifier.classify(agent)
                events.append(
                    DownloadEvent(
                        occurred_at=at(day, rng),
                        episode_id=episode.pk,
                        show_id=episode.show_id,
                        listener=fake_listener(100_000 + rng.randrange(50)),
                        agent_kind=kind.kind,
                        is_bot=kind.is_bot,
                        app=kind.name,
                        bytes_requested=size,
                        bytes_needed=needed,
                    )
                )
    events.sort(key=lambda event: event.occurred_at)
    DownloadEvent.objects.bulk_create(events, batch_size=2000)
    for offset in range(HISTORY_DAYS):
        rollup.rollup_day(HISTORY_START + timedelta(days=offset))
    log(f"Added a 90-day download history ({len(events)} raw events) made from {source}")
    return len(events)
