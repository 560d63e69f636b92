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
    """Choices grouped by taxonomy group, stored as the lower-cased role.

    A role the taxonomy names in two groups (“Editor”: Writing and Video Post-Production) is
    stored once, under the group ``group_for_role`` gives it, so it is offered once, there.
    """
    home = group_for_role()
    groups = {}
    for entry in taxonomy():
        role = entry["role"].lower()
        if home[role] == entry["group"].lower():
            groups.setdefault(entry["group"], []).append((role, entry["role"]))
    return list(groups.items())


@cache
def group_for_role():
    """{role: group}; a role listed in two groups belongs to the first (as the feed carries it)."""
    groups = {}
    for entry in taxonomy():
        groups.setdefault(entry["role"].lower(), entry["group"].lower())
    return groups


def group_of(role):
    return group_for_role()[role]
