import os
import re

from django.conf import settings
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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from people.models import Credit, Pick, ShowHost
from podcastcms.media import harden_upload_response
from podcastcms.validators import sanitize_transcript_html
from sponsors.models import SponsorRead

from .analytics.recorder import count_response
from .context_processors import network_for
from .feeds.rss import TRANSCRIPT_EXTENSIONS
from .models import Episode, Show, Transcript
from .player.transcripts import best_transcript, match_speakers, transcript_cues
from .structured_data import episode_data, series_data
from .templatetags.public_site import rendition_url

EPISODES_PER_PAGE = 20
LATEST_ON_HOME = 12


def show_language(show):
    """The language a show's pages speak: German for ``de``/``de-at``…, else the site's (English)."""
    code = show.language_code()
    return code if translation.check_for_language(code.split("-")[0]) else settings.LANGUAGE_CODE


def render_for_show(request, show, template, context, **kwargs):
    """Render a show's page in the show's language: its strings and its dates."""
    with translation.override(show_language(show)):
        return render(request, template, context, **kwargs)


def home(request):
    shows = Show.objects.public()
    latest = Episode.objects.published().select_related("show")[:LATEST_ON_HOME]
    return render(request, "episodes/home.html", {"shows": shows, "latest_episodes": latest})


def show_detail(request, show_slug):
    show = get_object_or_404(
        Show.objects.public().prefetch_related(
            Prefetch("hosts", queryset=ShowHost.objects.select_related("person")), "listen_links"
        ),
        slug=show_slug,
    )
    episodes = show.episodes.published().select_related("show")
    page = Paginator(episodes, EPISODES_PER_PAGE).get_page(request.GET.get("page"))
    hosts = [show_host.person for show_host in show.hosts.all()]
    context = {
        "show": show,
        "page": page,
        "structured_data": series_data(request, show, network_for(request), hosts=hosts),
    }
    return render_for_show(request, show, "episodes/show_detail.html", context)


def episode_detail(request, show_slug, episode_slug):
    episode = get_object_or_404(
        Episode.objects.published().select_related("show"),
        show__slug=show_slug,
        slug=episode_slug,
    )
    context = episode_page_context(episode)
    context["structured_data"] = episode_data(
        request, episode, network_for(request), people=context["speakers"]
    )
    return render_for_show(request, episode.show, "episodes/episode_detail.html", context)


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
    "chapters",
    "transcripts",
    "show__listen_links",
]


def join_names(names):
    """“A”, “A and B”, “A, B and C”, in the language being rendered; escaped, so names may be links."""
    names = [conditional_escape(name) for name in names]
    if len(names) < 2:
        return mark_safe("".join(names))
    return mark_safe(gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]})


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
    transcript = best_transcript(list(episode.transcripts.all()))
    cues = match_speakers([dict(cue) for cue in transcript_cues(transcript)], [c.person for c in credits])
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
        "guest_links": join_names(
            format_html('<a href="{}">{}</a>', guest.get_absolute_url(), guest.name) for guest in guests
        ),
        "chapters": list(episode.chapters.all()),
        "transcript": transcript,
        "cues": cues,
        "cues_timed": any(cue["start"] is not None for cue in cues),
        "speakers": list(dict.fromkeys(credit.person for credit in credits)),
        "listen_links": list(show.listen_links.all()),
        "embed_url": reverse("episodes:embed", kwargs={"show_slug": show.slug, "episode_slug": episode.slug}),
        "oembed_url": reverse("episodes:oembed"),
    }


def audio(request, episode_id, revision, extension):
    """The enclosure: a stable URL of ours that changes only when the audio file changes.

    Answers HEAD with the real length and type, and single byte ranges with 206 (podcast apps
    seek and resume with them). With a remote storage the stored file's URL takes over.
    Every GET is recorded for measurement (``episodes.analytics``), the redirect included.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    episode = get_object_or_404(Episode.objects.published(), pk=episode_id)
    if not episode.audio or episode.audio_revision != revision or episode.audio_extension != f".{extension}":
        raise Http404("No such audio file.")
    return audio_file_response(request, episode, counted=True)


def audio_file_response(request, episode, counted=False):
    """The episode's uploaded audio: whole, a byte range (206), or its headers for HEAD."""
    try:
        path = episode.audio.path
    except NotImplementedError:
        response = redirect(episode.audio.url)
        if counted:
            size = episode.audio_size or 0
            byte_range = parse_byte_range(request.headers.get("Range", ""), size)
            byte_range = None if byte_range is UNSATISFIABLE else byte_range
            count_response(request, response, episode, byte_range, size, redirected=True)
        return response
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
    if counted:
        count_response(request, response, episode, byte_range, size)
    return harden_upload_response(response)


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
    if transcript.mime_type == "text/html":
        # Stored sanitised; cleaned again here, so a file written around the model is too.
        with transcript.file.open("rb") as file:
            response = HttpResponse(sanitize_transcript_html(file), content_type=content_type)
    else:
        response = FileResponse(transcript.file.open("rb"), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Uploaded files are served from our own origin: an HTML transcript must not run scripts.
    return harden_upload_response(response, "sandbox; default-src 'none'")


def chapters_document(request, episode_id):
    """The JSON chapters document (Podcasting 2.0) of an episode's chapter markers."""
    episode = get_object_or_404(Episode.objects.published(), pk=episode_id)
    chapters = []
    for chapter in episode.chapters.order_by("start_time", "pk"):
        start = chapter.start_time
        entry = {"startTime": int(start) if start == int(start) else float(start), "title": chapter.title}
        if chapter.image:
            entry["img"] = request.build_absolute_uri(
                rendition_url(chapter.image, chapter.image_renditions, 640)
            )
        elif chapter.image_url:
            entry["img"] = chapter.image_url
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
