"""No stale feed after an edit has committed, with renders and edits racing on the real database.

The races run in threads with connections of their own (``tests/episodes/feed_store_races.py``):
in this process on PostgreSQL, in a process of their own on a file database on SQLite (the test
database lives in memory there, one connection shared by every thread).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.episodes import feed_store_races

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """A migrated file database to copy, made once (only on SQLite)."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("races") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    return path


@pytest.fixture
def race(sqlite_template, tmp_path):
    def run(scenario):
        if sqlite_template is None:
            return feed_store_races.SCENARIOS[scenario]()
        database = tmp_path / "race.sqlite3"
        shutil.copy(sqlite_template, database)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "FEED_STORE_ROOT": str(settings.FEED_STORE_ROOT),
            "DJANGO_SETTINGS_MODULE": "podcastcms.settings",
        }
        env.pop("REDIS_URL", None)
        done = subprocess.run(
            [sys.executable, "-m", "tests.episodes.feed_store_races", scenario],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


def test_render_started_before_an_edit_does_not_put_its_bytes_in_place_after_the_commit(race):
    seen = race("render_started_before_an_edit")

    assert seen["attempts"] == ["before the edit", "again"]
    assert seen["stale_reads_after_commit"] == 0
    assert seen["reads_after_commit"] > 0
    assert seen["stored_has_new_title"] is True
    assert seen["stored_has_old_title"] is False
    assert seen["gzip_matches_plain"] is True
    assert seen["row_current"] is True


def test_edit_waits_for_a_render_putting_its_files_in_place_then_takes_them_away(race):
    seen = race("edit_while_a_render_is_put_in_place")

    assert seen["edit_committed_while_render_held_the_row"] is False
    assert seen["edit_committed"] is True
    assert seen["stale_reads_after_commit"] == 0
    assert seen["stored_has_new_title"] is True
    assert seen["stored_has_old_title"] is False
    assert seen["gzip_matches_plain"] is True
    assert seen["row_current"] is True
