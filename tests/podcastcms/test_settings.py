"""Settings that depend on the environment, read by running the settings module afresh."""

import runpy

import pytest
from django.conf import settings

SETTINGS_FILE = settings.BASE_DIR / "podcastcms" / "settings.py"


@pytest.mark.parametrize(("flag", "expected"), [(None, False), ("true", True), ("off", False)])
def test_object_storage_urls_are_unsigned_unless_asked(monkeypatch, flag, expected):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "podcasts")
    if flag is None:
        monkeypatch.delenv("AWS_QUERYSTRING_AUTH", raising=False)
    else:
        monkeypatch.setenv("AWS_QUERYSTRING_AUTH", flag)

    values = runpy.run_path(str(SETTINGS_FILE))

    assert values["STORAGES"]["default"] == {"BACKEND": "storages.backends.s3.S3Storage"}
    assert values["AWS_QUERYSTRING_AUTH"] is expected
