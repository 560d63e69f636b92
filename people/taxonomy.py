"""Podcasting 2.0 person roles and groups, from the namespace's taxonomy (CC0).

``podcast:person`` carries them lower-cased (role="host" group="cast").
"""

import json
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")


@cache
def taxonomy():
    return json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))


@cache
def role_choices():
    """Choices grouped by taxonomy group, stored as the lower-cased role."""
    groups = {}
    for entry in taxonomy():
        groups.setdefault(entry["group"], []).append((entry["role"].lower(), entry["role"]))
    return list(groups.items())


@cache
def group_for_role():
    return {entry["role"].lower(): entry["group"].lower() for entry in taxonomy()}


def group_of(role):
    return group_for_role()[role]
