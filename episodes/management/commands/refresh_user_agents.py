import json
import shutil
import tarfile
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from episodes.analytics.useragents import LIST_FILES, VERSION_FILE, ListError, OpawgClassifier, list_info


def find_lists(root):
    """The folder under ``root`` that holds every list file (a repository's ``src/``, or root)."""
    for candidate in [root, *sorted(p.parent for p in root.rglob("bots.json"))]:
        if all((candidate / f"{name}.json").is_file() for name in LIST_FILES):
            return candidate
    raise CommandError(f"No folder under {root} holds {', '.join(f'{n}.json' for n in LIST_FILES)}.")


class Command(BaseCommand):
    help = (
        "Refresh the OPAWG user-agent lists (v2) in PODCASTCMS_USER_AGENT_LISTS from a downloaded "
        "copy: a folder, .zip or .tar.gz of the opawg/user-agents-v2 repository. Nothing is fetched."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The downloaded copy (folder, .zip or .tar.gz).")
        parser.add_argument("--into", help="Target folder (default: PODCASTCMS_USER_AGENT_LISTS).")
        parser.add_argument("--date", help="The lists' date (YYYY-MM-DD), when the copy does not say.")
        parser.add_argument("--commit", default="", help="The repository commit of the copy, when known.")

    def handle(self, *args, source, into, date, commit, **options):
        target = Path(into or settings.PODCASTCMS_USER_AGENT_LISTS or "")
        if not str(target) or str(target) == ".":
            raise CommandError("Set PODCASTCMS_USER_AGENT_LISTS (or pass --into) to the lists' folder.")
        source = Path(source)
        if not source.exists():
            raise CommandError(f"{source} does not exist.")
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            if source.is_dir():
                root = source
            elif zipfile.is_zipfile(source):
                with zipfile.ZipFile(source) as archive:
                    archive.extractall(scratch)
                root = scratch
            elif tarfile.is_tarfile(source):
                with tarfile.open(source) as archive:
                    archive.extractall(scratch, filter="data")
                root = scratch
            else:
                raise CommandError(f"{source} is neither a folder, a .zip nor a .tar.gz.")
            folder = find_lists(root)
            try:
                checked = OpawgClassifier(folder)  # every file parses and its patterns compile
            except ListError as exc:
                raise CommandError(str(exc)) from exc
            info = list_info(folder.parent if not (folder / "SOURCE.txt").exists() else folder)
            staging = target.with_name(target.name + ".new")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            for name in [*LIST_FILES, "LICENSE", "SOURCE.txt"]:
                for base in (folder, folder.parent):
                    if (base / f"{name}.json").is_file() and name in LIST_FILES:
                        shutil.copy2(base / f"{name}.json", staging / f"{name}.json")
                        break
                    if name not in LIST_FILES and (base / name).is_file():
                        shutil.copy2(base / name, staging / name)
                        break
            version = {
                "source": "OPAWG user-agents v2",
                "date": date or info.get("date", ""),
                "commit": commit or info.get("commit", ""),
                "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "copied_from": str(source),
            }
            (staging / VERSION_FILE).write_text(json.dumps(version, indent=2), encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        self.stdout.write(
            self.style.SUCCESS(
                f"OPAWG lists of {version['date'] or 'unknown date'} in {target}: "
                + ", ".join(f"{len(checked.lists[n])} {n}" for n in LIST_FILES)
                + (f"; {checked.skipped} patterns skipped" if checked.skipped else "")
                + ". Restart the web workers to use them."
            )
        )
