from django.core.management.base import BaseCommand, CommandError

from episodes.feeds.lint import lint_show
from episodes.models import Show


class Command(BaseCommand):
    help = (
        "Check shows and their episodes against Apple's and the Podcasting 2.0 feed rules. "
        "Exits with status 1 when a show has errors."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "show_slugs", nargs="*", metavar="SHOW_SLUG", help="Shows to check (default: all)."
        )

    def handle(self, *args, show_slugs, **options):
        shows = Show.objects.order_by("title", "pk")
        if show_slugs:
            shows = shows.filter(slug__in=show_slugs)
            missing = sorted(set(show_slugs) - set(shows.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No show with the slug {', '.join(missing)}.")
        failing = []
        for show in shows:
            findings = lint_show(show)
            errors = sum(finding.is_error for finding in findings)
            warnings = len(findings) - errors
            style = self.style.ERROR if errors else self.style.WARNING if warnings else self.style.SUCCESS
            summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            self.stdout.write(style(f"{show.slug}: {summary}"))
            for finding in findings:
                self.stdout.write(f"  {finding}")
            if errors:
                failing.append(show.slug)
        if failing:
            raise CommandError(f"Feed errors in {', '.join(failing)}.", returncode=1)
