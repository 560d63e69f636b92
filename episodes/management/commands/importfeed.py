from django.core.management.base import BaseCommand, CommandError

from episodes.imports.feedreader import FeedImportError, read_source
from episodes.imports.importer import import_feed


class Command(BaseCommand):
    help = (
        "Import a show from its RSS feed (a file path or an http(s) URL), keeping every episode's "
        "guid and enclosure URL. Importing the same feed again changes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A feed file path, or an http(s) URL to fetch.")
        parser.add_argument(
            "--show", dest="show_slug", help="Import into the show with this slug (created if missing)."
        )
        parser.add_argument(
            "--allow-locked",
            action="store_true",
            help="Import a feed marked podcast:locked yes: confirm that you own it.",
        )

    def handle(self, source, show_slug=None, allow_locked=False, **options):
        def progress(index, total, outcome, title):
            self.stdout.write(f"[{index}/{total}] {outcome}: {title}")

        try:
            data = read_source(source)
            result = import_feed(
                data,
                show_slug=show_slug,
                allow_locked=allow_locked,
                source_url=source if source.startswith(("http://", "https://")) else "",
                progress=progress,
            )
        except FeedImportError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None

        show = result.show
        verb = "created" if result.show_created else "updated" if result.show_updated else "unchanged"
        self.stdout.write(f"Show “{show.title}” ({show.slug}): {verb}.")
        for title, reason in result.skipped:
            self.stdout.write(f"Skipped “{title}”: {reason}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(f"Episodes: {result.summary()}."))
