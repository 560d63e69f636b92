from django.core.management.base import BaseCommand

from episodes.analytics import journal, recorder


class Command(BaseCommand):
    help = (
        "Move the download events the web processes journaled (PODCASTCMS_ANALYTICS_JOURNAL) into "
        "the database, and delete the journal files whose process has finished with them. Safe to "
        "run at any time and as often as you like: no line is loaded twice. The worker does it "
        "every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="The journal folder (default: PODCASTCMS_ANALYTICS_JOURNAL).")

    def handle(self, *args, directory, **options):
        recorder.prepare_salts()
        totals = journal.load(directory, progress=self.progress)
        self.stdout.write(
            f"Loaded {totals['events']} download events; {totals['files']} finished journal files "
            f"deleted"
            + (f"; {totals['skipped']} unreadable lines skipped" if totals["skipped"] else "")
            + "."
        )

    def progress(self, done, total, name, totals):
        self.stdout.write(f"[{done}/{total}] {name}: {totals['events']} events loaded so far")
