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
def feed_store_root(settings, tmp_path):
    """Every test renders feeds into its own store."""
    settings.FEED_STORE_ROOT = tmp_path / "feedstore"
    return settings.FEED_STORE_ROOT
