from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from people.models import Credit, Pick, ShowHost
from sponsors.models import SponsorRead

from .models import Episode, Show

EPISODES_PER_PAGE = 20
LATEST_ON_HOME = 12


def home(request):
    shows = Show.objects.public()
    latest = Episode.objects.published().select_related("show")[:LATEST_ON_HOME]
    return render(request, "episodes/home.html", {"shows": shows, "latest_episodes": latest})


def show_detail(request, show_slug):
    show = get_object_or_404(
        Show.objects.public().prefetch_related(
            Prefetch("hosts", queryset=ShowHost.objects.select_related("person"))
        ),
        slug=show_slug,
    )
    episodes = show.episodes.published().select_related("show")
    page = Paginator(episodes, EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "episodes/show_detail.html", {"show": show, "page": page})


def episode_detail(request, show_slug, episode_slug):
    episode = get_object_or_404(
        Episode.objects.published().select_related("show"),
        show__slug=show_slug,
        slug=episode_slug,
    )
    return render(request, "episodes/episode_detail.html", episode_page_context(episode))


# Credits in these roles are listed under “Your Hosts”.
HOST_ROLES = {"host", "co-host", "guest host"}

EPISODE_PAGE_PREFETCHES = [
    Prefetch(
        "credits",
        queryset=Credit.objects.select_related("person").prefetch_related("person__links"),
    ),
    Prefetch("picks", queryset=Pick.objects.select_related("person")),
    Prefetch("sponsor_reads", queryset=SponsorRead.objects.select_related("campaign__sponsor")),
    "links",
]


def join_names(names):
    """“A”, “A and B”, “A, B and C”."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def episode_page_context(episode):
    """Everything the episode page shows, shared by the public page and previews.

    The queries are fixed in number whatever the number of credits, picks, reads or links.
    """
    prefetch_related_objects([episode], *EPISODE_PAGE_PREFETCHES)
    show = episode.show
    # A draft has no publication time yet: its preview shows what runs today.
    published_on = timezone.localdate(episode.published_at or timezone.now())
    announcements = show.announcements.filter(starts_on__lte=published_on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=published_on)
    )
    credits = list(episode.credits.all())
    hosts = [credit.person for credit in credits if credit.role in HOST_ROLES]
    guests = [credit.person for credit in credits if credit.role == "guest"]
    picks_by_person = {}
    for pick in episode.picks.all():
        picks_by_person.setdefault(pick.person, []).append(pick)
    return {
        "show": show,
        "episode": episode,
        "hosts": hosts,
        "guests": guests,
        "other_credits": [c for c in credits if c.role not in HOST_ROLES | {"guest"}],
        "announcements": list(announcements),
        "sponsor_reads": list(episode.sponsor_reads.all()),
        "picks_by_person": list(picks_by_person.items()),
        "guests_with_links": [guest for guest in guests if guest.links.all()],
        "links": list(episode.links.all()),
        "host_names": join_names(host.name for host in hosts),
    }


def audio(request, episode_id, revision, extension):
    """The enclosure: a stable URL of ours that changes only when the audio file changes."""
    episode = get_object_or_404(Episode.objects.published(), pk=episode_id)
    if not episode.audio or episode.audio_revision != revision or episode.audio_extension != f".{extension}":
        raise Http404("No such audio file.")
    try:
        episode.audio.path  # noqa: B018 - remote storages have no local path
    except NotImplementedError:
        return redirect(episode.audio.url)
    return FileResponse(episode.audio.open("rb"), content_type=episode.audio_mime_type)
