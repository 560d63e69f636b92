from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self):
        from . import signals  # noqa: F401 - connects the slug history receivers
        from .analytics import tasks as analytics_tasks  # noqa: F401 - hourly rollup, daily purge
        from .feeds import tasks as feed_tasks  # noqa: F401 - feeds due at a scheduled time
        from .feeds.caching import connect_signals
        from .feeds.tag_signals import connect_tag_signals
        from .history import register as register_revisions
        from .imports import tasks  # noqa: F401 - background imports and their periodic check
        from .notify import feeds, webhooks  # noqa: F401 - pings and webhooks on changes

        connect_signals()
        connect_tag_signals()
        register_revisions()


class PodcastAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: it hides log entries about objects the user may not see."""

    default = False  # listed by its path in INSTALLED_APPS; "episodes" alone means EpisodesConfig

    default_site = "episodes.scoped_admin.PodcastAdminSite"
