"""The one search function: ranked, highlighted hits among public episodes, shows and people."""

import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .index import FTS_TABLE, PG_CONFIGS
from .models import SearchEntry

MAX_RESULTS = 50
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


def public_entries(show=None, person=None):
    """Entries the public may find: the one publication rule, via the entry's episode, show or person."""
    from episodes.models import Episode, Show
    from people.models import Person

    episodes = Episode.objects.published()
    if show is not None:
        episodes = episodes.filter(show=show)
    if person is not None:
        episodes = episodes.filter(credits__person=person)
    entries = SearchEntry.objects.filter(kind=SearchEntry.EPISODE, episode__in=episodes.values("pk"))
    if show is None and person is None:
        entries = (
            entries
            | SearchEntry.objects.filter(kind=SearchEntry.SHOW, show__in=Show.objects.public().values("pk"))
            | SearchEntry.objects.filter(
                kind=SearchEntry.PERSON, person__in=Person.objects.public().values("pk")
            )
        )
    return entries


def search(text, *, show=None, person=None, limit=MAX_RESULTS):
    """Hits for ``text`` among public content, best first, optionally within a show or a person's episodes.

    PostgreSQL: ``websearch_to_tsquery`` in each row's language configuration against the weighted
    vector (title A, summary B, show notes C, transcript D), ranked with ``ts_rank``, highlighted with
    ``ts_headline``. SQLite: FTS5 ``MATCH`` ranked with ``bm25`` using the same weights, highlighted with
    ``snippet``. Either way the same public rows, in a fixed number of queries.
    """
    terms = query_terms(text)
    if not terms:
        return []
    allowed = public_entries(show=show, person=person)
    allowed_sql, allowed_params = allowed.values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        rows = _postgresql(text, allowed_sql, allowed_params, limit)
    else:
        rows = _fts5(terms, allowed_sql, allowed_params, limit)
    entries = SearchEntry.objects.select_related("episode__show", "show", "person").in_bulk(
        [row[0] for row in rows]
    )
    hits = []
    for entry_id, rank, title_hl, text_hl, transcript_hl in rows:
        entry = entries[entry_id]
        hit = Hit(entry=entry, rank=rank, highlight=marked(text_hl or title_hl))
        hit.extra["title"] = (
            marked(title_hl) if title_hl and START in title_hl else conditional_escape(entry.title)
        )
        if transcript_hl and START in transcript_hl:
            hit.transcript_highlight = marked(transcript_hl)
            hit.transcript_second = spoken_at(entry.cues, terms)
        hits.append(hit)
    return hits


def _postgresql(text, allowed_sql, allowed_params, limit):
    configs = list(SearchEntry.objects.order_by().values_list("config", flat=True).distinct()) or ["simple"]
    configs = [config for config in configs if config in set(PG_CONFIGS.values()) | {"simple"}]
    # One index-friendly condition per language in use: the query parsed as that language parses.
    matches = " OR ".join(
        f"(e.config = %s AND e.vector @@ websearch_to_tsquery('{config}', %s))" for config in configs
    )
    match_params = [value for config in configs for value in (config, text)]
    options = f"StartSel={START}, StopSel={STOP}, MaxFragments=1, MaxWords=24, MinWords=8"
    sql = f"""
        WITH hits AS (
            SELECT e.id, e.config, e.title, e.summary, e.body, e.transcript,
                   websearch_to_tsquery(e.config::regconfig, %s) AS q,
                   ts_rank('{{0.1, 0.2, 0.4, 1.0}}', e.vector, websearch_to_tsquery(e.config::regconfig, %s))
                       AS rank
            FROM episodes_searchentry e
            WHERE ({matches}) AND e.id IN ({allowed_sql})
            ORDER BY rank DESC, e.id DESC
            LIMIT %s
        )
        SELECT id, rank,
               ts_headline(config::regconfig, title, q, %s),
               ts_headline(config::regconfig, coalesce(nullif(summary, ''), body), q, %s),
               CASE WHEN transcript <> ''
                    THEN ts_headline(config::regconfig, transcript, q, %s) END
        FROM hits ORDER BY rank DESC, id DESC
    """
    title_options = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    params = [text, text, *match_params, *allowed_params, limit, title_options, options, options]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()]


def _fts5(terms, allowed_sql, allowed_params, limit):
    # Every word must occur (as a prefix of a word: “learn” finds “learning”), as websearch does.
    match = " AND ".join('"' + term.replace('"', "") + '"*' for term in terms)
    sql = f"""
        SELECT f.rowid, -bm25({FTS_TABLE}, 10.0, 5.0, 2.5, 1.0) AS rank,
               highlight({FTS_TABLE}, 0, %s, %s),
               CASE WHEN length(f.summary) > 0 THEN snippet({FTS_TABLE}, 1, %s, %s, '…', 24)
                    ELSE snippet({FTS_TABLE}, 2, %s, %s, '…', 24) END,
               snippet({FTS_TABLE}, 3, %s, %s, '…', 24)
        FROM {FTS_TABLE} f
        WHERE {FTS_TABLE} MATCH %s AND f.rowid IN ({allowed_sql})
        ORDER BY rank DESC, f.rowid DESC
        LIMIT %s
    """
    params = [START, STOP] * 4 + [match, *allowed_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()]


def spoken_at(cues, terms):
    """The second of the first cue that holds every word (else any word) of the query."""
    stems = [term[: max(4, len(term) - 2)] if len(term) > 4 else term for term in terms]

    def words_in(text):
        words = [word.lower() for word in WORD.findall(text)]
        return {stem for stem in stems if any(word.startswith(stem) for word in words)}

    first_any = None
    for start, text in cues or []:
        found = words_in(text)
        if len(found) == len(set(stems)):
            return int(start)
        if found and first_any is None:
            first_any = int(start)
    return first_any
