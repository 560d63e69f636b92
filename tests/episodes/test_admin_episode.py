"""A producer builds the reference episode in the admin; bad input gets a clear error and saves nothing."""

import io
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from episodes.audio import tone_mp3
from episodes.models import Episode, EpisodeLink, Team
from people.models import Credit, Person, PersonLink, Pick
from sponsors.models import SponsorRead
from tests.factories import (
    EPISODE_TAG_PREFIXES,
    default_host,
    make_campaign,
    make_episode,
    make_show,
    make_user,
    png_bytes,
)

pytestmark = pytest.mark.django_db

TITLE = "The Past, Present, and Future of Deep Learning In PyTorch"
SUMMARY = (
    "The current buzz in data science and big data is around the promise of deep learning, especially "
    "when working with unstructured data. One of the most popular frameworks for building deep learning "
    "applications is PyTorch, in large part because of their focus on ease of use. In this episode Adam "
    "Paszke explains how he started the project, how it compares to other frameworks in the space such "
    "as Tensorflow and CNTK, and how it has evolved to support deploying models into production and on "
    "mobile devices."
)
NOTES = (
    "<h2>Interview</h2><ul><li>Introductions</li><li>How did you get introduced to Python?</li>"
    "<li>Can you explain what PyTorch is and your motivation for creating it?</li></ul>"
)
REFERENCE_SECONDS = 42 * 60 + 12
INLINE_PREFIXES = [
    "credits",
    "picks",
    "links",
    "sponsor_reads",
    "chapters",
    "transcripts",
    "soundbites",
    *EPISODE_TAG_PREFIXES,
]


@pytest.fixture
def studio():
    show = make_show(title="Podcast.__init__", slug="podcast-init")
    other = make_show(title="Other Show", slug="other")
    tobias = Person.objects.create(name="Tobias Macey", slug="tobias-macey")
    adam = Person.objects.create(name="Adam Paszke", slug="adam-paszke")
    PersonLink.objects.create(person=adam, title="apaszke on GitHub", url="https://github.com/apaszke")
    default_host(show, tobias)
    linode = make_campaign(show, other, name="Linode", read_copy="<p>Go to linode to get a $20 credit.</p>")
    producer = make_user("producer", role=Team.PRODUCER, shows=[show])
    client = Client()
    client.force_login(producer)
    return {"show": show, "tobias": tobias, "adam": adam, "linode": linode, "client": client}


def inline_rows(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def reference_form(studio, audio=None, **overrides):
    """The add form as the browser posts it, management data included."""
    data = {
        "show": studio["show"].pk,
        "title": TITLE,
        "slug": "the-past-present-and-future-of-deep-learning-in-pytorch",
        "number": 202,
        "season": "",
        "episode_type": "full",
        "summary": SUMMARY,
        "show_notes": NOTES,
        "audio": audio or SimpleUploadedFile("pytorch.mp3", tone_mp3(REFERENCE_SECONDS), "audio/mpeg"),
        "external_audio_url": "",
        "status": Episode.DRAFT,
        "link": "",
        "chapters_url": "",
    }
    for prefix in INLINE_PREFIXES:
        data.update(inline_rows(prefix, []))
    tobias, adam = studio["tobias"].pk, studio["adam"].pk
    data.update(
        inline_rows(
            "credits",
            [{"person": tobias, "role": "host", "order": 0}, {"person": adam, "role": "guest", "order": 1}],
        )
    )
    data.update(
        inline_rows(
            "picks",
            [
                {
                    "person": tobias,
                    "title": "The Expanse",
                    "url": "https://www.syfy.com/the-expanse",
                    "order": 0,
                },
                {"person": adam, "title": "Hoover Dam", "url": "", "order": 1},
            ],
        )
    )
    data.update(
        inline_rows(
            "links",
            [
                {"title": "PyTorch", "url": "https://pytorch.org/", "order": 0},
                {"title": "Tensorflow", "url": "https://www.tensorflow.org/", "order": 1},
                {"title": "CNTK", "url": "https://github.com/Microsoft/CNTK", "order": 2},
            ],
        )
    )
    data.update(
        inline_rows(
            "sponsor_reads", [{"campaign": studio["linode"].pk, "position": "pre", "order": 0, "copy": ""}]
        )
    )
    data.update(overrides)
    return data


def row_counts():
    return {
        model.__name__: model.objects.count() for model in (Episode, Credit, Pick, EpisodeLink, SponsorRead)
    }


def stored_files(media_root):
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def add_url():
    return reverse("admin:episodes_episode_add")


def test_producer_creates_reference_episode_through_admin_form(studio):
    response = studio["client"].post(add_url(), reference_form(studio))

    episode = Episode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:episodes_episode_changelist")
    assert (episode.show, episode.title, episode.number, episode.summary, episode.show_notes) == (
        studio["show"],
        TITLE,
        202,
        SUMMARY,
        NOTES,
    )
    assert (episode.duration, episode.audio_size, episode.audio_mime_type) == (
        REFERENCE_SECONDS,
        len(tone_mp3(REFERENCE_SECONDS)),
        "audio/mpeg",
    )
    assert episode.duration_display() == "42 mins 12 secs"
    assert (episode.status, episode.published_at, episode.published_by) == (Episode.DRAFT, None, None)
    assert list(episode.credits.values_list("person__name", "role", "group", "order")) == [
        ("Tobias Macey", "host", "cast", 0),
        ("Adam Paszke", "guest", "cast", 1),
    ]
    assert list(episode.picks.values_list("person__name", "title", "url")) == [
        ("Tobias Macey", "The Expanse", "https://www.syfy.com/the-expanse"),
        ("Adam Paszke", "Hoover Dam", ""),
    ]
    assert list(episode.links.values_list("title", "url")) == [
        ("PyTorch", "https://pytorch.org/"),
        ("Tensorflow", "https://www.tensorflow.org/"),
        ("CNTK", "https://github.com/Microsoft/CNTK"),
    ]
    assert list(episode.sponsor_reads.values_list("campaign__name", "position", "copy")) == [
        ("Linode", "pre", "<p>Go to linode to get a $20 credit.</p>")
    ]
    assert row_counts() == {"Episode": 1, "Credit": 2, "Pick": 2, "EpisodeLink": 3, "SponsorRead": 1}


def test_new_episode_without_host_credits_credits_show_hosts(studio):
    data = reference_form(
        studio, **inline_rows("credits", [{"person": studio["adam"].pk, "role": "guest", "order": 1}])
    )

    studio["client"].post(add_url(), data)

    episode = Episode.objects.get()
    assert list(episode.credits.values_list("person__name", "role")) == [
        ("Tobias Macey", "host"),
        ("Adam Paszke", "guest"),
    ]


def test_show_notes_are_sanitised_when_saved_from_admin(studio):
    notes = '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'

    studio["client"].post(add_url(), reference_form(studio, show_notes=notes))

    assert Episode.objects.get().show_notes == '<p>Hi <a rel="noopener noreferrer">x</a></p>'


def decompression_bomb_png(width=30000, height=30000):
    """A small PNG file whose header declares ``width`` × ``height`` pixels."""
    data = png_bytes(size=(1, 1))
    ihdr = struct.pack(">II", width, height) + data[24:29]
    chunk = b"IHDR" + ihdr
    return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]


def truncated_png():
    """The first 4000 bytes of a PNG whose pixels do not compress away."""
    buffer = io.BytesIO()
    pixels = random.Random(202).randbytes(300 * 300 * 3)
    Image.frombytes("RGB", (300, 300), pixels).save(buffer, format="PNG")
    return buffer.getvalue()[:4000]


BAD_ARTWORK = [
    ("not-an-image", b"This is a text file, not artwork.", "This file is not an image we can read."),
    (
        "decompression-bomb",
        decompression_bomb_png(),
        "This image declares more pixels than we accept; it may be a decompression bomb.",
    ),
]


@pytest.mark.parametrize("name,content,message", BAD_ARTWORK, ids=[row[0] for row in BAD_ARTWORK])
def test_bad_artwork_gets_form_error_and_saves_nothing(studio, media_root, name, content, message):
    before = row_counts()
    artwork = SimpleUploadedFile(f"{name}.png", content, "image/png")

    response = studio["client"].post(add_url(), reference_form(studio, artwork=artwork))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"artwork": [message]}
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_truncated_artwork_gets_form_error_and_saves_nothing(studio, media_root):
    before = row_counts()
    artwork = SimpleUploadedFile("cut.png", truncated_png(), "image/png")

    response = studio["client"].post(add_url(), reference_form(studio, artwork=artwork))

    errors = response.context["adminform"].form.errors
    assert list(errors) == ["artwork"]
    assert len(errors["artwork"]) == 1
    assert errors["artwork"][0].startswith("This image is damaged or incomplete (")
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_audio_that_is_not_audio_gets_form_error_and_saves_nothing(studio, media_root):
    before = row_counts()
    audio = SimpleUploadedFile("episode.mp3", b"<html>not audio at all</html>" * 100, "audio/mpeg")

    response = studio["client"].post(add_url(), reference_form(studio, audio=audio))

    assert response.context["adminform"].form.errors == {
        "audio": ["This file is not MP3 audio: no MPEG audio frame starts at byte 0."]
    }
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_random_bytes_named_mp3_get_form_error_and_save_nothing(studio, media_root):
    # 5 MB of noise: tag readers found "frames" in it and invented a duration.
    before = row_counts()
    noise = random.Random(8).randbytes(5 * 1024 * 1024)
    audio = SimpleUploadedFile("episode.mp3", noise, "audio/mpeg")

    response = studio["client"].post(add_url(), reference_form(studio, audio=audio))

    assert response.context["adminform"].form.errors == {
        "audio": ["This file is not MP3 audio: no MPEG audio frame starts at byte 0."]
    }
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_audio_with_wrong_extension_gets_form_error(studio):
    audio = SimpleUploadedFile("episode.exe", tone_mp3(2), "audio/mpeg")

    response = studio["client"].post(add_url(), reference_form(studio, audio=audio))

    assert response.context["adminform"].form.errors == {
        "audio": [
            "Upload an audio file (MP3, M4A, AAC, OGG, Opus, FLAC or WAV) or a video podcast "
            "file (MP4, M4V, MOV)."
        ]
    }
    assert Episode.objects.count() == 0


def test_duplicate_slug_in_same_show_gets_form_error_and_saves_nothing(studio, media_root):
    make_episode(
        studio["show"],
        title="Episode with that slug",
        slug="the-past-present-and-future-of-deep-learning-in-pytorch",
    )
    before = row_counts()

    response = studio["client"].post(add_url(), reference_form(studio))

    assert response.context["adminform"].form.errors == {
        "slug": [
            "“Episode with that slug” already uses this slug on Podcast.__init__; choose another "
            "(the page address must be unique within the show)."
        ]
    }
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_same_slug_in_another_show_is_allowed(studio):
    other = make_show(slug="elsewhere")
    make_episode(other, slug="the-past-present-and-future-of-deep-learning-in-pytorch")

    response = studio["client"].post(add_url(), reference_form(studio))

    assert response.status_code == 302
    assert Episode.objects.filter(slug="the-past-present-and-future-of-deep-learning-in-pytorch").count() == 2


def test_person_deleted_while_credited_in_form_gets_error_and_saves_nothing(studio, media_root):
    """The form was opened with the guest; the guest is gone when it is posted."""
    data = reference_form(studio)
    studio["adam"].delete()
    before = row_counts()

    response = studio["client"].post(add_url(), data)

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [
        {},
        {"person": ["Select a valid choice. That choice is not one of the available choices."]},
    ]
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_same_person_credited_twice_in_one_role_gets_form_error_and_saves_nothing(studio, media_root):
    adam = studio["adam"].pk
    data = reference_form(
        studio,
        **inline_rows(
            "credits",
            [{"person": adam, "role": "guest", "order": 0}, {"person": adam, "role": "guest", "order": 1}],
        ),
    )
    before = row_counts()

    response = studio["client"].post(add_url(), data)

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "Please correct the duplicate data for person and role, which must be unique."
    ]
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_campaign_not_running_on_the_show_gets_form_error_and_saves_nothing(studio, media_root):
    elsewhere = make_campaign(make_show(), name="Elsewhere")
    studio["client"].force_login(make_user(role=Team.NETWORK_ADMIN, all_shows=True))
    data = reference_form(
        studio,
        **inline_rows(
            "sponsor_reads", [{"campaign": elsewhere.pk, "position": "mid", "order": 0, "copy": ""}]
        ),
    )
    before = row_counts()

    response = studio["client"].post(add_url(), data)

    formset = response.context["inline_admin_formsets"][3].formset
    assert formset.errors == [{"campaign": ["This campaign does not run on this show."]}]
    assert row_counts() == before
    assert stored_files(media_root) == []


def test_summary_over_4000_bytes_gets_form_error(studio):
    response = studio["client"].post(add_url(), reference_form(studio, summary="é" * 2001))

    assert response.context["adminform"].form.errors == {
        "summary": [
            "This text is too long for podcast apps: 4002 bytes, at most 4000 (accented letters "
            "and emoji count as two to four)."
        ]
    }
    assert Episode.objects.count() == 0
