"""The one search function: ranked, highlighted hits among public episodes, shows and people."""

import html
import json
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .index import FTS_TABLE, SEGMENT_FTS_TABLE, config_for_language, marker
from .models import SearchEntry

MAX_RESULTS = 50
RANK_CANDIDATES = 200
PHRASE_CANDIDATES = 1000
# Highlights come back from the database between these, so the text can be escaped first.
START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    entry: SearchEntry
    rank: float
    highlight: str = ""
    transcript_highlight: str = ""
    transcript_second: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def kind(self):
        return self.entry.kind


def marked(fragment):
    """Escape a database highlight and turn its markers into ``<mark>``."""
    escaped = html.escape(fragment or "")
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def query_terms(text):
    return [word.lower() for word in WORD.findall(text or "")][:12]


def _rules(show=None, person=None):
    """The publication rule's querysets: episodes (within the filters), shows, people's credits and hosts."""
    from episodes.models import Episode, Show
    from people.models import Credit, ShowHost

    episodes = Episode.objects.published()
    if show is not None:
        episodes = episodes.filter(show=show)
    if person is not None:
        episodes = episodes.filter(credits__person=person)
    # Person.objects.public(): credited on a public episode, or hosting a public show.
    credited = Credit.objects.filter(episode__in=Episode.objects.published())
    hosts = ShowHost.objects.filter(show__in=Show.objects.public())
    return episodes, Show.objects.public(), credited, hosts


def _public_person():
    _, _, credited, hosts = _rules()
    return Exists(credited.filter(person_id=OuterRef("person_id"))) | Exists(
        hosts.filter(person_id=OuterRef("person_id"))
    )


def public_entries(show=None, person=None):
    """Entries the public may find: the one publication rule, via the entry's episode, show or person.

    Written as correlated ``EXISTS`` so that the database checks only the rows the text matched
    (an index lookup each), instead of listing every public episode first.
    """
    episodes, shows, _, _ = _rules(show, person)
    condition = Q(kind=SearchEntry.EPISODE) & Exists(episodes.filter(pk=OuterRef("episode_id")))
    if show is None and person is None:
        condition |= Q(kind=SearchEntry.SHOW) & Exists(shows.filter(pk=OuterRef("show_id")))
        condition |= Q(kind=SearchEntry.PERSON) & _public_person()
    return SearchEntry.objects.filter(condition)


def public_among(matched, show=None, person=None):
    """(sql, params) of the ids of the public entries among ``matched`` (id, kind, episode, show, person).

    The same rule as ``public_entries``, one statement per kind so that each checks only its own
    matched rows: the episodes and shows by their ids, each person with an ``EXISTS`` that stops
    at their first public credit (not a list of every public credit).
    """
    episodes, shows, _, _ = _rules(show, person)

    def of(kind):
        return [row for row in matched if row[1] == kind]

    arms = []
    rows = of(SearchEntry.EPISODE)
    if rows:
        arms.append(
            SearchEntry.objects.filter(
                pk__in=[row[0] for row in rows], episode__in=episodes.filter(pk__in=[row[2] for row in rows])
            )
        )
    if show is None and person is None:
        rows = of(SearchEntry.SHOW)
        if rows:
            arms.append(
                SearchEntry.objects.filter(
                    pk__in=[row[0] for row in rows], show__in=shows.filter(pk__in=[row[3] for row in rows])
                )
            )
        rows = of(SearchEntry.PERSON)
        if rows:
            arms.append(SearchEntry.objects.filter(_public_person(), pk__in=[row[0] for row in rows]))
    compiled = [arm.order_by().values("pk").query.sql_with_params() for arm in arms]
    return " UNION ALL ".join(f"({sql})" for sql, _ in compiled), [
        p for _, params in compiled for p in params
    ]


def search(text, *, show=None, person=None, limit=MAX_RESULTS):
    """Hits for ``text`` among public content, best first, optionally within a show or a person's episodes.

    PostgreSQL: ``websearch_to_tsquery`` in each row's language configuration against the weighted
    vector (title A, summary B, show notes C, transcript D), ranked with ``ts_rank``, highlighted with
    ``ts_headline``. SQLite: FTS5 ``MATCH`` ranked with ``bm25`` using the same weights, highlighted with
    ``snippet``. Either way the same public rows, in a fixed number of queries. A transcript hit shows
    the line where the words are spoken, and its second, found in the transcript's segments (a
    stretch of cues each, see ``episodes.search.index.stretches``) rather than in the whole text.

    A word found in very many entries is ranked among the first ``RANK_CANDIDATES`` matches the
    database finds in titles, summaries and notes and as many more found anywhere (not all of
    them), so a query costs about the same at any size of the network.
    """
    terms = query_terms(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        rows = _postgresql(text, terms, show, person, limit)
    else:
        rows = _fts5(terms, show, person, limit)
    entries = (
        SearchEntry.objects.select_related("episode__show", "show", "person")
        # What the results show, not the entries' texts or the episodes' notes and renditions.
        .only(
            *("id", "kind", "title", "episode", "show", "person"),
            *("episode__title", "episode__slug", "episode__published_at", "episode__show"),
            *("episode__show__slug", "episode__show__title", "show__slug", "show__title"),
            *("person__slug", "person__name"),
        )
        .in_bulk([row[0] for row in rows])
    )
    hits = []
    for entry_id, rank, title_hl, text_hl, segments in rows:
        entry = entries[entry_id]
        hit = Hit(entry=entry, rank=rank, highlight=marked(text_hl) if text_hl and START in text_hl else "")
        has_mark = bool(title_hl) and START in title_hl
        hit.extra["title"] = marked(title_hl) if has_mark else conditional_escape(entry.title)
        # The first segment holding every word, else the first holding one of them: read in order
        # through the (entry, position) index. ts_match_vq is @@ written so that the GIN index cannot
        # serve it; intersecting that with the entry's few segments meant listing every segment
        # holding a common word, once per hit.
        cue = next((found for found in (spoken_cue(cues, terms) for cues in segments if cues) if found), None)
        if cue is not None:
            start, line = cue
            hit.transcript_second = int(start) if start is not None else None
            hit.transcript_highlight = highlight_terms(line, terms)
        hits.append(hit)
    return hits


def any_of(terms):
    """The query text of any one of the words (websearch syntax)."""
    return " or ".join(term for term in terms if term != "or") or terms[0]


def _postgresql(text, terms, show, person, limit):
    from episodes.models import Show

    # The languages of the shows (a short list, unlike the entries) and “simple” for people.
    languages = Show.objects.order_by().values_list("language", flat=True).distinct()
    configs = sorted({config_for_language(language) for language in languages} | {"simple"})
    # Step 1, the text alone: index scans per language in use (the query parsed as that language
    # parses, and kept to that language's rows by its marker lexeme), each stopping at
    # RANK_CANDIDATES ids: matches in titles, summaries and notes (which rank above the rest),
    # matches anywhere, and for a quoted phrase, transcript segments that say it.
    # Step 2 keeps the public ones, ranks them and reads the page's highlights and transcript lines.
    # Two statements, so that no plan ever lists every public episode or ranks every match.
    # The show and person filters narrow this step too, or a network-wide cut would lose their hits.
    narrowing, narrowing_params = "", []
    segment_narrowing = ""
    if show is not None:
        narrowing += " AND show_id = %s"
        segment_narrowing += " AND show_id = %s"
        narrowing_params.append(show.pk)
    if person is not None:
        credited = "SELECT episode_id FROM people_credit WHERE person_id = %s"
        narrowing += f" AND episode_id IN ({credited})"
        segment_narrowing += (
            f" AND entry_id IN (SELECT id FROM episodes_searchentry WHERE episode_id IN ({credited}))"
        )
        narrowing_params.append(person.pk)
    arms, params = [], []
    phrase = '"' in text
    for config in configs:
        # In a scalar subquery, so that the plan cannot depend on how common the words are: with
        # the words in view and a LIMIT, PostgreSQL prefers reading the table until enough rows
        # match (whole transcripts' vectors) to the index. Words that are all stop words give no
        # query (NULL) rather than the marker alone, which every row of the language matches.
        parsed = f"websearch_to_tsquery('{config}', %s)"
        query = f"(SELECT CASE WHEN numnode(q) > 0 THEN q && %s::tsquery END FROM {parsed} AS q)"
        if not phrase:
            for vector in ("head_vector", "vector"):
                arms.append(
                    f"(SELECT id FROM episodes_searchentry WHERE {vector} @@ {query}{narrowing} LIMIT %s)"
                )
                params += [marker(config), text, *narrowing_params, RANK_CANDIDATES]
            continue
        # A phrase: the index finds rows holding all its words (exactly, without reading them), of
        # which the first PHRASE_CANDIDATES are read to check the words' order. Words as common as
        # “really think” are in most rows, so checking every one of them would read the whole table.
        all_words = (
            "(SELECT CASE WHEN numnode(q) > 0 THEN"
            " regexp_replace(q::text, '<(\\d+|-)>', '&', 'g')::tsquery && %s::tsquery END"
            f" FROM {parsed} AS q)"
        )
        for column, table, narrow in (
            ("id", "episodes_searchentry", narrowing),
            ("entry_id", "episodes_searchsegment", segment_narrowing),
        ):
            vector = "head_vector" if table == "episodes_searchentry" else "vector"
            arms.append(
                f"(SELECT found AS id FROM (SELECT {column} AS found, {vector} AS v FROM {table}"
                f" WHERE {vector} @@ {all_words}{narrow} LIMIT %s) AS c"
                f" WHERE v @@ {query} LIMIT %s)"
            )
            params += [marker(config), text, *narrowing_params, PHRASE_CANDIDATES]
            params += [marker(config), text, RANK_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.kind, e.episode_id, e.show_id, e.person_id FROM episodes_searchentry e"
            f" WHERE e.id IN ({' UNION ALL '.join(arms)})",
            params,
        )
        matched = cursor.fetchall()
    if not matched:
        return []
    allowed_sql, allowed_params = public_among(matched, show=show, person=person)
    if not allowed_sql:
        return []
    options = f"StartSel={START}, StopSel={STOP}, MaxFragments=1, MaxWords=24, MinWords=8"
    title_options = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    # The first segment holding every word, else the first holding one of them: read in order
    # through the (entry, position) index. ts_match_vq is @@ written so that the GIN index cannot
    # serve it; intersecting that with the entry's few segments meant listing every segment
    # holding a common word, once per hit.
    segment = """(
        SELECT s.cues FROM episodes_searchsegment s
        WHERE s.entry_id = hits.id AND ts_match_vq(s.vector, websearch_to_tsquery(hits.config::regconfig, %s))
        ORDER BY s.position LIMIT 1
    )"""
    sql = f"""
        WITH hits AS (
            SELECT e.id, e.kind, e.config, e.title, e.summary, e.body,
                   websearch_to_tsquery(e.config::regconfig, %s) AS q,
                   ts_rank('{{0.1, 0.2, 0.4, 1.0}}', e.head_vector,
                           websearch_to_tsquery(e.config::regconfig, %s)) AS rank
            FROM episodes_searchentry e
            WHERE e.id = ANY(%s) AND e.id IN ({allowed_sql})
            ORDER BY rank DESC, e.id DESC
            LIMIT %s
        )
        SELECT id, rank, ts_headline(config::regconfig, title, q, %s),
               ts_headline(config::regconfig, coalesce(nullif(summary, ''), body), q, %s),
               CASE WHEN kind = 'episode' THEN coalesce({segment}, {segment}) END
        FROM hits ORDER BY rank DESC, id DESC
    """
    params = [
        text,
        text,
        [row[0] for row in matched],
        *allowed_params,
        limit,
        title_options,
        options,
        text,
        any_of(terms),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1]), row[2], row[3], [_cues(row[4])]) for row in cursor.fetchall()]


def _cues(value):
    # Django leaves JSON from raw SQL as text (PostgreSQL's jsonb as well as SQLite's).
    return json.loads(value) if isinstance(value, str) else value


def _fts5(terms, show, person, limit):
    # Every word must occur (as a prefix of a word: “learn” finds “learning”), as websearch does.
    match = " AND ".join('"' + term.replace('"', "") + '"*' for term in terms)
    candidates = (
        public_entries(show=show, person=person)
        .extra(
            where=[f"episodes_searchentry.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"],
            params=[match],
        )
        .order_by()
        .values("pk")[:RANK_CANDIDATES]
    )
    allowed_sql, allowed_params = candidates.query.sql_with_params()
    sql = f"""
        SELECT f.rowid, -bm25({FTS_TABLE}, 10.0, 5.0, 2.5, 1.0) AS rank,
               highlight({FTS_TABLE}, 0, %s, %s),
               CASE WHEN length(f.summary) > 0 THEN snippet({FTS_TABLE}, 1, %s, %s, '…', 24)
                    ELSE snippet({FTS_TABLE}, 2, %s, %s, '…', 24) END
        FROM {FTS_TABLE} f
        WHERE {FTS_TABLE} MATCH %s AND f.rowid IN ({allowed_sql})
        ORDER BY rank DESC, f.rowid DESC
        LIMIT %s
    """
    params = [START, STOP] * 3 + [match, *allowed_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    # The first segment of each hit's transcript holding every word (0), and one of them (1).
    ids = [row[0] for row in rows]
    marks = ",".join("%s" for _ in ids)
    first_segment = f"""
        SELECT f.entry_id, %s, min(s.position), s.cues
        FROM {SEGMENT_FTS_TABLE} f JOIN episodes_searchsegment s ON s.id = f.rowid
        WHERE {SEGMENT_FTS_TABLE} MATCH %s AND f.entry_id IN ({marks})
        GROUP BY f.entry_id
    """
    any_match = " OR ".join('"' + term.replace('"', "") + '"*' for term in terms)
    segments = {}
    with connection.cursor() as cursor:
        cursor.execute(f"{first_segment} UNION ALL {first_segment}", [0, match, *ids, 1, any_match, *ids])
        for entry_id, preference, _position, cues in cursor.fetchall():
            segments.setdefault(entry_id, [None, None])[preference] = _cues(cues)
    return [(*row, segments.get(row[0], [])) for row in rows]


def _stems(terms):
    # A word's beginning stands for its forms (autograd, autograds; learn, learning, learned).
    return [term[: max(4, len(term) - 2)] if len(term) > 4 else term for term in terms]


def highlight_terms(text, terms):
    """``text`` escaped, with the words that begin like a query word in ``<mark>``."""
    stems = _stems(terms)
    parts = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        if any(word.lower().startswith(stem) for stem in stems):
            parts.append(html.escape(text[position : match.start()]))
            parts.append(f"<mark>{html.escape(word)}</mark>")
            position = match.end()
    parts.append(html.escape(text[position:]))
    return mark_safe("".join(parts))


def spoken_cue(cues, terms):
    """The first cue holding every word of the query (else the first holding one), or None."""
    stems = set(_stems(terms))

    def found_in(text):
        words = [word.lower() for word in WORD.findall(text)]
        return {stem for stem in stems if any(word.startswith(stem) for word in words)}

    first_any = None
    for start, text in cues or []:
        found = found_in(text)
        if found == stems:
            return start, text
        if found and first_any is None:
            first_any = (start, text)
    return first_any
