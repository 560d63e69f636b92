"""Feeds: the RSS we publish (``rss``), their validators and cache (``caching``), the lint."""
