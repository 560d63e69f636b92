"""Network search: one function, answered by PostgreSQL full-text search or SQLite FTS5.

The suite runs on both databases (scripts/test.sh), so every test here checks both backends.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from episodes.models import Episode, Transcript
from episodes.search.index import rebuild
from episodes.search.models import SearchEntry
from episodes.search.query import search
from tests.factories import credit, make_episode, make_person, make_show, text_upload
from tests.html import parse

pytestmark = pytest.mark.django_db

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Tobias Macey>Welcome to the show.

00:02:05.000 --> 00:02:09.500
<v Adam Paszke>Autograd records every operation on tensors.

00:03:00.000 --> 00:03:04.000
<v Adam Paszke>And then we replay them backwards.
"""


def transcript(episode, text=VTT):
    return Transcript.objects.create(episode=episode, mime_type="text/vtt", file=text_upload("t.vtt", text))


def titles(hits):
    return [hit.entry.title for hit in hits]


def test_search_ranks_title_above_summary_above_transcript():
    show = make_show()
    in_transcript = make_episode(show, title="A talk", summary="About things.")
    transcript(in_transcript)
    make_episode(show, title="Autograd internals", summary="About things.")
    make_episode(show, title="Another talk", summary="We explain autograd.")
    rebuild()

    assert titles(search("autograd")) == ["Autograd internals", "Another talk", "A talk"]


def test_search_finds_word_forms_and_highlights_escaped_matches():
    make_episode(title="Learning <b>fast</b>", summary="She learned deep learning & more.")
    rebuild()

    [hit] = search("learn")

    assert str(hit.extra["title"]) == "<mark>Learning</mark> &lt;b&gt;fast&lt;/b&gt;"
    assert "<mark>learned</mark>" in str(hit.highlight) or "<mark>learning</mark>" in str(hit.highlight)
    assert "&amp;" in str(hit.highlight)


def test_search_transcript_hit_gives_the_second_it_is_spoken():
    episode = make_episode(title="Interview", summary="A conversation.")
    transcript(episode)
    rebuild()

    [hit] = search("replay backwards")

    assert (hit.transcript_second, "<mark>" in str(hit.transcript_highlight)) == (180, True)


def test_search_filters_by_show_and_by_person():
    first, second = make_show(title="First"), make_show(title="Second")
    guest = make_person(name="Ada Guest")
    with_guest = make_episode(first, title="Tensors one")
    credit(with_guest, guest)
    make_episode(first, title="Tensors two")
    make_episode(second, title="Tensors three")
    rebuild()

    assert sorted(titles(search("tensors", show=first))) == ["Tensors one", "Tensors two"]
    assert titles(search("tensors", person=guest)) == ["Tensors one"]
    assert sorted(titles(search("tensors"))) == ["Tensors one", "Tensors three", "Tensors two"]


def test_search_finds_people_and_shows():
    make_show(title="Quantum Hour", description="Physics for everyone.")
    person = make_person(name="Grace Quantum", bio="Physicist.")
    credit(make_episode(title="Unrelated"), person)
    rebuild()

    assert sorted((hit.kind, hit.entry.title) for hit in search("quantum")) == [
        ("person", "Grace Quantum"),
        ("show", "Quantum Hour"),
    ]


def test_search_never_finds_what_is_not_public():
    show = make_show()
    private = make_show(title="Secret show", is_public=False)
    make_episode(show, title="Secret draft", status=Episode.DRAFT)
    make_episode(show, title="Secret review", status=Episode.REVIEW)
    make_episode(show, title="Secret scheduled", published_at=timezone.now() + timedelta(days=1))
    make_episode(private, title="Secret private")
    hidden_person = make_person(name="Secret Person")
    credit(Episode.objects.get(title="Secret draft"), hidden_person)
    make_episode(show, title="Secret public")
    rebuild()

    assert titles(search("secret")) == ["Secret public"]


def test_search_finds_a_scheduled_episode_once_its_time_passes():
    episode = make_episode(title="Timely", published_at=timezone.now() + timedelta(minutes=5))
    rebuild()
    assert titles(search("timely")) == []

    Episode.objects.filter(pk=episode.pk).update(published_at=timezone.now() - timedelta(minutes=1))

    assert titles(search("timely")) == ["Timely"]


def test_search_index_follows_edits_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode(title="Original words")
    with django_capture_on_commit_callbacks(execute=True):
        episode.title = "Replacement words"
        episode.save()
    with django_capture_on_commit_callbacks(execute=True):
        transcript(episode)

    assert (titles(search("original")), titles(search("replacement")), titles(search("autograd"))) == (
        [],
        ["Replacement words"],
        ["Replacement words"],
    )


def test_search_uses_the_show_language_configuration():
    german = make_show(title="Technik", language="de")
    make_episode(german, title="Katzen und Hunde", summary="Über Häuser.")
    rebuild()

    configs = sorted(SearchEntry.objects.filter(show=german).values_list("kind", "config"))
    assert configs == [("episode", "german"), ("show", "german")]
    if connection.vendor == "postgresql":
        # German stemming: “Katze” finds “Katzen”, “Haus” finds nothing (the stem of Häuser is häus).
        assert titles(search("Katze")) == ["Katzen und Hunde"]


def test_search_of_nothing_answers_nothing_without_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("  ") == []
        assert search("!!!") == []


@pytest.mark.parametrize("count", [1, 20])
def test_search_page_query_count_is_fixed(client, django_assert_num_queries, count):
    show = make_show(slug="counted")
    for n in range(count):
        episode = make_episode(show, title=f"Pytorch talk {n}")
        transcript(episode, VTT.replace("Autograd", "Pytorch"))
        credit(episode, make_person(name=f"Pytorch person {n}"))
    rebuild()

    # network, shows for the filter, (PostgreSQL: languages in use, matching ids), the ranked hits
    # (PostgreSQL: with their transcript segments), (SQLite: their transcript segments), their
    # entries with objects
    expected = 6 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(expected):
        response = client.get("/search/?q=pytorch")

    html = response.content.decode()
    assert (
        html.count('class="search-result search-result--episode"'),
        html.count("search-result--person"),
        html.count('href="/shows/counted/'),
    ) == (
        count,
        count,
        # the show, the episode's title, and its transcript line at 2:05
        3 * count,
    )
    assert html.count("#t=125") == count


def test_search_page_links_transcript_hits_to_the_second_and_filters_by_show(client):
    show = make_show(slug="deep", title="Deep")
    episode = make_episode(show, slug="autograd", title="Interview")
    transcript(episode)
    make_episode(make_show(slug="other"), title="Replay backwards")
    rebuild()

    page = parse(client.get("/search/?q=replay+backwards&show=deep").content)

    links = [a.attrs["href"] for a in page.find_all("p", "search-result__transcript")[0].find_all("a")]
    assert links == ["/shows/deep/autograd/#t=180"]
    assert [h.text for h in page.find_all("h2", "search-result__title")] == ["Interview"]
    assert [o.attrs.get("value") for o in page.find_all("option") if "selected" in o.attrs] == ["deep"]


def test_rebuildsearchindex_command_indexes_everything_again():
    import io

    from django.core.management import call_command

    make_episode(title="Forgotten words")
    SearchEntry.objects.all().delete()
    out = io.StringIO()

    call_command("rebuildsearchindex", stdout=out)

    assert (titles(search("forgotten")), out.getvalue()) == (["Forgotten words"], "Indexed 2 entries.\n")


def long_vtt(lines):
    """A WebVTT transcript of one cue per line, ten seconds apart."""

    def stamp(seconds):
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"

    cues = [f"{stamp(n * 10)} --> {stamp(n * 10 + 9)}\n{line}\n" for n, line in enumerate(lines)]
    return "WEBVTT\n\n" + "\n".join(cues)


FILLER = "we talked about many things that matter to people who build software every day"


def test_transcript_is_cut_into_segments_of_about_a_hundred_words_that_overlap_by_one_cue():
    from episodes.search.index import stretches

    timed = [[n * 10.0, FILLER] for n in range(20)]  # 14 words a cue

    segments = stretches(timed)

    assert [(start, len(cues)) for start, cues in segments] == [(0.0, 9), (80.0, 9), (160.0, 4)]
    assert (segments[0][1][-1], segments[1][1][0]) == ([80.0, FILLER], [80.0, FILLER])


def test_search_transcript_hit_deep_in_a_long_transcript_gives_its_second():
    episode = make_episode(title="Long conversation", summary="Many things.")
    lines = [FILLER] * 60
    lines[47] = "and that is where the flamegraph showed the hot loop"
    transcript(episode, long_vtt(lines))
    rebuild()

    [hit] = search("flamegraph")

    assert (hit.transcript_second, str(hit.transcript_highlight)) == (
        470,
        "and that is where the <mark>flamegraph</mark> showed the hot loop",
    )
    assert SearchEntry.objects.get(episode=episode).segments.count() == 8


def test_search_quoted_phrase_said_across_two_segments_is_found():
    episode = make_episode(title="Interview", summary="A conversation.")
    lines = [FILLER] * 20
    # 14 words a cue: the first segment ends with the eighth cue, the second begins with the ninth.
    lines[7] = FILLER + " quantum"
    lines[8] = "annealing " + FILLER
    transcript(episode, long_vtt(lines))
    rebuild()

    [hit] = search('"quantum annealing"')

    assert (hit.entry.title, hit.transcript_second) == ("Interview", 70)


def test_search_quoted_phrase_needs_its_words_in_that_order_on_postgresql():
    episode = make_episode(title="Interview", summary="A conversation.")
    transcript(episode)
    rebuild()

    found = titles(search('"replay them backwards"')), titles(search('"backwards replay"'))

    expected_reversed = [] if connection.vendor == "postgresql" else ["Interview"]
    assert found == (["Interview"], expected_reversed)


def test_search_of_stop_words_finds_nothing_it_does_not_contain():
    make_episode(title="Tensors")
    make_episode(title="While tensors")
    rebuild()

    expected = [] if connection.vendor == "postgresql" else ["While tensors"]
    assert titles(search("while")) == expected


def test_search_forgets_the_transcript_of_a_deleted_episode():
    episode = make_episode(title="Interview")
    transcript(episode)
    rebuild()
    assert SearchEntry.objects.get(episode=episode).segments.count() == 1

    episode.delete()

    assert titles(search("autograd")) == []
    if connection.vendor == "sqlite":
        from episodes.search.index import SEGMENT_FTS_TABLE

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {SEGMENT_FTS_TABLE}")
            assert cursor.fetchone()[0] == 0
