"""The project's URLs plus uploaded media, which the live server must serve for screenshots."""

from django.conf import settings
from django.urls import re_path

from podcastcms.media import serve_media
from podcastcms.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
]
