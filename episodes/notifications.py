"""E-mail to the people of a show when an episode moves through the workflow.

The workflow queues ``send_workflow_mail`` (a task, run by the worker) once its change commits,
so mail goes out only for changes that were saved and a publish never waits for the SMTP
server; a failed send is retried. Each user may turn the mail off (``NotificationSettings``;
Admin → Notification settings).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import models
from django.db.models import Q
from django.urls import reverse

from episodes.tasks import background, later

READY = "ready"
PUBLISHED = "published"
SCHEDULED = "scheduled"
SENT_BACK = "sent_back"
EVENTS = {
    READY: "ready for review",
    PUBLISHED: "published",
    SCHEDULED: "scheduled",
    SENT_BACK: "sent back to draft",
}


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(
        "send me e-mail about episodes",
        default=True,
        help_text=(
            "Editors hear when an episode is ready for review; producers when theirs is published, "
            "scheduled or sent back."
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = "notification settings"

    def __str__(self):
        return f"Notifications of {self.user}"


def wants_mail(user):
    setting = NotificationSettings.objects.filter(user=user).first()
    return setting is None or setting.email_enabled


def recipients(show, event, actor):
    """Users to tell: editors for a review, producers otherwise; never the one who acted."""
    from .models import Team

    roles = [Team.EDITOR, Team.NETWORK_ADMIN] if event == READY else [Team.PRODUCER]
    teams = Team.objects.filter(role__in=roles).filter(Q(all_shows=True) | Q(shows=show))
    users = (
        get_user_model()
        .objects.filter(show_teams__in=teams, is_active=True, is_staff=True)
        .exclude(email="")
        .exclude(notification_settings__email_enabled=False)
        .distinct()
        .order_by("username")
    )
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    return list(users)


def message_for(event, episode, actor, comment=""):
    change_url = settings.SITE_URL + reverse("admin:episodes_episode_change", args=[episode.pk])
    who = actor.get_full_name() or actor.username if actor else "Someone"
    subject = f"[{episode.show}] “{episode.title}” is {EVENTS[event]}"
    lines = [f"{who} marked “{episode.title}” ({episode.show}) as {EVENTS[event]}."]
    if event == SCHEDULED and episode.published_at:
        lines.append(f"It goes live on {episode.published_at:%A %-d %B %Y at %H:%M} ({settings.TIME_ZONE}).")
    if comment:
        lines += ["", "Their comment:", comment]
    lines += ["", f"Open it: {change_url}", "", "You can turn these e-mails off under Notification settings."]
    return subject, "\n".join(lines)


def notify(event, episode_id, actor_id=None, comment=""):
    """Send the mail for ``event`` on the episode; returns the number of messages sent."""
    from .models import Episode

    episode = Episode.objects.select_related("show").filter(pk=episode_id).first()
    if episode is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    subject, body = message_for(event, episode, actor, comment)
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in recipients(episode.show, event, actor)
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@background(retries=3, backoff=60)
def send_workflow_mail(event, episode_id, actor_id=None, comment=""):
    """The task that sends one workflow e-mail (the SMTP server is never waited for in a request)."""
    return notify(event, episode_id, actor_id, comment)


def notify_on_commit(event, episode, actor=None, comment=""):
    """Queue the mail for ``event`` once the change commits; nothing is sent for a rollback."""
    later(send_workflow_mail, event, episode.pk, getattr(actor, "pk", None), comment)
