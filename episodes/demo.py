"""The demo network: Podcast.__init__ episode 202 as its page shows it, and a network around it.

The texts are the demo's own data, kept here; nothing is read from outside the project.
The page this reproduces lost its link targets (the sponsor's promo URL, the Keep In Touch,
Picks and Links lists); where it did, the demo uses plausible stand-ins.
"""

import io
import random
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from people.models import Credit, Person, PersonLink, Pick, ShowHost
from podcastcms.fields import RichTextField
from podcastcms.sanitize import sanitize_html
from sponsors.models import Campaign, PromoClick, Sponsor, SponsorRead

from .analytics.demo import HISTORY_DAYS, HISTORY_START, build_history, fake_listener
from .analytics.demo import SEED as HISTORY_SEED
from .audio import tone_mp3
from .models import (
    Announcement,
    Chapter,
    Episode,
    EpisodeLink,
    FundingLink,
    ListenLink,
    Network,
    Show,
    Team,
    Transcript,
)

REFERENCE_DURATION = 42 * 60 + 12  # "42 mins 12 secs"

NETWORK = {
    "name": "Boundless Notebook",
    "tagline": "Conversations about Python, data and the people who build with them",
    "description": (
        "An independent network of interview shows about software. Every week our hosts sit "
        "down with the people behind the tools you use, to learn how they work and why they "
        "were built."
    ),
    "website": "https://www.boundlessnotebook.com",
    "owner_name": "Tobias Macey",
    "owner_email": "hosts@boundlessnotebook.com",
}

PODCAST_INIT = {
    "title": "Podcast.__init__",
    "subtitle": "The podcast about Python and the people who make it great",
    "description": (
        "The weekly podcast about Python and the people who make it great. Each episode is a "
        "conversation with the maintainers, users and teachers of the tools that make Python "
        "one of the most popular languages in the world."
    ),
    "language": "en-us",
    "category": "Technology",
    "subcategory": "",
    "author": "Tobias Macey",
    "owner_name": "Tobias Macey",
    "owner_email": "hosts@podcastinit.com",
    "copyright": "© 2015–2019 Tobias Macey, CC BY-SA",
    "website": "https://www.podcastinit.com",
    "intro": (
        "Hello and welcome to Podcast.__init__, the podcast about Python and the people who make it great."
    ),
    "music_credit": "Requiem for a Fish The Freak Fandango Orchestra",
    "music_license": "CC BY-SA",
    "music_license_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "is_public": True,
}

DATA_ENGINEERING = {
    "title": "Data Engineering Podcast",
    "subtitle": "Weekly deep dives on data management with the engineers building it",
    "description": (
        "This show goes behind the scenes of the tools, techniques and difficulties of modern "
        "data management. Conversations with the engineers who build data platforms, the "
        "architects of databases and the teams running pipelines in production."
    ),
    "language": "en-us",
    "category": "Technology",
    "subcategory": "",
    "author": "Tobias Macey",
    "owner_name": "Tobias Macey",
    "owner_email": "hosts@dataengineeringpodcast.com",
    "copyright": "© 2017–2019 Tobias Macey, CC BY-SA",
    "website": "https://www.dataengineeringpodcast.com",
    "intro": "Hello and welcome to the Data Engineering Podcast, the show about modern data management.",
    "music_credit": "The Hug The Freak Fandango Orchestra",
    "music_license": "CC BY-SA",
    "music_license_url": "https://creativecommons.org/licenses/by-sa/3.0/",
    "is_public": True,
}

ANNOUNCEMENTS = [
    # (text, starts_on, ends_on)
    (
        '<p>Visit the <a href="https://www.podcastinit.com">site</a> to subscribe to the show, sign up '
        "for the newsletter, and read the show notes. And if you have any questions, comments, or "
        "suggestions I would love to hear them. You can reach me on Twitter at "
        '<a href="https://twitter.com/Podcast__init__">@Podcast__init__</a> or email '
        '<a href="mailto:hosts@podcastinit.com">hosts@podcastinit.com</a></p>',
        date(2018, 1, 1),
        None,
    ),
    (
        "<p>To help other people find the show please leave a review on "
        '<a href="https://itunes.apple.com/us/podcast/podcast-__init__-the-podcast-about-python/id981834425">'
        "iTunes</a> and tell your friends and co-workers</p>",
        date(2018, 1, 1),
        None,
    ),
    (
        "<p>Join the community in the new Zulip chat workspace at "
        '<a href="https://www.podcastinit.com/chat">podcastinit.com/chat</a></p>',
        date(2019, 2, 1),
        None,
    ),
    (
        '<p>Check out the <a href="https://changelog.com/practicalai">Practical AI podcast</a> from '
        "our friends at Changelog Media to learn and stay up to date with what’s happening in AI</p>",
        date(2019, 2, 15),
        date(2019, 4, 30),
    ),
    (
        "<p>You listen to this show to learn and stay up to date with the ways that Python is being "
        "used, including the latest in machine learning and data analysis. For even more "
        "opportunities to meet, listen, and learn from your peers you don’t want to miss out on this "
        "year’s conference season. We have partnered with O’Reilly Media for the Strata conference "
        "in San Francisco on March 25th and the Artificial Intelligence conference in NYC on April "
        "15th. Here in Boston, starting on May 17th, you still have time to grab a ticket to the "
        "Enterprise Data World, and from April 30th to May 3rd is the Open Data Science Conference. "
        'Go to <a href="https://www.podcastinit.com/conferences">podcastinit.com/conferences</a> to '
        "learn more and take advantage of our partner discounts when you register.</p>",
        date(2019, 2, 15),
        date(2019, 5, 3),
    ),
]

LINODE_COPY = (
    "<p>When you’re ready to launch your next app or want to try a project you hear about on the "
    "show, you’ll need somewhere to deploy it, so take a look at our friends over at Linode. With "
    "200 Gbit/s private networking, scalable shared block storage, node balancers, and a 40 Gbit/s "
    "public network, all controlled by a brand new API you’ve got everything you need to scale up. "
    "And for your tasks that need fast computation, such as training machine learning models, they "
    "just launched dedicated CPU instances. Go to "
    '<a href="https://www.podcastinit.com/linode">podcastinit.com/linode</a> to get a $20 credit '
    "and launch a new server in under a minute. And don’t forget to thank them for their continued "
    "support of this show!</p>"
)

REFERENCE_SUMMARY = (
    "The current buzz in data science and big data is around the promise of deep learning, "
    "especially when working with unstructured data. One of the most popular frameworks for "
    "building deep learning applications is PyTorch, in large part because of their focus on ease "
    "of use. In this episode Adam Paszke explains how he started the project, how it compares to "
    "other frameworks in the space such as Tensorflow and CNTK, and how it has evolved to support "
    "deploying models into production and on mobile devices."
)

REFERENCE_TOPIC = (
    "PyTorch, an open source deep learning platform that provides a seamless path from research "
    "prototyping to production deployment"
)

REFERENCE_NOTES = """
<h2>Interview</h2>
<ul>
<li>Introductions</li>
<li>How did you get introduced to Python?</li>
<li>Can you start by explaining what deep learning is and how it relates to machine learning and artificial intelligence?</li>
<li>Can you explain what PyTorch is and your motivation for creating it?
<ul><li>Why was it important for PyTorch to be open source?</li></ul></li>
<li>There is currently a large and growing ecosystem of deep learning tools built for Python. Can you describe the current landscape and how PyTorch fits in relation to projects such as Tensorflow and CNTK?
<ul><li>What are some of the ways that PyTorch is different from Tensorflow and CNTK, and what are the areas where these frameworks are converging?</li></ul></li>
<li>How much knowledge of machine learning, artificial intelligence, or neural network topologies are necessary to make use of PyTorch?
<ul><li>What are some of the foundational topics that are most useful to know when getting started with PyTorch?</li></ul></li>
<li>Can you describe how PyTorch is architected/implemented and how it has evolved since you first began working on it?
<ul><li>You recently reached the 1.0 milestone. Can you talk about the journey to that point and the goals that you set for the release?</li></ul></li>
<li>What are some of the other components of the Python ecosystem that are most commonly incorporated into projects based on PyTorch?</li>
<li>What are some of the most novel, interesting, or unexpected uses of PyTorch that you have seen?</li>
<li>What are some cases where PyTorch is the wrong choice for a problem?</li>
<li>What is the process for incorporating these new techniques and discoveries into the PyTorch framework?
<ul><li>What are the areas of active research that you are most excited about?</li></ul></li>
<li>What are some of the most interesting/useful/unexpected/challenging lessons that you have learned in the process of building and maintaining PyTorch?</li>
<li>What do you have planned for the future of PyTorch?</li>
</ul>
"""  # noqa: E501

REFERENCE_LINKS = [
    ("PyTorch", "https://pytorch.org/"),
    ("University of Warsaw", "https://www.uw.edu.pl/"),
    ("Facebook AI Research", "https://ai.facebook.com/"),
    ("Torch", "http://torch.ch/"),
    ("Lua", "https://www.lua.org/"),
    ("Tensorflow", "https://www.tensorflow.org/"),
    ("CNTK", "https://github.com/Microsoft/CNTK"),
    ("Chainer", "https://chainer.org/"),
    ("Caffe2", "https://caffe2.ai/"),
    ("ONNX", "https://onnx.ai/"),
    ("NumPy", "http://www.numpy.org/"),
    ("Autograd", "https://github.com/HIPS/autograd"),
    ("Jupyter", "https://jupyter.org/"),
]

PEOPLE = {
    "tobias-macey": {
        "name": "Tobias Macey",
        "bio": (
            "Tobias Macey hosts Podcast.__init__ and the Data Engineering Podcast. He runs the "
            "platform and DevOps team at MIT Open Learning and has been building with Python "
            "for well over a decade."
        ),
        "website": "https://www.boundlessnotebook.com",
        "links": [
            ("@TobiasMacey on Twitter", "https://twitter.com/TobiasMacey"),
            ("blarghmatey on GitHub", "https://github.com/blarghmatey"),
        ],
        "colour": (38, 70, 120),
    },
    "adam-paszke": {
        "name": "Adam Paszke",
        "bio": (
            "Adam Paszke is one of the authors of PyTorch. He started the project while studying "
            "at the University of Warsaw and working with Facebook AI Research."
        ),
        "website": "https://github.com/apaszke",
        "links": [
            ("apaszke on GitHub", "https://github.com/apaszke"),
            ("@apaszke on Twitter", "https://twitter.com/apaszke"),
        ],
        "colour": (170, 60, 40),
    },
    "maxime-beauchemin": {
        "name": "Maxime Beauchemin",
        "bio": "Maxime Beauchemin created Apache Airflow and Apache Superset.",
        "website": "https://github.com/mistercrunch",
        "links": [("mistercrunch on GitHub", "https://github.com/mistercrunch")],
        "colour": (40, 120, 90),
    },
}

PICKS = [
    # (person slug, title, url) — stand-ins for the list the reference page lost
    ("tobias-macey", "The Expanse television series", "https://www.imdb.com/title/tt3230854/"),
    (
        "adam-paszke",
        "Deep Learning, by Goodfellow, Bengio and Courville",
        "https://www.deeplearningbook.org/",
    ),
    ("adam-paszke", "Hiking in the Tatra mountains", "https://en.wikipedia.org/wiki/Tatra_Mountains"),
]

EARLIER_EPISODES = [
    # (number, slug, title, guest slug, published day)
    (200, "airflow-data-pipelines-episode-200", "Data Pipelines As Code With Apache Airflow",
     "maxime-beauchemin", date(2019, 2, 24)),
    (201, "python-community-report-episode-201", "The State Of The Python Community In 2019",
     None, date(2019, 3, 3)),
]  # fmt: skip

DATA_ENGINEERING_EPISODES = [
    (71, "superset-data-exploration-episode-71", "Exploring Your Data With Apache Superset",
     "maxime-beauchemin", date(2019, 2, 25)),
    (72, "dataframes-at-scale-episode-72", "Scaling Dataframes Beyond One Machine",
     None, date(2019, 3, 4)),
]  # fmt: skip

DEMO_USERS = [
    # (username, team name, role, show slugs or None for all)
    ("producer", "Podcast.__init__ producers", Team.PRODUCER, ["podcast-init"]),
    ("editor", "Podcast.__init__ editors", Team.EDITOR, ["podcast-init"]),
]


# Made for the demo (not the episode's real chapters or words): enough to show both on the page.
REFERENCE_CHAPTERS = [
    (0, "Introduction", ""),
    (95, "How Adam got started with Python", ""),
    (410, "The origins of PyTorch", "https://pytorch.org/"),
    (1130, "Autograd and eager execution", "https://pytorch.org/docs/stable/autograd.html"),
    (1820, "The road to PyTorch 1.0 and TorchScript", ""),
    (2330, "Picks", ""),
]
CHAPTER_WITH_IMAGE = 410
REFERENCE_TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:06.500
<v Tobias Macey>Hello and welcome to Podcast.__init__,
the podcast about Python and the people who make it great.

00:00:06.500 --> 00:00:12.000
<v Tobias Macey>Your host as usual is Tobias Macey, and today I'm interviewing Adam Paszke about PyTorch.

00:00:12.000 --> 00:00:15.000
<v Adam Paszke>Thanks for having me, it's great to be here.

00:01:35.000 --> 00:01:41.000
<v Tobias Macey>Can you start by telling us how you first got introduced to Python?

00:01:41.000 --> 00:01:52.000
<v Adam Paszke>I picked it up at university, mostly for small scripts, and then for numerical work with NumPy.

00:06:50.000 --> 00:07:02.000
<v Adam Paszke>PyTorch started as a rewrite of the Lua Torch ideas in Python,
with a tape-based automatic differentiation engine.

00:18:50.000 --> 00:19:03.000
<v Adam Paszke>Autograd records the operations as they run,
so you can use ordinary Python control flow in your models.

00:30:20.000 --> 00:30:31.000
<v Tobias Macey>What changed on the way to the 1.0 release, and where does TorchScript fit in?
"""
LISTEN_LINKS = [
    ("apple", "https://podcasts.apple.com/us/podcast/podcast-init/id981834425"),
    ("spotify", "https://open.spotify.com/show/podcast-init"),
    ("youtube-music", "https://music.youtube.com/podcast/podcast-init"),
    ("overcast", "https://overcast.fm/itunes981834425/podcast-init"),
    ("pocket-casts", "https://pca.st/podcast-init"),
    ("antennapod", "https://antennapod.org/deeplink/subscribe?url=https://www.podcastinit.com/feed/mp3/"),
]


def artwork_png(title, colour, size=1400):
    """Square show artwork with the title set in large type: a real RGB PNG."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    margin = size // 12
    draw.rectangle([margin, margin, size - margin, size - margin], outline=(255, 255, 255), width=12)
    words = title.split()
    font_size = size // 9
    while True:
        font = ImageFont.load_default(size=font_size)
        lines, line = [], ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) > size - 4 * margin and line:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        widest = max(draw.textlength(text, font=font) for text in lines)
        if widest <= size - 4 * margin or font_size <= 24:
            break
        font_size -= 8
    line_height = size // 8
    top = (size - line_height * len(lines)) // 2
    for index, text in enumerate(lines):
        width = draw.textlength(text, font=font)
        draw.text(((size - width) / 2, top + index * line_height), text, font=font, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def portrait_png(name, colour, size=400):
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    draw.text(((size - right - left) / 2, (size - bottom - top) / 2), initials, font=font, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def upsert(model, lookup, values):
    """get_or_create, then save only the fields that differ: a second run writes nothing."""
    values = {
        field: sanitize_html(value) if isinstance(model._meta.get_field(field), RichTextField) else value
        for field, value in values.items()
    }
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), True
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    if changed:
        for field in changed:
            setattr(instance, field, values[field])
        instance.save()
    return instance, False


def at_noon(day):
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


class DemoLoader:
    """Creates or updates the demo network; running it twice changes nothing the second time."""

    def __init__(self, log=print):
        self.log = log

    @transaction.atomic
    def load(self, *, with_users=False, user_password=None):
        self.network()
        people = {slug: self.person(slug, data) for slug, data in PEOPLE.items()}
        init = self.show("podcast-init", PODCAST_INIT, (48, 86, 140))
        data_eng = self.show("data-engineering-podcast", DATA_ENGINEERING, (30, 110, 100))
        for show in (init, data_eng):
            ShowHost.objects.get_or_create(show=show, person=people["tobias-macey"], role="host")
        for order, (text, starts_on, ends_on) in enumerate(ANNOUNCEMENTS):
            upsert(
                Announcement,
                {"show": init, "order": order},
                {"text": text, "starts_on": starts_on, "ends_on": ends_on},
            )
        campaign = self.campaign(init, data_eng)
        reference = self.reference_episode(init, people, campaign)
        self.chapters_and_transcript(reference)
        for order, (platform, url) in enumerate(LISTEN_LINKS):
            upsert(ListenLink, {"show": init, "platform": platform}, {"url": url, "order": order})
        for number, slug, title, guest, day in EARLIER_EPISODES:
            self.simple_episode(init, number, slug, title, people, guest, day, campaign)
        for number, slug, title, guest, day in DATA_ENGINEERING_EPISODES:
            self.simple_episode(data_eng, number, slug, title, people, guest, day, campaign)
        self.unreleased_episodes(init, people)
        build_history([init, data_eng], log=self.log)
        self.promo_clicks(campaign)
        if with_users:
            self.users(user_password)
        return reference

    def network(self):
        network = Network.objects.order_by("pk").first()
        if network is None:
            network = Network.objects.create(**NETWORK)
        else:
            network = upsert(Network, {"pk": network.pk}, NETWORK)[0]
        if not network.artwork:
            # The network feeds' artwork; the favicon and touch icon are made from it too.
            network.artwork.save("network.png", ContentFile(artwork_png(NETWORK["name"], (90, 60, 120))))
        return network

    def chapters_and_transcript(self, episode):
        for start, title, url in REFERENCE_CHAPTERS:
            chapter = upsert(
                Chapter, {"episode": episode, "start_time": start}, {"title": title, "url": url}
            )[0]
            if start == CHAPTER_WITH_IMAGE and not chapter.image:
                chapter.image.save(
                    "pytorch.png", ContentFile(artwork_png("PyTorch", (238, 76, 44), size=400))
                )
        if not episode.transcripts.exists():
            transcript = Transcript(episode=episode, mime_type="text/vtt", language="en")
            transcript.file.save("transcript.vtt", ContentFile(REFERENCE_TRANSCRIPT.encode()), save=False)
            transcript.save()

    def person(self, slug, data):
        person, created = upsert(
            Person, {"slug": slug}, {"name": data["name"], "bio": data["bio"], "website": data["website"]}
        )
        if not person.photo:
            person.photo.save(f"{slug}.png", ContentFile(portrait_png(data["name"], data["colour"])))
        for order, (title, url) in enumerate(data["links"]):
            upsert(PersonLink, {"person": person, "order": order}, {"title": title, "url": url})
        return person

    def show(self, slug, data, colour):
        show, created = upsert(Show, {"slug": slug}, data)
        if slug == "podcast-init":
            upsert(
                FundingLink,
                {"show": show, "order": 0},
                {"url": "https://www.podcastinit.com/support", "text": "Support the show"},
            )
        if not show.artwork:
            show.artwork.save(f"{slug}.png", ContentFile(artwork_png(data["title"], colour)))
        self.log(f"{'Created' if created else 'Checked'} show {show.title}")
        return show

    def campaign(self, *shows):
        sponsor, _ = upsert(
            Sponsor, {"slug": "linode"}, {"name": "Linode", "website": "https://www.linode.com"}
        )
        if not sponsor.logo:
            sponsor.logo.save("linode.png", ContentFile(portrait_png("Linode", (2, 177, 89))))
        campaign, _ = upsert(
            Campaign,
            {"sponsor": sponsor, "name": "Dedicated CPU instances, spring 2019"},
            {
                "read_copy": LINODE_COPY,
                "promo_url": "https://www.podcastinit.com/linode",
                "promo_code": "",
                "starts_on": date(2019, 1, 1),
                "ends_on": date(2019, 12, 31),
                "booked_downloads": 6000,
                "track_clicks": True,
                "click_code": "linode-podcastinit",
            },
        )
        campaign.shows.set(shows)
        return campaign

    def promo_clicks(self, campaign):
        """Clicks on the Linode read's /go/ link over the demo history (once)."""
        if campaign.clicks.exists():
            return
        rng = random.Random(HISTORY_SEED)
        clicks = []
        for offset in range(HISTORY_DAYS):
            day = HISTORY_START + timedelta(days=offset)
            for _ in range(rng.randrange(0, 6)):
                is_bot = rng.random() < 0.1
                clicks.append(
                    PromoClick(
                        occurred_at=datetime(day.year, day.month, day.day, tzinfo=UTC)
                        + timedelta(seconds=rng.randrange(86400)),
                        campaign=campaign,
                        listener=fake_listener(rng.randrange(900)),
                        agent_kind="bot" if is_bot else "browser",
                        is_bot=is_bot,
                        app="Googlebot" if is_bot else "",
                    )
                )
        PromoClick.objects.bulk_create(clicks)
        self.log(f"Added {len(clicks)} promo link clicks")

    def episode(self, show, slug, defaults, audio_seconds):
        episode = Episode.objects.filter(show=show, slug=slug).first()
        if episode is None:
            episode = Episode(show=show, slug=slug, **defaults)
            self.log(f"Encoding {audio_seconds} s of audio for “{defaults['title']}” …")
            # Saved like any upload: duration, size and type are read from the file.
            episode.audio.save(f"{slug}.mp3", ContentFile(tone_mp3(audio_seconds)), save=False)
            episode.audio_original_name = f"{slug}.mp3"
            episode.save()
            self.log(f"Created episode {episode.title}")
            return episode
        return upsert(Episode, {"pk": episode.pk}, defaults)[0]

    def reference_episode(self, show, people, campaign):
        episode = self.episode(
            show,
            "pytorch-deep-learning-episode-202",
            {
                "title": "The Past, Present, and Future of Deep Learning In PyTorch",
                "number": 202,
                "summary": REFERENCE_SUMMARY,
                "interview_topic": REFERENCE_TOPIC,
                "show_notes": REFERENCE_NOTES,
                "status": Episode.PUBLISHED,
                "published_at": at_noon(date(2019, 3, 10)),
            },
            REFERENCE_DURATION,
        )
        Credit.objects.get_or_create(episode=episode, person=people["tobias-macey"], role="host")
        Credit.objects.get_or_create(
            episode=episode, person=people["adam-paszke"], role="guest", defaults={"order": 1}
        )
        SponsorRead.objects.get_or_create(episode=episode, campaign=campaign, position=SponsorRead.PRE_ROLL)
        for order, (person_slug, title, url) in enumerate(PICKS):
            upsert(
                Pick,
                {"episode": episode, "order": order},
                {"person": people[person_slug], "title": title, "url": url},
            )
        for order, (title, url) in enumerate(REFERENCE_LINKS):
            upsert(EpisodeLink, {"episode": episode, "order": order}, {"title": title, "url": url})
        return episode

    def simple_episode(self, show, number, slug, title, people, guest_slug, day, campaign):
        guest = people.get(guest_slug)
        summary = (
            f"{guest.name} joins the show for a conversation on “{title}”."
            if guest
            else f"A conversation on “{title}”."
        )
        episode = self.episode(
            show,
            slug,
            {
                "title": title,
                "number": number,
                "summary": summary,
                "show_notes": f"<h2>Interview</h2><ul><li>Introductions</li><li>{title}</li></ul>",
                "status": Episode.PUBLISHED,
                "published_at": at_noon(day),
            },
            90,
        )
        Credit.objects.get_or_create(episode=episode, person=people["tobias-macey"], role="host")
        if guest:
            Credit.objects.get_or_create(episode=episode, person=guest, role="guest", defaults={"order": 1})
        SponsorRead.objects.get_or_create(episode=episode, campaign=campaign, position=SponsorRead.PRE_ROLL)
        return episode

    def unreleased_episodes(self, show, people):
        draft = self.episode(
            show,
            "typing-at-scale-episode-204",
            {
                "title": "Type Checking A Million Lines Of Python",
                "number": 204,
                "summary": "A draft: still being edited.",
                "status": Episode.DRAFT,
                "published_at": None,
            },
            60,
        )
        Credit.objects.get_or_create(episode=draft, person=people["tobias-macey"], role="host")
        existing = Episode.objects.filter(show=show, slug="packaging-future-episode-203").first()
        when = existing.published_at if existing else timezone.now() + timedelta(days=7)
        scheduled = self.episode(
            show,
            "packaging-future-episode-203",
            {
                "title": "Where Python Packaging Goes Next",
                "number": 203,
                "summary": "Scheduled: goes live on its own a week after the demo was loaded.",
                "status": Episode.PUBLISHED,
                "published_at": when,
            },
            60,
        )
        Credit.objects.get_or_create(episode=scheduled, person=people["tobias-macey"], role="host")

    def users(self, password):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.com"})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        for username, team_name, role, show_slugs in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.email = user.email or f"{username}@example.com"  # workflow e-mail (console backend)
            user.is_staff = True
            user.set_password(password)
            user.save()
            team, _ = upsert(Team, {"name": team_name}, {"role": role})
            team.shows.set(Show.objects.filter(slug__in=show_slugs))
            team.members.add(user)
