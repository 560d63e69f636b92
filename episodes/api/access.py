"""The token's narrowing of ``episodes.access``: roles decide, the token only takes away.

A request may do ``action`` on a show when its user may (``episodes.access.can``), the show is in
the token's scope, and the action only reads (``view``, ``analytics``) or the token is read-write.
Nothing here grants a role; every answer starts from ``episodes.access``.
"""

from episodes import access

# Actions that only read: a read-only token keeps them.
READ_ONLY_ACTIONS = {"view", "analytics"}


def token_of(request):
    return getattr(request, "auth", None)


def _in_scope(token, show):
    if token is None or token.all_shows:
        return True
    show_id = show if isinstance(show, int) else show.pk
    return show_id in scope_ids(token)


def scope_ids(token):
    cached = getattr(token, "_scope_ids", None)
    if cached is None:
        cached = token._scope_ids = set(token.shows.values_list("pk", flat=True))
    return cached


def may_write(request):
    token = token_of(request)
    return token is None or token.writable


def can(request, action, show=None):
    """May this request do ``action`` on ``show`` (or, without one, on some show it reaches)?"""
    if action not in READ_ONLY_ACTIONS and not may_write(request):
        return False
    if show is None:
        return (
            shows_for(request, action).exists()
            if not _all_shows(request)
            else access.can(request.user, action)
        )
    return _in_scope(token_of(request), show) and access.can(request.user, action, show)


def _all_shows(request):
    token = token_of(request)
    return token is None or token.all_shows


def shows_for(request, action="view"):
    """The shows this request may ``action`` on, as a queryset."""
    shows = access.shows_for(request.user, action)
    if action not in READ_ONLY_ACTIONS and not may_write(request):
        return shows.none()
    if not _all_shows(request):
        shows = shows.filter(pk__in=scope_ids(token_of(request)))
    return shows


def may_view_network_registry(request):
    """People and sponsors: every member of a team reads them (as in the admin)."""
    return access.can(request.user, "view")


def is_network_admin(request, write=False):
    """Network-wide powers; a write needs a read-write token valid for all shows."""
    if not access.is_network_admin(request.user):
        return False
    if write:
        return may_write(request) and _all_shows(request)
    return True


def sees_whole_network(request):
    """A network admin with a token for all shows: sees every campaign and every show it runs on."""
    return access.is_network_admin(request.user) and _all_shows(request)


def campaigns_for(request, queryset):
    """Campaigns the request may see: all for network admins, else those on its shows (as the admin)."""
    if sees_whole_network(request):
        return queryset
    running = queryset.model.objects.filter(shows__in=shows_for(request, "view")).values("pk")
    return queryset.filter(pk__in=running)
