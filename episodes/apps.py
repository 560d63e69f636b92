from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self):
        from . import signals  # noqa: F401 - connects the slug history receivers
        from .feeds.caching import connect_signals
        from .feeds.tag_signals import connect_tag_signals

        connect_signals()
        connect_tag_signals()


class PodcastAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: it hides log entries about objects the user may not see."""

    default = False  # listed by its path in INSTALLED_APPS; "episodes" alone means EpisodesConfig

    default_site = "episodes.scoped_admin.PodcastAdminSite"
