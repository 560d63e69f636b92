"""The network's editorial calendar and sponsor inventory (Admin → Episodes → Calendar).

A week or a month of every show the user may see (``episodes.access.shows_for``), filterable
by show: the scheduled and published episodes of each day, the campaigns in flight, and for
each upcoming scheduled episode its free sponsor positions (pre-, mid- and post-roll without
a read) beside the campaigns in flight on its day. Drafts have no date and are not shown.
The number of queries does not depend on the number of episodes or campaigns.
"""

import calendar as pycalendar
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from episodes.access import can, is_network_admin, shows_for
from episodes.models import Episode
from sponsors.models import Campaign, SponsorRead

POSITIONS = SponsorRead.POSITION_CHOICES
INVENTORY_DAYS = 90


def parse_day(value):
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def period(mode, day):
    """(first day, last day, previous anchor, next anchor) of the week or month around ``day``."""
    if mode == "month":
        first = day.replace(day=1)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
        return first, last, previous, following
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6), first - timedelta(days=7), first + timedelta(days=7)


def aware(day, end=False):
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment)


def visible_campaigns(user, shows):
    campaigns = Campaign.objects.filter(shows__in=shows)
    if not is_network_admin(user):
        campaigns = campaigns.filter(shows__in=shows_for(user, "view"))
    return (
        Campaign.objects.filter(pk__in=campaigns.values("pk"))
        .select_related("sponsor")
        .prefetch_related("shows")
        .order_by("starts_on", "name")
    )


def free_positions(episode):
    taken = {read.position for read in episode.sponsor_reads.all()}
    return [label for value, label in POSITIONS if value not in taken]


def campaigns_for(campaigns, episode, visible_show_ids):
    day = timezone.localdate(episode.published_at)
    return [
        campaign
        for campaign in campaigns
        if campaign.in_flight_on(day)
        and episode.show_id in {s.pk for s in campaign.shows.all()}
        and episode.show_id in visible_show_ids
    ]


def calendar_view(model_admin, request):
    user = request.user
    if not can(user, "view"):
        raise Http404("No calendar.")
    mode = "month" if request.GET.get("view") == "month" else "week"
    anchor = parse_day(request.GET.get("date"))
    first, last, previous, following = period(mode, anchor)
    shows = list(shows_for(user, "view").order_by("title"))
    chosen = request.GET.get("show", "")
    chosen_show = next((show for show in shows if str(show.pk) == chosen), None)
    if chosen and chosen_show is None:
        raise Http404("No such show.")
    in_view = [chosen_show] if chosen_show else shows
    show_ids = {show.pk for show in in_view}
    reads = Prefetch("sponsor_reads", queryset=SponsorRead.objects.select_related("campaign__sponsor"))
    episodes = list(
        Episode.objects.filter(
            show__in=in_view,
            status=Episode.PUBLISHED,
            published_at__gte=aware(first),
            published_at__lt=aware(last, end=True),
        )
        .select_related("show")
        .prefetch_related(reads)
        .order_by("published_at", "pk")
    )
    campaigns = list(
        visible_campaigns(user, in_view).filter(
            Q(starts_on__lte=last), Q(ends_on__isnull=True) | Q(ends_on__gte=first)
        )
    )
    now = timezone.now()
    by_day = {}
    for episode in episodes:
        by_day.setdefault(timezone.localdate(episode.published_at), []).append(
            {
                "episode": episode,
                "scheduled": episode.published_at > now,
                "free": free_positions(episode) if episode.published_at > now else [],
            }
        )
    weeks, day = [], first - timedelta(days=first.weekday())
    while day <= last:
        week = []
        for _ in range(7):
            week.append(
                {
                    "date": day,
                    "in_period": first <= day <= last,
                    "today": day == timezone.localdate(),
                    "entries": by_day.get(day, []),
                    "campaigns": [c for c in campaigns if c.in_flight_on(day)],
                }
            )
            day += timedelta(days=1)
        weeks.append(week)
    upcoming = list(
        Episode.objects.filter(
            show__in=in_view,
            status=Episode.PUBLISHED,
            published_at__gt=now,
            published_at__lte=now + timedelta(days=INVENTORY_DAYS),
        )
        .select_related("show")
        .prefetch_related(reads)
        .order_by("show__title", "published_at", "pk")
    )
    inventory_campaigns = list(
        visible_campaigns(user, in_view).filter(
            Q(starts_on__lte=(now + timedelta(days=INVENTORY_DAYS)).date()),
            Q(ends_on__isnull=True) | Q(ends_on__gte=now.date()),
        )
    )
    inventory = {}
    for episode in upcoming:
        inventory.setdefault(episode.show, []).append(
            {
                "episode": episode,
                "free": free_positions(episode),
                "taken": list(episode.sponsor_reads.all()),
                "campaigns": campaigns_for(inventory_campaigns, episode, show_ids),
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Editorial calendar",
        "mode": mode,
        "first": first,
        "last": last,
        "previous": previous,
        "following": following,
        "anchor": anchor,
        "weeks": weeks,
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "shows": shows,
        "chosen_show": chosen_show,
        "campaigns": campaigns,
        "inventory": list(inventory.items()),
        "inventory_days": INVENTORY_DAYS,
    }
    return TemplateResponse(request, "admin/episodes/episode/calendar.html", context)


def calendar_urls(model_admin):
    return [
        path(
            "calendar/",
            model_admin.admin_site.admin_view(lambda request: calendar_view(model_admin, request)),
            name="episodes_episode_calendar",
        )
    ]
