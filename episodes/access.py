"""Which shows may this user touch, and how: the one place that decides.

Every admin surface, preview and upload asks here. Roles come from teams (``Team``); a
superuser may do everything. Actions, from least to most:

- ``view``: see the show's episodes in the admin (every role);
- ``edit``: draft and edit episodes, mark them ready for review (every role);
- ``publish``: publish, schedule and unpublish (editor, network admin);
- ``manage``: edit the show itself, teams, the people registry and sponsors (network admin);
- ``analytics``: see the show's download figures and the campaign reports of its reads (every
  role; it is all an analyst may do).
"""

from .models import Show, Team

ACTIONS_BY_ROLE = {
    Team.PRODUCER: {"view", "edit", "analytics"},
    Team.EDITOR: {"view", "edit", "publish", "analytics"},
    Team.NETWORK_ADMIN: {"view", "edit", "publish", "manage", "analytics"},
    Team.ANALYST: {"analytics"},
}
ACTIONS = {"view", "edit", "publish", "manage", "analytics"}


def _roles_by_show(user):
    """{show_id or None (all shows): set of actions}, computed once per user object."""
    cached = getattr(user, "_podcastcms_actions", None)
    if cached is not None:
        return cached
    actions = {}
    if user.is_authenticated and user.is_active:
        for team in Team.objects.filter(members=user).prefetch_related("shows"):
            granted = ACTIONS_BY_ROLE[team.role]
            targets = [None] if team.all_shows else [show.pk for show in team.shows.all()]
            for target in targets:
                actions.setdefault(target, set()).update(granted)
    user._podcastcms_actions = actions
    return actions


def can(user, action, show=None):
    """May ``user`` do ``action`` on ``show`` (or, without a show, on some show)?"""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    actions = _roles_by_show(user)
    if action in actions.get(None, set()):
        return True
    if show is None:
        return any(action in granted for granted in actions.values())
    show_id = show if isinstance(show, int) else show.pk
    return action in actions.get(show_id, set())


def shows_for(user, action="view"):
    """The shows on which ``user`` may do ``action``, as a queryset."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Show.objects.none()
    actions = _roles_by_show(user)
    if user.is_superuser or action in actions.get(None, set()):
        return Show.objects.all()
    return Show.objects.filter(pk__in=[show_id for show_id, granted in actions.items() if action in granted])


def is_network_admin(user):
    """Network-wide powers: shows, teams, the people registry, sponsors."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or "manage" in _roles_by_show(user).get(None, set())
