"""Keeping the search index in step with what it indexes.

``index_episode``, ``index_show`` and ``index_person`` are plain, idempotent functions: signals
call them after a commit, and ``manage.py rebuildsearchindex`` runs them all.
"""

from django.db import connection, transaction

from podcastcms.sanitize import html_to_text

from .models import SearchEntry, SearchSegment

# Show.language (ISO 639) → PostgreSQL text search configuration; others use “simple”.
PG_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
FTS_TABLE = "episodes_search_fts"
SEGMENT_FTS_TABLE = "episodes_search_segment_fts"
# A transcript is searched in stretches of consecutive cues of about this many words.
SEGMENT_WORDS = 100
# Every vector carries its configuration as one more lexeme (“@english”, which no parser makes of
# typed words), so the GIN index alone keeps a query parsed as English to the English rows.
PG_MARKER_SQL = "array_to_tsvector(ARRAY['@' || config])"
# Title, summary, show notes, transcript: A to D on PostgreSQL, the same ratios in FTS5's bm25.
# head_vector (title, summary, notes; with positions) ranks and finds phrases; vector adds the
# transcript's words without their positions (a tenth of the size), so that every word of a query
# may occur anywhere in the episode; phrases said in a transcript are found in its segments.
PG_HEAD_VECTOR_SQL = f"""
    setweight(to_tsvector(config::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector(config::regconfig, coalesce(summary, '')), 'B') ||
    setweight(to_tsvector(config::regconfig, coalesce(body, '')), 'C') || {PG_MARKER_SQL}
"""
PG_VECTOR_SQL = "head_vector || strip(to_tsvector(config::regconfig, coalesce(transcript, '')))"
PG_SEGMENT_TEXT_SQL = "(SELECT string_agg(cue->>1, ' ') FROM jsonb_array_elements(s.cues) AS cue)"
SQLITE_SEGMENT_TEXT_SQL = "(SELECT group_concat(json_extract(value, '$[1]'), ' ') FROM json_each(s.cues))"


def marker(config):
    """The tsquery of a configuration's own lexeme (see ``PG_MARKER_SQL``)."""
    return f"'@{config}'"


def config_for_language(language):
    return PG_CONFIGS.get((language or "").split("-")[0].lower(), "simple")


def stretches(timed):
    """Cut ``[[start, text], …]`` cues into segments: (start, cues) of about ``SEGMENT_WORDS`` words.

    Each segment's cues end with the next segment's first cue, so a phrase spoken across the cut
    is still found within one segment.
    """
    groups, current, words = [], [], 0
    for start, text in timed:
        current.append([start, text])
        words += len(text.split())
        if words >= SEGMENT_WORDS:
            groups.append(current)
            current, words = [], 0
    if current:
        groups.append(current)
    return [
        (group[0][0], group + groups[number + 1][:1] if number + 1 < len(groups) else group)
        for number, group in enumerate(groups)
    ]


def write_vectors(entry_ids):
    """Bring the backend's searchable text of these entries (and their segments) up to date."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE episodes_searchentry SET head_vector = {PG_HEAD_VECTOR_SQL} WHERE id = ANY(%s)",
                [entry_ids],
            )
            cursor.execute(
                f"UPDATE episodes_searchentry SET vector = {PG_VECTOR_SQL} WHERE id = ANY(%s)", [entry_ids]
            )
            cursor.execute(
                "UPDATE episodes_searchsegment s SET vector = "
                f"to_tsvector(e.config::regconfig, coalesce({PG_SEGMENT_TEXT_SQL}, '')) || "
                "array_to_tsvector(ARRAY['@' || e.config]) "
                "FROM episodes_searchentry e WHERE e.id = s.entry_id AND s.entry_id = ANY(%s)",
                [entry_ids],
            )
        elif connection.vendor == "sqlite":
            forget(entry_ids)
            marks = ",".join("%s" for _ in entry_ids)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body, transcript) "
                "SELECT id, title, summary, body, transcript FROM episodes_searchentry "
                f"WHERE id IN ({marks})",
                entry_ids,
            )
            cursor.execute(
                f"INSERT INTO {SEGMENT_FTS_TABLE} (rowid, entry_id, text) "
                f"SELECT s.id, s.entry_id, coalesce({SQLITE_SEGMENT_TEXT_SQL}, '') "
                f"FROM episodes_searchsegment s WHERE s.entry_id IN ({marks})",
                entry_ids,
            )


def forget(entry_ids):
    entry_ids = list(entry_ids)
    if entry_ids and connection.vendor == "sqlite":
        marks = ",".join("%s" for _ in entry_ids)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", entry_ids)
            cursor.execute(f"DELETE FROM {SEGMENT_FTS_TABLE} WHERE entry_id IN ({marks})", entry_ids)


def write_segments(entry, timed):
    """Replace the entry's transcript segments (their vectors follow in ``write_vectors``)."""
    SearchSegment.objects.filter(entry=entry).delete()
    SearchSegment.objects.bulk_create(
        SearchSegment(entry=entry, show_id=entry.show_id, position=position, start=start, cues=cues)
        for position, (start, cues) in enumerate(stretches(timed))
    )


def episode_transcript(episode):
    """(text, [[start or None, text], …]) of the episode's transcript shown on its page."""
    from episodes.player.transcripts import best_transcript, transcript_cues

    transcript = best_transcript(list(episode.transcripts.all()))
    cues = transcript_cues(transcript) if transcript else []
    text = " ".join(cue["text"] for cue in cues)
    return text, [[cue["start"], cue["text"]] for cue in cues]


@transaction.atomic
def index_episode(episode):
    text, timed = episode_transcript(episode)
    entry, _ = SearchEntry.objects.update_or_create(
        episode=episode,
        defaults={
            "kind": SearchEntry.EPISODE,
            "show": episode.show,
            "config": config_for_language(episode.show.language),
            "title": episode.title,
            "summary": episode.summary,
            "body": html_to_text(episode.show_notes),
            "transcript": text,
        },
    )
    write_segments(entry, timed)
    write_vectors([entry.pk])
    return entry


@transaction.atomic
def index_show(show):
    entry, _ = SearchEntry.objects.update_or_create(
        kind=SearchEntry.SHOW,
        show=show,
        episode=None,
        defaults={
            "config": config_for_language(show.language),
            "title": show.title,
            "summary": show.subtitle,
            "body": show.description,
        },
    )
    write_vectors([entry.pk])
    # The show's language decides how its episodes are searched.
    config = config_for_language(show.language)
    changed = list(
        SearchEntry.objects.filter(kind=SearchEntry.EPISODE, show=show)
        .exclude(config=config)
        .values_list("pk", flat=True)
    )
    if changed:
        SearchEntry.objects.filter(pk__in=changed).update(config=config)
        write_vectors(changed)
    return entry


@transaction.atomic
def index_person(person):
    entry, _ = SearchEntry.objects.update_or_create(
        person=person,
        defaults={"kind": SearchEntry.PERSON, "config": "simple", "title": person.name, "body": person.bio},
    )
    write_vectors([entry.pk])
    return entry


def rebuild(log=None):
    """Index everything again (after an import or a restore); returns the number of entries."""
    from episodes.models import Episode, Show
    from people.models import Person

    count = 0
    for show in Show.objects.all():
        index_show(show)
        count += 1
    for episode in Episode.objects.select_related("show").prefetch_related("transcripts").iterator(500):
        index_episode(episode)
        count += 1
    for person in Person.objects.all():
        index_person(person)
        count += 1
    if log:
        log(f"Indexed {count} entries.")
    return count
