"""Feed lint: findings per show and episode, the lintfeeds command and the admin snippet."""

import io

import pytest
from django.contrib.admin import ModelAdmin, display, site
from django.contrib.admin.utils import lookup_field
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.safestring import SafeString
from PIL import Image

from episodes.feeds.lint import ERROR, WARNING, Finding, feed_check, lint_episode, lint_show
from episodes.models import Episode, Show
from tests.factories import image_upload, make_episode, make_show

pytestmark = pytest.mark.django_db


def clean_show(**fields):
    fields.setdefault("artwork", image_upload("cover.png"))
    return make_show(**fields)


def messages(findings):
    return [(finding.severity, finding.message) for finding in findings]


def jpeg_upload(name, mode="RGB", size=(1400, 1400)):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_show_following_every_rule_has_no_findings():
    show = clean_show()
    make_episode(show, audio=3, title="A good title")

    assert lint_show(show) == []


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            lambda: image_upload("small.png", size=(1000, 1000)),
            [
                (
                    ERROR,
                    "The show artwork's width (1000 px) and height (1000 px) are below "
                    "Apple's minimum of 1400 px.",
                )
            ],
        ),
        (
            lambda: image_upload("wide.png", size=(1600, 1400)),
            [(ERROR, "The show artwork is 1600 × 1400 px; it must be square.")],
        ),
        (
            # The width is fine: only the height is named.
            lambda: image_upload("short.png", size=(1400, 1000)),
            [
                (ERROR, "The show artwork is 1400 × 1000 px; it must be square."),
                (ERROR, "The show artwork's height (1000 px) is below Apple's minimum of 1400 px."),
            ],
        ),
        (
            lambda: jpeg_upload("cmyk.jpg", mode="CMYK"),
            [
                (
                    ERROR,
                    "The show artwork is saved with print (CMYK) colours; Apple requires full RGB colour. "
                    "Export it again as an RGB JPEG or PNG.",
                )
            ],
        ),
        (
            lambda: image_upload("grey.png", mode="L", color=128),
            [
                (
                    ERROR,
                    "The show artwork is saved with greyscale only; Apple requires full RGB colour. "
                    "Export it again as an RGB JPEG or PNG.",
                )
            ],
        ),
        (
            lambda: image_upload("misnamed.jpg"),
            [(ERROR, "The show artwork is a PNG file named “.jpg”; use .png.")],
        ),
        (
            lambda: None,
            [(ERROR, "The show artwork is missing; Apple requires square artwork of 1400–3000 px.")],
        ),
    ],
    ids=["too-small", "not-square", "short", "cmyk", "greyscale", "extension", "missing"],
)
def test_artwork_rules(upload, expected):
    show = make_show(artwork=upload() or "")

    assert messages(lint_show(show)) == expected


def test_description_over_4000_bytes_is_an_error():
    show = clean_show(description="é" * 2001)

    assert messages(lint_show(show)) == [(ERROR, "The description is 4002 bytes; at most 4000 are allowed.")]


def test_missing_owner_email_is_a_warning_locked_or_not():
    # Apple dropped the requirement in 2023; directories still verify ownership through it.
    locked = clean_show(owner_email="", podcast_locked=True)
    unlocked = clean_show(owner_email="", podcast_locked=False)

    assert messages(lint_show(locked)) == [
        (
            WARNING,
            "The owner e-mail is missing: podcast:locked names it as the owner, and directories "
            "send their verification mail there.",
        )
    ]
    assert messages(lint_show(unlocked)) == [
        (WARNING, "The owner e-mail is missing; directories use it to verify ownership.")
    ]


def test_subcategory_outside_its_category_is_an_error():
    show = clean_show(category="Technology", subcategory="Parenting")

    assert messages(lint_show(show)) == [(ERROR, "“Parenting” is not a subcategory of Technology.")]


@pytest.mark.parametrize(
    "title",
    [
        "Ep. 12: Transformers",
        "#12 Transformers",
        "Episode 12 - Transformers",
        "12. Transformers",
        "S2E5 Attention",
    ],
)
def test_episode_number_in_title_is_a_warning(title):
    episode = make_episode(clean_show(), title=title, duration=60, audio_size=10)

    assert messages(lint_episode(episode)) == [
        (WARNING, "The title contains an episode number; Apple wants it in itunes:episode only."),
    ]


@pytest.mark.parametrize("title", ["Top 10 tips for 2026", "Python 3.12 is out", "Why GPUs matter"])
def test_titles_with_other_numbers_pass(title):
    episode = make_episode(clean_show(), title=title, duration=60, audio_size=10)

    assert lint_episode(episode) == []


def test_show_name_in_title_is_a_warning():
    show = clean_show(title="Deep Talk")
    episode = make_episode(show, title="Deep Talk: the finale", duration=60, audio_size=10)

    assert messages(lint_episode(episode)) == [
        (WARNING, "The title contains the show name; Apple asks to leave it out.")
    ]


def test_serial_show_episode_without_number_is_an_error():
    show = clean_show(show_type=Show.SERIAL)
    make_episode(show, audio=True, title="Chapter one", number=1)
    unnumbered = make_episode(show, audio=True, title="Chapter two")

    assert lint_show(show) == [
        Finding(
            ERROR,
            "The show is serial but this episode has no episode number (itunes:episode).",
            f"“{unnumbered.title}”",
        )
    ]


def test_enclosure_type_not_matching_the_file_is_an_error():
    episode = make_episode(clean_show(), audio=True, title="Mislabelled")
    Episode.objects.filter(pk=episode.pk).update(audio_mime_type="audio/x-m4a")
    episode.refresh_from_db()

    assert messages(lint_episode(episode)) == [
        (
            ERROR,
            "The enclosure type is audio/x-m4a but the file is audio/mpeg; "
            "upload it with the right extension.",
        ),
        (ERROR, "The enclosure type audio/x-m4a does not match the “.mp3” file."),
    ]


def test_published_episode_without_audio_is_an_error_and_a_draft_a_warning():
    show = clean_show()
    published = make_episode(show, title="No audio", external_audio_url="")
    draft = make_episode(show, title="No audio yet", external_audio_url="", status=Episode.DRAFT)

    assert messages(lint_episode(published)) == [(ERROR, "There is no audio: the item has no enclosure.")]
    assert messages(lint_episode(draft)) == [(WARNING, "There is no audio: the item has no enclosure.")]


def test_external_audio_without_length_or_duration_gives_warnings():
    episode = make_episode(clean_show(), title="Imported", external_audio_url="https://cdn.example.com/a.ogg")

    assert messages(lint_episode(episode)) == [
        (WARNING, "The enclosure length is unknown (0); apps show no size."),
        (WARNING, "Apple Podcasts does not accept audio/ogg enclosures."),
        (WARNING, "The duration is unknown (itunes:duration)."),
    ]


def test_lintfeeds_exits_1_and_prints_findings_when_a_show_has_errors():
    clean_show(title="Beta", slug="fine")
    make_show(title="Alpha", slug="broken", owner_email="")
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("lintfeeds", stdout=out)

    assert raised.value.returncode == 1
    assert str(raised.value) == "Feed errors in broken."
    assert out.getvalue().splitlines() == [
        "broken: 1 error, 1 warning",
        "  ERROR   The show artwork is missing; Apple requires square artwork of 1400–3000 px.",
        "  WARNING The owner e-mail is missing: podcast:locked names it as the owner, and "
        "directories send their verification mail there.",
        "fine: 0 errors, 0 warnings",
    ]


def test_lintfeeds_for_clean_shows_exits_0():
    clean_show(slug="fine")
    out = io.StringIO()

    call_command("lintfeeds", "fine", stdout=out)

    assert out.getvalue() == "fine: 0 errors, 0 warnings\n"


def test_lintfeeds_refuses_unknown_slugs():
    with pytest.raises(CommandError, match="No show with the slug nope."):
        call_command("lintfeeds", "nope")


def test_feed_check_renders_findings_for_the_admin():
    show = make_show(owner_email="")
    episode = make_episode(show, title="Ep. 3: Numbers", duration=60, audio_size=10)

    show_html = feed_check(show)
    episode_html = feed_check(episode)

    # The show's check covers its episodes too.
    assert "1 error, 2 warnings" in show_html
    assert "The show artwork is missing" in show_html
    assert "0 errors, 1 warning" in episode_html
    assert "The title contains an episode number" in episode_html
    assert feed_check(Show()) == "Save first; the feed check runs on saved shows and episodes."
    # Marked safe, so the admin shows it as HTML in a read-only field.
    assert isinstance(show_html, SafeString)
    assert lookup_field("feed_check", episode, FeedCheckAdmin(Episode, site))[2] == episode_html


class FeedCheckAdmin(ModelAdmin):
    readonly_fields = ["feed_check"]

    @display(description="Feed check")
    def feed_check(self, obj):
        return feed_check(obj)


def test_rules_for_the_2026_tags_report_what_directories_would_refuse():
    from episodes.models import AlternateEnclosure, FundingLink, Location, SocialInteract

    show = clean_show(update_frequency_rrule="WEEKLY")
    FundingLink.objects.create(show=show, url="https://example.com/d", text="")
    Location.objects.create(show=show, name="Austin", geo="30.2,97.7")
    episode = make_episode(show, title="Tags", duration=60, audio_size=10, summary="A summary.")
    SocialInteract.objects.create(episode=episode, protocol="activitypub")
    AlternateEnclosure.objects.create(
        episode=episode, mime_type="audio/opus", sources=[{"uri": "https://x/1"}], default=True
    )
    AlternateEnclosure.objects.create(
        episode=episode, mime_type="audio/aac", sources=[{"uri": "https://x/2"}], default=True
    )

    found = {f.message for f in lint_show(show)}

    assert "The funding link https://example.com/d has no text; apps show it as a bare URL." in found
    assert "The location geo “30.2,97.7” is not a geo: URI." in found
    assert "The update frequency rule must be an RFC 5545 rule starting with FREQ=." in found
    assert "podcast:updateFrequency needs its text (e.g. “Weekly”)." in found
    assert "A podcast:socialInteract needs the uri of the post." in found
    assert "More than one alternate enclosure is marked default." in found
    assert "The alternate enclosure “audio/opus” has no length in bytes." in found


def test_vtt_voice_tags_that_name_uncredited_people_are_reported():
    from episodes.models import Transcript
    from tests.factories import credit, make_person, text_upload

    show = clean_show()
    episode = make_episode(show, title="Speakers", duration=60, audio_size=10, summary="A summary.")
    credit(episode, make_person(name="Ann Host", slug="ann"), role="host")
    vtt = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ann Host>Hello.\n\n"
        "00:00:02.000 --> 00:00:04.000\n<v.loud Gus Guest>Hi!\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Ann Host>Welcome.\n"
    )
    Transcript.objects.create(episode=episode, file=text_upload("t.vtt", vtt), mime_type="text/vtt")

    found = [f.message for f in lint_show(show) if f.subject]

    assert found == [
        "The transcript's voice tags name Gus Guest, who is not credited on the episode (podcast:person)."
    ]
