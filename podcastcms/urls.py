from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from episodes.admin_import import import_feed_view

urlpatterns = [
    path("admin/import-feed/", admin.site.admin_view(import_feed_view), name="import-feed"),
    path("admin/", admin.site.urls),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("people/", include("people.urls")),
    path("", include("episodes.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
