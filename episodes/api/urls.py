from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import analytics, views
from .errors import api_root, json_not_found

app_name = "api"

router = SimpleRouter()
router.register("episodes", views.EpisodeViewSet, basename="episode")
router.register("shows", views.ShowViewSet, basename="show")
router.register("people", views.PersonViewSet, basename="person")
router.register("sponsors", views.SponsorViewSet, basename="sponsor")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("teams", views.TeamViewSet, basename="team")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("network/", views.NetworkView.as_view(), name="network"),
    path("shows/<slug:slug>/downloads/", analytics.ShowDownloadsView.as_view(), name="show-downloads"),
    path("episodes/<int:id>/downloads/", analytics.EpisodeDownloadsView.as_view(), name="episode-downloads"),
    path("campaigns/<int:id>/report/", analytics.CampaignReportView.as_view(), name="campaign-report"),
    path("", api_root, name="root"),
    path("", include(router.urls)),
    re_path(r"^.*$", json_not_found),
]
