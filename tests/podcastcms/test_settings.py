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


def test_postgresql_keeps_connections_open_and_checks_them_by_default(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example.com:5432/podcasts")
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("DATABASE_CONN_HEALTH_CHECKS", raising=False)

    database = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (600, True)


def test_sqlite_opens_a_connection_per_request_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)

    database = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]

    assert (database["ENGINE"], database["CONN_MAX_AGE"]) == ("django.db.backends.sqlite3", 0)


def test_connection_age_can_be_set(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example.com:5432/podcasts")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")

    assert runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
