from django.urls import path

from . import views

app_name = "sponsors"

urlpatterns = [
    path("go/<slug:code>/", views.go, name="go"),
    path("sponsor-report/<str:token>/", views.sponsor_report, name="report"),
]
