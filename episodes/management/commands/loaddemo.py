import time

from django.core.management.base import BaseCommand

from episodes.demo import DemoLoader


class Command(BaseCommand):
    help = (
        "Create the demo network: Podcast.__init__ episode 202 as its page shows it, a second show, "
        "a shared host, a sponsor across shows, a draft and a scheduled episode. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also create local logins: admin (superuser), producer and editor of Podcast.__init__.",
        )
        parser.add_argument(
            "--password",
            default="demo-password",
            help="Password for the local logins made with --with-users (default: demo-password).",
        )

    def handle(self, *args, with_users, password, **options):
        started = time.monotonic()
        loader = DemoLoader(log=lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write("Loading the demo network …")
        reference = loader.load(with_users=with_users, user_password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready in {time.monotonic() - started:.1f} s. "
                f"Reference episode: {reference.get_absolute_url()}"
            )
        )
        if with_users:
            self.stdout.write(
                f"Local logins (password “{password}”): admin (superuser), "
                "producer and editor (Podcast.__init__)."
            )
