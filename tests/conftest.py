import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests log many users in; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def progress_cache(settings, tmp_path):
    """Background imports publish their progress in a cache of the test's own."""
    settings.CACHES = {
        **settings.CACHES,
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "progress"),
        },
    }


@pytest.fixture(autouse=True)
def download_events_written_at_once(settings):
    """Each enclosure request writes its raw event before the test looks (production journals
    them for the worker to load; tests of the journal switch it on)."""
    settings.PODCASTCMS_ANALYTICS_BATCH = 1
    settings.PODCASTCMS_ANALYTICS_JOURNAL = ""
    settings.PODCASTCMS_DATACENTER_RANGES = ""
    from episodes.analytics.recorder import buffer

    buffer.events.clear()
    yield
    buffer.events.clear()


@pytest.fixture(autouse=True)
def feed_store_root(settings, tmp_path):
    """Every test renders feeds into its own store."""
    settings.FEED_STORE_ROOT = tmp_path / "feedstore"
    return settings.FEED_STORE_ROOT
