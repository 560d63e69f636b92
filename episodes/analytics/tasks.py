"""Measurement's background work: loading the journal every minute, the rollup of recent days
every hour, the purge once a day.

The worker's periodic sweep (``episodes.tasks.worker``) runs every minute in every worker; the
cache key taken with ``add`` lets one of them enqueue each job once per interval. Both jobs are
idempotent, so a second run (two workers without a shared cache) changes nothing.
"""

from django.core.cache import cache

from episodes.tasks import background, enqueue
from episodes.tasks.worker import periodic

LOAD_EVERY = 60
ROLLUP_EVERY = 60 * 60
PURGE_EVERY = 24 * 60 * 60


@background(retries=3, backoff=60)
def load_journal():
    """The web processes' journaled events into the database; the coming salts made ahead."""
    from episodes.analytics import journal, recorder

    recorder.prepare_salts()
    return journal.load()


@background(retries=3, backoff=300)
def rollup_recent_days():
    from episodes.analytics import journal
    from episodes.analytics.rollup import rollup_recent

    journal.load()
    return len(rollup_recent())


@background(retries=3, backoff=300)
def purge_old_events():
    from episodes.analytics.recorder import purge

    events, salts = purge()
    return {"events": events, "salts": salts}


@periodic
def schedule_measurement_jobs():
    if cache.add("analytics:load-due", True, LOAD_EVERY):
        enqueue(load_journal)
    if cache.add("analytics:rollup-due", True, ROLLUP_EVERY):
        enqueue(rollup_recent_days)
    if cache.add("analytics:purge-due", True, PURGE_EVERY):
        enqueue(purge_old_events)
