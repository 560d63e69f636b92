from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from episodes.sitemaps import sitemap_index, sitemap_section
from podcastcms.media import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("episodes.api.urls")),
    path("ckeditor/", include("episodes.uploads")),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    path("people/", include("people.urls")),
    path("", include("sponsors.urls")),
    path("", include("episodes.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]
