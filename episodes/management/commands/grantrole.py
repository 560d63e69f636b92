from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from episodes.models import Show, Team

ROLES = [role for role, _ in Team.ROLE_CHOICES]
ALL_SHOWS = "*"


class Command(BaseCommand):
    help = (
        "Give a user a role on a show, or on every show with SHOW_SLUG '*' (or --all-shows). "
        "Creates or reuses the team for that show and role and makes the user staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("show_slug", nargs="?", help="The show's slug, or '*' for all shows.")
        parser.add_argument("role", help=f"One of: {', '.join(ROLES)}.")
        parser.add_argument("--all-shows", action="store_true", help="Grant the role on every show.")

    @transaction.atomic
    def handle(self, username, show_slug, role, all_shows, **options):
        role = role.replace("-", "_").lower()
        if role not in ROLES:
            raise CommandError(f"Unknown role “{role}”; choose one of: {', '.join(ROLES)}.")
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named “{username}”.") from None
        if all_shows or show_slug == ALL_SHOWS:
            team, _ = Team.objects.get_or_create(
                name=f"All shows: {role}", defaults={"role": role, "all_shows": True}
            )
            where = "every show"
        elif not show_slug:
            raise CommandError("Give a show's slug, or '*' (or --all-shows) for every show.")
        else:
            try:
                show = Show.objects.get(slug=show_slug)
            except Show.DoesNotExist:
                raise CommandError(f"No show with the slug “{show_slug}”.") from None
            team, _ = Team.objects.get_or_create(name=f"{show.slug}: {role}", defaults={"role": role})
            team.shows.add(show)
            where = f"“{show.title}”"
        if team.role != role or (team.all_shows != (where == "every show")):
            raise CommandError(
                f"The team “{team.name}” exists with another role or scope; fix it in the admin."
            )
        team.members.add(user)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(f"{username} is now {role} on {where} (team “{team.name}”).")
