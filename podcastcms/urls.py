from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from episodes.sitemaps import EpisodeSitemap, HomeSitemap, ShowSitemap
from people.sitemaps import PersonSitemap
from podcastcms.media import serve_media

sitemaps = {
    "home": HomeSitemap,
    "shows": ShowSitemap,
    "episodes": EpisodeSitemap,
    "people": PersonSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("episodes.api.urls")),
    path("ckeditor/", include("episodes.uploads")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    path("people/", include("people.urls")),
    path("", include("sponsors.urls")),
    path("", include("episodes.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]
