from django.core.management.base import BaseCommand, CommandError

from episodes.analytics import recorder, rollup


class Command(BaseCommand):
    help = (
        "Roll up raw download events into daily figures (by default yesterday and today). "
        "Recomputing a day replaces its figures with identical ones; --verify only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", action="append", default=[], help="A day (YYYY-MM-DD); may repeat.")
        parser.add_argument("--since", help="Every day from this one (YYYY-MM-DD) to the last event.")
        parser.add_argument("--all", action="store_true", help="Every day that has raw events.")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Recompute and compare with the stored figures; write nothing.",
        )
        parser.add_argument(
            "--rebuild-totals",
            action="store_true",
            help="Make the episodes' totals and rolling windows again from the daily figures.",
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="Also delete raw events past the retention time and old salts.",
        )

    def handle(self, *args, day, since, all, verify, purge, rebuild_totals, **options):
        if rebuild_totals:
            rollup.rebuild_totals()
            rollup.rebuild_windows()
            count = len(rollup.stored_totals())
            self.stdout.write(f"Episode totals and windows rebuilt from the daily figures: {count} episodes.")
            return
        try:
            days = [rollup.parse_day(value) for value in day]
            if since or all:
                days += rollup.days_with_events(since=rollup.parse_day(since) if since else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        days = sorted(set(days))
        if verify:
            differing = 0
            for one_day in days:
                same, stored, fresh = rollup.verify_day(one_day)
                differing += not same
                self.stdout.write(
                    f"{one_day}: {'identical' if same else 'DIFFERENT'} "
                    f"(stored {stored[:12]}, recomputed {fresh[:12]})"
                )
            totals_same = rollup.verify_totals()[0] and rollup.verify_windows()[0]
            self.stdout.write(
                "episode totals and rolling windows: "
                f"{'identical to' if totals_same else 'DIFFERENT from'} the daily figures"
            )
            if differing:
                raise CommandError(f"{differing} day(s) differ from their raw events.")
            if not totals_same:
                raise CommandError(
                    "Episode totals or windows differ from the daily figures; --rebuild-totals remakes them."
                )
            return
        runs = [rollup.rollup_day(one_day) for one_day in days] if days else rollup.rollup_recent()
        for run in runs:
            self.stdout.write(
                f"{run.day}: {run.downloads} downloads from {run.events_read} events "
                f"(checksum {run.checksum[:12]})"
            )
        if purge:
            events, salts = recorder.purge()
            self.stdout.write(f"Purged {events} raw events and {salts} salts.")
