"""Cache calls that degrade instead of failing: with the cache down, pages answer uncached."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cache_get(key, default=None):
    try:
        return cache.get(key, default)
    except Exception as error:  # noqa: BLE001 - any backend failure (Redis down, timeout …)
        logger.warning("Cache unavailable, answering uncached (get %s): %s", key, error)
        return default


def cache_set(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception as error:  # noqa: BLE001
        logger.warning("Cache unavailable, not storing %s: %s", key, error)
