from django.contrib.admin.apps import AdminConfig


class PodcastAdminConfig(AdminConfig):
    """Django's admin with our site: it hides log entries about objects the user may not see."""

    default_site = "podcastcms.admin.PodcastAdminSite"
