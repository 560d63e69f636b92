from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self):
        from . import signals  # noqa: F401 - connects the slug history receivers
        from .caching import connect_signals

        connect_signals()
