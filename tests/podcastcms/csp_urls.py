"""The project's URLs plus two views that say how they may be framed, for the CSP tests."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin

from podcastcms.urls import urlpatterns as project_urlpatterns


@xframe_options_exempt
def framed_anywhere(request):
    return HttpResponse("<p>An embeddable player</p>")


@xframe_options_sameorigin
def framed_by_us(request):
    return HttpResponse("<p>Read in a frame of our own pages</p>")


urlpatterns = [
    path("test-embed/", framed_anywhere),
    path("test-same-origin/", framed_by_us),
    *project_urlpatterns,
]
