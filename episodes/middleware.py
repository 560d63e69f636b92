from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .models import Episode, EpisodeSlugHistory, Show, ShowSlugHistory


class SlugHistoryRedirectMiddleware:
    """Answer 301 where a public page's show or episode slug has changed since.

    Like ``django.contrib.redirects``, it only looks at requests that ended in 404, so public
    views stay plain and every URL of a show or an episode (page, feed, …) keeps working under
    its old slugs. Only public targets are redirected to; everything else stays a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return response
        if match.namespace != "episodes" or "show_slug" not in match.kwargs:
            return response
        kwargs = current_address(match.kwargs)
        if kwargs is None or kwargs == match.kwargs:
            return response
        try:
            location = reverse(match.view_name, kwargs=kwargs)
        except NoReverseMatch:
            return response
        if request.META.get("QUERY_STRING"):
            location = f"{location}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(location)


def current_address(kwargs):
    """The URL kwargs of the public show or episode that ``kwargs`` used to name, or None."""
    kwargs = dict(kwargs)
    show_slug = kwargs["show_slug"]
    if not Show.objects.filter(slug=show_slug).exists():
        moved = ShowSlugHistory.objects.filter(old_slug=show_slug, show__is_public=True).first()
        if moved is None:
            return None
        kwargs["show_slug"] = moved.show.slug
    if "episode_slug" in kwargs:
        public = Episode.objects.published()
        if not public.filter(show__slug=kwargs["show_slug"], slug=kwargs["episode_slug"]).exists():
            history = (
                EpisodeSlugHistory.objects.filter(
                    show__slug=kwargs["show_slug"],
                    old_slug=kwargs["episode_slug"],
                    episode__in=public,
                )
                .select_related("episode__show")
                .first()
            )
            if history is None:
                return None
            kwargs["show_slug"] = history.episode.show.slug
            kwargs["episode_slug"] = history.episode.slug
    elif not Show.objects.public().filter(slug=kwargs["show_slug"]).exists():
        return None
    return kwargs
