import json
from pathlib import Path

import pytest

from episodes.analytics import datacenters, recorder, useragents

PROJECT = Path(__file__).resolve().parents[3]
CANDIDATES = [PROJECT.parent / "shared", PROJECT.parent.parent / "shared"]


def opawg_dir():
    for base in CANDIDATES:
        path = base / "data" / "opawg-user-agents-v2"
        if (path / "apps.json").is_file():
            return path
    return None


@pytest.fixture
def opawg_lists(settings):
    """The OPAWG v2 lists kept beside the project; skipped where they are absent."""
    path = opawg_dir()
    if path is None:
        pytest.skip("../shared/data/opawg-user-agents-v2 is absent: the lists live beside the project")
    settings.PODCASTCMS_USER_AGENT_LISTS = str(path)
    useragents.reset_classifier()
    yield path
    useragents.reset_classifier()


@pytest.fixture
def opawg_entries(opawg_lists):
    def entries(name):
        return json.loads((opawg_lists / f"{name}.json").read_text(encoding="utf-8"))["entries"]

    return entries


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """Salts and classifiers are per process; each test starts as a new process would."""
    recorder._salts.clear()
    useragents.reset_classifier()
    datacenters.reset_ranges()
    yield
    recorder._salts.clear()
    useragents.reset_classifier()
    datacenters.reset_ranges()
