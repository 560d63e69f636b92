"""Keeping the search index in step with what it indexes.

``index_episode``, ``index_show`` and ``index_person`` are plain, idempotent functions: signals
call them after a commit, and ``manage.py rebuildsearchindex`` runs them all.
"""

from django.db import connection, transaction

from podcastcms.sanitize import html_to_text

from .models import SearchEntry

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
# Title, summary, show notes, transcript: A to D on PostgreSQL, the same ratios in FTS5's bm25.
PG_HEAD_VECTOR_SQL = """
    setweight(to_tsvector(config::regconfig, coalesce(title, '')), 'A') ||
    setweight(to_tsvector(config::regconfig, coalesce(summary, '')), 'B') ||
    setweight(to_tsvector(config::regconfig, coalesce(body, '')), 'C')
"""
PG_VECTOR_SQL = f"""{PG_HEAD_VECTOR_SQL} ||
    setweight(to_tsvector(config::regconfig, coalesce(transcript, '')), 'D')
"""


def config_for_language(language):
    return PG_CONFIGS.get((language or "").split("-")[0].lower(), "simple")


def write_vectors(entry_ids):
    """Bring the backend's searchable text of these entries up to date."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE episodes_searchentry SET vector = {PG_VECTOR_SQL}, "
                f"head_vector = {PG_HEAD_VECTOR_SQL} WHERE id = ANY(%s)",
                [entry_ids],
            )
        elif connection.vendor == "sqlite":
            marks = ",".join("%s" for _ in entry_ids)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", entry_ids)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body, transcript) "
                "SELECT id, title, summary, body, transcript FROM episodes_searchentry "
                f"WHERE id IN ({marks})",
                entry_ids,
            )


def forget(entry_ids):
    entry_ids = list(entry_ids)
    if entry_ids and connection.vendor == "sqlite":
        marks = ",".join("%s" for _ in entry_ids)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", entry_ids)


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
            "cues": timed,
        },
    )
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
