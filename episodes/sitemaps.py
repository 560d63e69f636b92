"""The sitemap: an index, and one sitemap per section (the shows, the people, each show's episodes).

Each section is bounded by Django's sitemap paging (50,000 URLs a page) and cached until its
content changes: one aggregate query gives a stamp of what the section lists (how many rows, the
latest edit), and the cached bytes are used while the stamp is the same. The index itself costs
two queries, whatever the number of episodes.
"""

import math

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap, x_robots_tag
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from people.sitemaps import PersonSitemap
from podcastcms.cache import cache_get, cache_set

from .models import Episode, Show

SITEMAP_CACHE_TIMEOUT = 24 * 60 * 60


class PagesSitemap(Sitemap):
    """The home page and every public show's page."""

    changefreq = "weekly"

    def items(self):
        return ["home", *Show.objects.public().order_by("pk")]

    def location(self, item):
        return reverse("episodes:home") if item == "home" else item.get_absolute_url()

    def lastmod(self, item):
        return None if item == "home" else item.updated_at

    def priority(self, item):
        return 1.0 if item == "home" else 0.8


class EpisodeSitemap(Sitemap):
    """The public episodes of one show."""

    changefreq = "monthly"
    priority = 0.6

    def __init__(self, show):
        self.show = show

    def items(self):
        return Episode.objects.published().filter(show=self.show).select_related("show").order_by("pk")

    def lastmod(self, episode):
        return episode.updated_at


def _stamp(queryset, *extra):
    summary = queryset.aggregate(rows=Count("pk", distinct=True), latest=Max("updated_at"))
    return "|".join(str(part) for part in (summary["rows"], summary["latest"], *extra))


def _section(section):
    """The sitemap of ``section`` and the stamp of its content (one query)."""
    if section == "pages":
        return PagesSitemap(), _stamp(Show.objects.public())
    if section == "people":
        return PersonSitemap(), _stamp(Person.objects.public())
    if section.startswith("show-"):
        show = Show.objects.public().filter(slug=section.removeprefix("show-")).first()
        if show is not None:
            return EpisodeSitemap(show), _stamp(Episode.objects.published().filter(show=show), show.slug)
    raise Http404("No such sitemap.")


@x_robots_tag
def sitemap_section(request, section):
    site, stamp = _section(section)
    key = f"sitemap:{request.get_host()}:{section}:{request.GET.get('p', '1')}"
    # One entry per section page, replaced when the stamp changes (never one per stamp).
    cached = cache_get(key)
    if cached is not None and cached[0] == stamp:
        return HttpResponse(cached[1], content_type="application/xml")
    response = sitemap(request, {section: site}, section=section)
    response.render()
    cache_set(key, (stamp, response.content), SITEMAP_CACHE_TIMEOUT)
    return HttpResponse(response.content, content_type="application/xml")


@x_robots_tag
def sitemap_index(request):
    now = timezone.now()
    published = Q(episodes__status=Episode.PUBLISHED, episodes__published_at__lte=now)
    shows = (
        Show.objects.public()
        .annotate(
            public_episodes=Count("episodes", filter=published),
            latest=Max("episodes__updated_at", filter=published),
        )
        .order_by("pk")
        .values("slug", "updated_at", "public_episodes", "latest")
    )
    people = Person.objects.public().count()
    limit = Sitemap.limit

    def entries(section, rows, last_mod=None):
        url = request.build_absolute_uri(reverse("sitemap-section", kwargs={"section": section}))
        pages = max(1, math.ceil(rows / limit))
        urls = [url] + [f"{url}?p={page}" for page in range(2, pages + 1)]
        return [SitemapIndexItem(location, last_mod) for location in urls]

    shows = list(shows)
    items = entries("pages", len(shows) + 1)
    if people:
        items += entries("people", people)
    for show in shows:
        if show["public_episodes"]:
            items += entries(f"show-{show['slug']}", show["public_episodes"], show["latest"])
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")
