from datetime import timedelta

from django.core.management.base import BaseCommand

from episodes.audio_uploads import delete_stale_staged_audio


class Command(BaseCommand):
    help = "Delete audio uploaded from episode forms that were never saved (older than --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=2, help="age in days (default 2)")

    def handle(self, *args, days, **options):
        count = delete_stale_staged_audio(timedelta(days=days))
        self.stdout.write(f"Deleted {count} unused upload{'s' if count != 1 else ''}.")
