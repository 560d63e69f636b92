from django.core.management.base import BaseCommand

from episodes.feeds.store import all_feed_names, refresh_feeds


class Command(BaseCommand):
    help = (
        "Render the stored copy of every feed (the network feeds and each show's) and write the "
        "ones whose bytes changed. --due renders only feeds that are due: edited, never rendered, "
        "or with a scheduled episode whose time has passed (run it every minute where a proxy serves "
        "the stored files directly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="Only the feeds that are due.")

    def handle(self, *args, due=False, **options):
        names = all_feed_names()
        changed = refresh_feeds(names, force=not due)
        self.stdout.write(f"{len(names)} feeds checked, {len(changed)} changed: {', '.join(changed) or '-'}")
