"""The project's URLs plus uploaded media, which the live server must serve for screenshots."""

from django.conf import settings
from django.urls import re_path

from podcastcms.media import serve_media
from podcastcms.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    # Django's live server answers /media/ itself, before any URL of ours: the app's own media
    # view (what DEBUG serves) is reached at this address in browser tests.
    re_path(
        r"^app-media/(?P<path>.*)$", lambda request, path: serve_media(request, path, settings.MEDIA_ROOT)
    ),
]
