"""The German catalogue: complete for the public pages, and its compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES"


def po_entries():
    """(references, flags, msgid, msgid_plural, [msgstr, …]) of every entry of django.po."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        refs = " ".join(line[3:] for line in lines if line.startswith("#:"))
        flags = " ".join(line[3:] for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, value = line.split(" ", 1)
                fields[current] = ast.literal_eval(value)
        if fields.get("msgid"):
            strings = [fields[key] for key in sorted(fields) if key.startswith("msgstr")]
            entries.append((refs, flags, fields["msgid"], fields.get("msgid_plural"), strings))
    return entries


def test_every_public_string_has_a_german_translation():
    public = [entry for entry in po_entries() if "templates/admin/" not in entry[0]]

    untranslated = [
        msgid for refs, flags, msgid, plural, strings in public if "fuzzy" in flags or "" in strings
    ]

    assert len(public) > 100
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as file:
        catalogue = gettext.GNUTranslations(file)

    mismatches = []
    for _refs, _flags, msgid, plural, strings in po_entries():
        if not all(strings):
            continue
        compiled = (
            [catalogue.ngettext(msgid, plural, 1), catalogue.ngettext(msgid, plural, 2)]
            if plural
            else [catalogue.gettext(msgid)]
        )
        if compiled != strings:
            mismatches.append(msgid)

    assert mismatches == []
