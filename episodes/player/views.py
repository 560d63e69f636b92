"""The embeddable player (framed from anywhere) and the oEmbed endpoint that hands it out."""

from urllib.parse import urlsplit

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from episodes.context_processors import network_for
from episodes.models import Episode
from episodes.templatetags.public_site import rendition_url
from episodes.views import render_for_show

EMBED_WIDTH = 600
EMBED_HEIGHT = 200
EMBED_MIN_WIDTH = 280


def public_episode(show_slug, episode_slug):
    return get_object_or_404(
        Episode.objects.published().select_related("show").prefetch_related("chapters"),
        show__slug=show_slug,
        slug=episode_slug,
    )


@xframe_options_exempt
def embed(request, show_slug, episode_slug):
    """A small page with the player and the chapters, for an ``<iframe>`` on any site."""
    episode = public_episode(show_slug, episode_slug)
    context = {"episode": episode, "show": episode.show, "chapters": list(episode.chapters.all())}
    response = render_for_show(request, episode.show, "episodes/embed.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def embed_code(request, episode, width=EMBED_WIDTH, height=EMBED_HEIGHT):
    from django.utils.html import format_html

    src = request.build_absolute_uri(
        reverse("episodes:embed", kwargs={"show_slug": episode.show.slug, "episode_slug": episode.slug})
    )
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0;max-width:100%" '
        'loading="lazy" allow="autoplay"></iframe>',
        src,
        f"{episode.title} · {episode.show.title}",
        width,
        height,
    )


def _episode_for_url(url):
    """The public episode an episode page URL of this site names, or 404."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https", ""):
        raise Http404("Not an address of this site.")
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        raise Http404("Not an episode page of this site.") from None
    if match.view_name not in ("episodes:episode", "episodes:embed"):
        raise Http404("Not an episode page of this site.")
    return public_episode(match.kwargs["show_slug"], match.kwargs["episode_slug"])


def oembed(request):
    """oEmbed 1.0 (https://oembed.com/): ``?url=<episode page>[&maxwidth=&maxheight=&format=json]``."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only the JSON format is offered.", status=501, content_type="text/plain")
    if not request.GET.get("url"):
        return HttpResponse(
            "Give the episode page's address as ?url=.", status=400, content_type="text/plain"
        )
    episode = _episode_for_url(request.GET["url"])
    width, height = EMBED_WIDTH, EMBED_HEIGHT
    for name, current in (("maxwidth", "width"), ("maxheight", "height")):
        value = request.GET.get(name, "")
        if value.isdigit():
            if current == "width":
                width = max(min(width, int(value)), EMBED_MIN_WIDTH)
            else:
                height = min(height, int(value))
    network = network_for(request)
    show = episode.show
    data = {
        "version": "1.0",
        "type": "rich",
        "title": episode.title,
        "author_name": show.title,
        "author_url": request.build_absolute_uri(show.get_absolute_url()),
        "provider_name": network.name,
        "provider_url": request.build_absolute_uri("/"),
        "cache_age": 3600,
        "html": str(embed_code(request, episode, width, height)),
        "width": width,
        "height": height,
    }
    artwork = rendition_url(episode.artwork, episode.artwork_renditions, 320) or rendition_url(
        show.artwork, show.artwork_renditions, 320
    )
    if artwork:
        data.update(
            thumbnail_url=request.build_absolute_uri(artwork), thumbnail_width=320, thumbnail_height=320
        )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
