import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from episodes.analytics.datacenters import RANGE_SUFFIXES, VERSION_FILE, DatacenterRanges, RangeError


class Command(BaseCommand):
    help = (
        "Refresh the data-centre ranges in PODCASTCMS_DATACENTER_RANGES (a folder) from a downloaded "
        "list: a file or folder of CIDR networks or first,last address ranges (for example X4BNet's "
        "lists_vpn datacenter/ipv4.txt and ipv6.txt, or ipcat's datacenters.csv). Nothing is fetched."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="+", help="The downloaded list files or folders.")
        parser.add_argument("--into", help="Target folder (default: PODCASTCMS_DATACENTER_RANGES).")
        parser.add_argument("--name", default="", help="What the list is, as the admin shows it.")
        parser.add_argument("--date", default="", help="The list's date (YYYY-MM-DD); default: today.")

    def handle(self, *args, source, into, name, date, **options):
        target = Path(into or settings.PODCASTCMS_DATACENTER_RANGES or "")
        if not str(target) or str(target) == ".":
            raise CommandError("Set PODCASTCMS_DATACENTER_RANGES (or pass --into) to the ranges' folder.")
        files = []
        for value in source:
            path = Path(value)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix in RANGE_SUFFIXES and p.is_file())
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        if not files:
            raise CommandError(f"No list file ({', '.join(RANGE_SUFFIXES)}) in {', '.join(source)}.")
        staging = target.with_name(target.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for number, file in enumerate(files, start=1):
            suffix = file.suffix if file.suffix in RANGE_SUFFIXES else ".txt"
            shutil.copy2(file, staging / f"{number:02d}-{file.stem}{suffix}")
        version = {
            "source": name or ", ".join(p.name for p in files),
            "date": date or datetime.now(UTC).date().isoformat(),
            "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "copied_from": [str(p) for p in files],
        }
        (staging / VERSION_FILE).write_text(json.dumps(version, indent=2), encoding="utf-8")
        try:
            checked = DatacenterRanges(staging)
        except RangeError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise CommandError(str(exc)) from exc
        if not any(checked.starts.values()):
            shutil.rmtree(staging, ignore_errors=True)
            raise CommandError("The list holds no network or range.")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        counts = checked.info["ranges"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Data-centre ranges of {version['date']} in {target}: {counts['IPv4']} IPv4 and "
                f"{counts['IPv6']} IPv6 ranges (merged)"
                + (f"; {checked.skipped} lines skipped" if checked.skipped else "")
                + ". Restart the web workers to use them."
            )
        )
