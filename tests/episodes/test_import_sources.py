"""Reading what the source says and nothing else; bad sources refused with clear messages;
RFC 5005 pages followed within bounds."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from episodes.feeds.lint import lint_show
from episodes.imports.feedreader import FeedImportError
from episodes.imports.importer import import_feed
from episodes.imports.paging import import_source
from episodes.models import AlternateEnclosure, Chapter, Episode, LiveItem, Show
from people.models import Person
from tests.episodes import feed_samples
from tests.episodes.feed_samples import CHANNEL, feed, item

pytestmark = pytest.mark.django_db


def test_explicit_is_read_in_every_documented_and_real_world_spelling():
    result = import_feed(feed_samples.EXPLICIT_VARIANTS)

    assert result.show.explicit is True  # "Yes"
    assert dict(Episode.objects.values_list("guid", "explicit")) == {
        "sample-1": True,  # true
        "sample-2": True,  # explicit
        "sample-3": False,  # Clean
        "sample-4": False,  # FALSE
        "sample-5": True,  # YES
        "sample-6": True,  # none: the show's
    }


def test_unknown_explicit_value_is_reported_and_not_guessed():
    result = import_feed(feed(CHANNEL, item(1, "<itunes:explicit>maybe</itunes:explicit>")))

    assert Episode.objects.get().explicit is False
    assert (
        "“Episode 1”: itunes:explicit “maybe” is neither true/false, yes/no nor explicit/clean."
        in result.warnings
    )


def test_itunes_author_is_kept_as_written_not_the_owner_or_managing_editor():
    show = import_feed(feed_samples.AUTHOR_AND_OWNER).show

    assert (show.author, show.owner_name, show.owner_email) == (
        "The Sample Crew",
        "Olive Owner",
        "olive@example.com",
    )


def test_a_feed_without_itunes_author_has_none():
    show = import_feed(feed_samples.NOTHING_DECLARED).show

    assert show.author == ""


def test_nothing_is_invented_and_lint_and_publishing_ask_for_what_is_missing():
    result = import_feed(feed_samples.NOTHING_DECLARED)
    show = result.show

    assert (show.category, show.subcategory, show.language, show.podcast_locked) == ("", "", "", False)
    assert "The feed has no Apple category; choose one before the show goes public." in result.warnings
    assert "The feed has no language; set one before the show goes public." in result.warnings
    errors = [f.message for f in lint_show(show, episodes=False) if f.is_error]
    assert "The category is missing; Apple requires one." in errors
    assert "The language is missing (e.g. en-us)." in errors
    show.is_public = True
    with pytest.raises(ValidationError) as caught:
        show.full_clean(exclude=["artwork"])
    assert set(caught.value.message_dict) == {"category", "language"}


def test_live_item_is_kept_apart_and_never_touches_the_show():
    result = import_feed(feed_samples.LIVE_ITEM)
    show = result.show

    assert (show.title, show.description, show.artwork_url, show.website) == (
        "Sample Show",
        "A sample show.",
        "https://old.example.com/show.jpg",
        "https://old.example.com/",
    )
    live = LiveItem.objects.get()
    assert (live.guid, live.status, live.title, live.enclosure_url) == (
        "live-1",
        "live",
        "Live Now",
        "https://live.example.com/stream.mp3",
    )
    assert list(Episode.objects.values_list("guid", flat=True)) == ["sample-1"]
    assert any("podcast:liveItem" in warning for warning in result.warnings)


def test_audio_enclosure_is_chosen_by_type_and_the_others_kept_as_alternates():
    import_feed(feed_samples.SEVERAL_ENCLOSURES)

    episode = Episode.objects.get()
    assert (episode.external_audio_url, episode.audio_mime_type, episode.audio_size) == (
        "https://cdn.example.com/ep1.mp3",
        "audio/mpeg",
        1001,
    )
    assert list(AlternateEnclosure.objects.values_list("mime_type", "sources")) == [
        ("image/jpeg", [{"uri": "https://cdn.example.com/cover.jpg"}]),
        ("audio/opus", [{"uri": "https://cdn.example.com/ep1.opus"}]),
    ]


def test_item_whose_only_enclosure_is_an_image_is_skipped_with_the_reason():
    result = import_feed(
        feed(
            CHANNEL,
            item(1, enclosure='<enclosure url="https://x.example/a.jpg" length="1" type="image/jpeg"/>'),
        )
    )

    assert result.skipped == [("Episode 1", "its only enclosures are not audio or video (image/jpeg)")]
    assert Episode.objects.count() == 0


def test_podlove_simple_chapters_are_stored_and_served_as_json_chapters_with_images(client):
    show = import_feed(feed_samples.PSC_CHAPTERS).show
    Show.objects.filter(pk=show.pk).update(is_public=True)

    episode = Episode.objects.get()
    assert list(Chapter.objects.values_list("start_time", "title", "url", "image_url")) == [
        (Decimal("0.000"), "Intro", "", ""),
        (Decimal("62.500"), "The talk", "https://example.com/talk", "https://example.com/talk.jpg"),
        (Decimal("3900.000"), "Outro", "", ""),
    ]
    response = client.get(f"/chapters/{episode.pk}.json")
    assert response.json()["chapters"] == [
        {"startTime": 0, "title": "Intro"},
        {
            "startTime": 62.5,
            "title": "The talk",
            "img": "https://example.com/talk.jpg",
            "url": "https://example.com/talk",
        },
        {"startTime": 3900, "title": "Outro"},
    ]


def test_artwork_urls_with_spaces_are_kept_percent_encoded_and_fallbacks_not_stored():
    show = import_feed(feed_samples.PEOPLE_AND_FALLBACKS).show

    assert show.artwork_url == "https://old.example.com/art%20work.jpg"
    assert dict(Episode.objects.values_list("guid", "artwork_url")) == {
        "sample-1": "",
        "sample-2": "",  # the show's own artwork repeated: the fallback
        "sample-3": "https://old.example.com/ep%203.jpg",
    }


def test_feed_declaring_entities_is_refused_and_writes_nothing():
    document = feed(
        CHANNEL.replace("<title>Sample Show</title>", "<title>&name;</title>"),
        item(1),
        prolog='<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY name "Injected">]>\n',
    )

    with pytest.raises(FeedImportError) as caught:
        import_feed(document)

    assert "declares XML entities in a DOCTYPE" in str(caught.value)
    assert "refused" in str(caught.value)
    assert Show.objects.count() == 0


def test_changed_guid_with_the_same_enclosure_updates_the_episode_and_keeps_our_guid():
    import_feed(feed(CHANNEL, item(1)))
    changed = feed(CHANNEL, item(1).replace("sample-1", "new-guid-1").replace("Episode 1", "Episode one"))

    result = import_feed(changed)

    assert list(Episode.objects.values_list("guid", "title")) == [("sample-1", "Episode one")]
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    assert (
        "“Episode one”: its guid changed from sample-1 to new-guid-1; matched by its enclosure URL, "
        "it keeps the guid sample-1."
    ) in result.warnings


def test_feed_without_items_or_self_link_imported_twice_is_one_show():
    document = feed(CHANNEL)
    first = import_feed(document)
    second = import_feed(document)

    assert Show.objects.count() == 1
    assert second.show == first.show
    assert "The feed has no items: only the show was imported." in second.warnings


def test_feed_with_an_empty_description_is_imported_with_a_warning_and_lint_error():
    result = import_feed(feed(CHANNEL.replace("<description>A sample show.</description>", ""), item(1)))

    assert result.show.description == ""
    assert "The feed has no description; write one before the show goes public." in result.warnings
    errors = [f.message for f in lint_show(result.show, episodes=False) if f.is_error]
    assert "The description is empty; Apple requires one." in errors


def test_item_people_are_the_items_own_and_hosts_stay_on_the_show():
    show = import_feed(feed_samples.PEOPLE_AND_FALLBACKS).show

    assert list(show.hosts.values_list("person__name", "person__website", "role")) == [
        ("Ann Host", "https://ann.example.com", "host")
    ]
    assert {e.guid: list(e.credits.values_list("person__name", "role")) for e in Episode.objects.all()} == {
        "sample-1": [("Gus Guest", "guest")],
        "sample-2": [],
        "sample-3": [],
    }
    assert Person.objects.count() == 2


# --- RFC 5005 pages ---------------------------------------------------------------------------


def paged(tmp_path, base, pages, next_of=None):
    """Write pages 1..n (items 1-2, 3-4, …) linking each to the next (or to ``next_of[n]``)."""
    next_of = next_of or {}
    for number in range(1, pages + 1):
        following = next_of.get(number, f"{base}/page{number + 1}.xml" if number < pages else "")
        link = f'<atom:link rel="next" href="{following}"/>' if following else ""
        items = item(2 * number - 1) + item(2 * number)
        (tmp_path / f"page{number}.xml").write_bytes(
            feed(CHANNEL + f'<atom:link rel="self" href="{base}/page1.xml"/>' + link, items)
        )
    return f"{base}/page1.xml"


def test_every_page_is_imported_with_progress_per_page(tmp_path, feed_server):
    url = paged(tmp_path, feed_server, 3)
    pages, items = [], []

    result = import_source(url, on_page=pages.append, progress=lambda *args: items.append(args[:3]))

    assert Episode.objects.count() == 6
    assert [str(page) for page in pages] == [
        f"Page 1 ({url}): 2 items",
        f"Page 2 ({feed_server}/page2.xml): 2 items",
        f"Page 3 ({feed_server}/page3.xml): 2 items",
    ]
    assert items[0] == (1, 2, "created") and items[-1] == (6, 6, "created")
    assert result.summary() == "6 created, 0 updated, 0 unchanged, 0 skipped, from 3 pages"


def test_pages_that_loop_are_read_once_and_reported(tmp_path, feed_server):
    url = paged(tmp_path, feed_server, 2, next_of={2: f"{feed_server}/page1.xml"})

    result = import_source(url)

    assert Episode.objects.count() == 4
    assert f"Page 3 ({feed_server}/page1.xml): already read: the pages loop, so the import stopped here." in (
        result.warnings
    )


def test_a_page_on_another_host_is_not_followed(tmp_path, feed_server):
    elsewhere = feed_server.replace("127.0.0.1", "localhost") + "/page2.xml"
    url = paged(tmp_path, feed_server, 2, next_of={1: elsewhere})

    result = import_source(url)

    assert Episode.objects.count() == 2
    assert (
        f"Page 2 ({elsewhere}): on another host than the feed (127.0.0.1); not followed." in result.warnings
    )


def test_the_page_limit_bounds_the_import(tmp_path, feed_server):
    url = paged(tmp_path, feed_server, 4)

    result = import_source(url, max_pages=2)

    assert Episode.objects.count() == 4
    assert f"Page 3 ({feed_server}/page3.xml): past the limit of 2 pages; not read." in result.warnings


def test_a_broken_page_keeps_the_pages_before_it_and_says_so(tmp_path, feed_server):
    url = paged(tmp_path, feed_server, 3)
    (tmp_path / "page2.xml").write_bytes((tmp_path / "page2.xml").read_bytes()[:300])

    result = import_source(url)

    assert sorted(Episode.objects.values_list("guid", flat=True)) == ["sample-1", "sample-2"]
    [problem] = [page for page in result.pages if page.problem]
    assert problem.number == 2
    assert "could not be read" in problem.problem
    assert "this page and the pages after it were not imported" in problem.problem


def test_importfeed_command_follows_pages_and_prints_them(tmp_path, feed_server):
    url = paged(tmp_path, feed_server, 2)
    out = io.StringIO()

    call_command("importfeed", url, stdout=out)

    lines = out.getvalue().splitlines()
    assert f"Page 2 ({feed_server}/page2.xml): 2 items" in lines
    assert lines[-1] == "Episodes: 4 created, 0 updated, 0 unchanged, 0 skipped, from 2 pages."


def test_a_paged_feed_given_as_a_file_says_how_to_read_every_page(tmp_path):
    (tmp_path / "feed.xml").write_bytes(
        feed(CHANNEL + '<atom:link rel="next" href="https://x.example/p2"/>', item(1))
    )

    result = import_source(str(tmp_path / "feed.xml"))

    assert (
        "The feed is paged (its next page is https://x.example/p2); import it from its URL to read "
        "every page." in result.warnings
    )


CHAPTERS_ELEMENT = (
    '<podcast:chapters url="https://example.com/ep1-chapters.json" type="application/json+chapters"/>'
)


def test_json_chapters_given_as_files_are_stored_and_the_url_kept(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "ep1-chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"},'
        ' {"startTime": 95.5, "title": "Talk", "img": "https://example.com/t.jpg", "url": "https://example.com/t"},'
        ' {"startTime": 120, "title": "Hidden", "toc": false}]}'
    )
    (tmp_path / "feed.xml").write_bytes(
        feed(
            CHANNEL,
            item(
                1,
                CHAPTERS_ELEMENT,
            ),
        )
    )
    out = io.StringIO()

    call_command(
        "importfeed", str(tmp_path / "feed.xml"), "--chapters", str(tmp_path / "chapters"), stdout=out
    )

    episode = Episode.objects.get()
    assert episode.chapters_url == "https://example.com/ep1-chapters.json"
    assert list(episode.chapters.values_list("start_time", "title", "url", "image_url")) == [
        (Decimal("0.000"), "Intro", "", ""),
        (Decimal("95.500"), "Talk", "https://example.com/t", "https://example.com/t.jpg"),
    ]


def test_a_chapters_file_that_is_not_json_is_reported(tmp_path):
    (tmp_path / "ep1-chapters.json").write_text("not json")
    from episodes.imports.chapters import folder_lookup

    result = import_source(
        "",
        data=feed(
            CHANNEL,
            item(
                1,
                CHAPTERS_ELEMENT,
            ),
        ),
        chapter_documents=folder_lookup(tmp_path),
    )

    assert Chapter.objects.count() == 0
    assert any(
        "the chapters file for https://example.com/ep1-chapters.json was not read: it is not JSON" in w
        for w in result.warnings
    )


def test_the_full_2026_tag_set_is_read_into_its_rows():
    show = import_feed(feed_samples.FULL_2026).show
    episode = Episode.objects.get(guid="sample-1")

    assert list(show.funding_links.values_list("url", "text")) == [
        ("https://example.com/donate", "Support us"),
        ("https://example.com/members", "Become a member"),
    ]
    assert list(show.txt_records.values_list("purpose", "value")) == [
        ("verify", "S6lpp-7ZCn8-dZfGc-OoyaG"),
        ("applepodcastsverify", "d66ad670-0a52-11ef-8d60-5da3a5e7bc5b"),
    ]
    assert list(show.platform_blocks.values_list("platform", "blocked")) == [("", False), ("google", True)]
    assert (show.update_frequency, show.update_frequency_rrule) == ("Weekly", "FREQ=WEEKLY")
    assert list(show.trailers.values_list("title", "season")) == [("Coming soon", 1)]
    assert (episode.season_name, episode.episode_display) == ("The Second", "Ch. 1")
    assert list(episode.social_interacts.values_list("protocol", "account_id")) == [("activitypub", "@show")]
    [alternate] = episode.alternate_enclosures.all()
    assert (alternate.mime_type, alternate.default, [s["uri"] for s in alternate.sources]) == (
        "audio/opus",
        True,
        ["https://cdn.example.com/ep1.opus", "ipfs://QmdwGq"],
    )
    assert alternate.integrity[0]["type"] == "sri"
    assert list(episode.locations.values_list("name", "rel")) == [("Birmingham", "subject")]
