from django.contrib.sitemaps import Sitemap

from .models import Person


class PersonSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Person.objects.public().order_by("pk")

    def lastmod(self, person):
        return person.updated_at
