from django.urls import path

from . import icons, preview, views
from .feeds import rss as feeds
from .player import views as player
from .search import views as search

app_name = "episodes"

urlpatterns = [
    path("", views.home, name="home"),
    path("audio/<int:episode_id>/<str:revision>.<str:extension>", views.audio, name="audio"),
    path("preview/<str:token>/", preview.episode_preview, name="preview"),
    path("preview/<str:token>/audio.<str:extension>", preview.episode_preview_audio, name="preview-audio"),
    path("transcripts/<int:transcript_id>.<str:extension>", views.transcript_file, name="transcript"),
    path("chapters/<int:episode_id>.json", views.chapters_document, name="chapters"),
    path("search/", search.search_page, name="search"),
    path("oembed/", player.oembed, name="oembed"),
    path("favicon.ico", icons.favicon, name="favicon"),
    path("apple-touch-icon.png", icons.touch_icon, name="touch-icon"),
    path("network/feed.xml", feeds.network_feed, name="network-feed"),
    path("network/publisher.xml", feeds.publisher_feed, name="publisher-feed"),
    path("network/shows.opml", feeds.opml, name="opml"),
    path("shows/<slug:show_slug>/", views.show_detail, name="show"),
    path("shows/<slug:show_slug>/feed.xml", feeds.show_feed, name="show-feed"),
    path("shows/<slug:show_slug>/<slug:episode_slug>/", views.episode_detail, name="episode"),
    path("shows/<slug:show_slug>/<slug:episode_slug>/embed/", player.embed, name="embed"),
]
