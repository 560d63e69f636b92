from django.core.management.base import BaseCommand, CommandError

from episodes.imports.chapters import folder_lookup
from episodes.imports.feedreader import FeedImportError
from episodes.imports.paging import MAX_PAGES, import_source


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
        parser.add_argument(
            "--max-pages",
            type=int,
            default=MAX_PAGES,
            help=f"Follow at most this many RFC 5005 pages (atom:link rel=next); default {MAX_PAGES}.",
        )
        parser.add_argument(
            "--chapters",
            metavar="FOLDER",
            help="A folder of JSON chapters files, named like the last part of each podcast:chapters "
            "URL; the chapters of those items are stored (the URL is kept either way).",
        )

    def handle(
        self, source, show_slug=None, allow_locked=False, max_pages=MAX_PAGES, chapters=None, **options
    ):
        def progress(index, total, outcome, title):
            self.stdout.write(f"[{index}/{total}] {outcome}: {title}")

        def on_page(page):
            if page.number > 1 or page.problem:
                self.stdout.write(str(page))

        try:
            result = import_source(
                source,
                show_slug=show_slug,
                allow_locked=allow_locked,
                progress=progress,
                on_page=on_page,
                max_pages=max_pages,
                chapter_documents=folder_lookup(chapters) if chapters else None,
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
