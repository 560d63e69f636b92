from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"

    def ready(self):
        from .caching import connect_signals

        connect_signals()
