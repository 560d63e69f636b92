from django.core.management.base import BaseCommand

from episodes.search.index import rebuild


class Command(BaseCommand):
    help = (
        "Index every show, episode (with its transcript) and person for search again. Edits are "
        "indexed as they are saved; run this after a restore, a bulk import or a language change."
    )

    def handle(self, *args, **options):
        rebuild(log=self.stdout.write)
