from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Episode, Show


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["episodes:home"]

    def location(self, item):
        return reverse(item)


class ShowSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Show.objects.public().order_by("pk")

    def lastmod(self, show):
        return show.updated_at


class EpisodeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Episode.objects.published().select_related("show").order_by("pk")

    def lastmod(self, episode):
        return episode.updated_at
