import os
import re

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from people.models import Credit, Pick, ShowHost
from sponsors.models import SponsorRead

from .feeds.rss import TRANSCRIPT_EXTENSIONS
from .models import Episode, Show, Transcript

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
    """The enclosure: a stable URL of ours that changes only when the audio file changes.

    Answers HEAD with the real length and type, and single byte ranges with 206 (podcast apps
    seek and resume with them). With a remote storage the stored file's URL takes over.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    episode = get_object_or_404(Episode.objects.published(), pk=episode_id)
    if not episode.audio or episode.audio_revision != revision or episode.audio_extension != f".{extension}":
        raise Http404("No such audio file.")
    return audio_file_response(request, episode)


def audio_file_response(request, episode):
    """The episode's uploaded audio: whole, a byte range (206), or its headers for HEAD."""
    try:
        path = episode.audio.path
    except NotImplementedError:
        return redirect(episode.audio.url)
    try:
        size = os.path.getsize(path)
    except OSError:
        raise Http404("No such audio file.") from None
    content_type = episode.audio_mime_type or "application/octet-stream"
    byte_range = parse_byte_range(request.headers.get("Range", ""), size)
    if byte_range is UNSATISFIABLE:
        response = HttpResponse(status=416)
        response.headers["Content-Range"] = f"bytes */{size}"
        response.headers["Accept-Ranges"] = "bytes"
        return response
    start, end = byte_range or (0, size - 1)
    length = end - start + 1 if size else 0
    if request.method == "HEAD":
        response = HttpResponse(status=206 if byte_range else 200, content_type=content_type)
    elif byte_range:
        response = StreamingHttpResponse(
            file_range(path, start, length), status=206, content_type=content_type
        )
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - closed by Django
    if byte_range:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    response.headers["Content-Length"] = str(length)
    response.headers["Accept-Ranges"] = "bytes"
    return response


UNSATISFIABLE = object()
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_byte_range(header, size):
    """``(start, end)`` of a single ``Range: bytes=…`` header, None to send the whole file,
    or UNSATISFIABLE. Several ranges at once are answered with the whole file (allowed)."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(size - suffix, 0), size - 1
    start = int(first)
    if start >= size:
        return UNSATISFIABLE
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end


def file_range(path, start, length, chunk_size=64 * 1024):
    with open(path, "rb") as file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(chunk_size, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk


def transcript_file(request, transcript_id, extension):
    """An uploaded transcript at the stable URL the feed's podcast:transcript points to."""
    transcript = get_object_or_404(
        Transcript.objects.filter(episode__in=Episode.objects.published()).exclude(file=""),
        pk=transcript_id,
    )
    if TRANSCRIPT_EXTENSIONS.get(transcript.mime_type, "txt") != extension:
        raise Http404("No such transcript.")
    content_type = transcript.mime_type
    if content_type.startswith("text/") or content_type == "application/x-subrip":
        content_type += "; charset=utf-8"
    response = FileResponse(transcript.file.open("rb"), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Uploaded files are served from our own origin: an HTML transcript must not run scripts.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def chapters_document(request, episode_id):
    """The JSON chapters document (Podcasting 2.0) of an episode's chapter markers."""
    episode = get_object_or_404(Episode.objects.published(), pk=episode_id)
    chapters = []
    for chapter in episode.chapters.order_by("start_time", "pk"):
        start = chapter.start_time
        entry = {"startTime": int(start) if start == int(start) else float(start), "title": chapter.title}
        if chapter.image:
            entry["img"] = chapter.image
        if chapter.url:
            entry["url"] = chapter.url
        chapters.append(entry)
    if not chapters:
        raise Http404("This episode has no chapters.")
    response = JsonResponse(
        {"version": "1.2.0", "chapters": chapters},
        content_type="application/json+chapters",
        json_dumps_params={"ensure_ascii": False},
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
