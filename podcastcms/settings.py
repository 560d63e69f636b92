"""Settings for the podcast network CMS.

Everything that differs between a laptop and a production install comes from an
environment variable; the defaults give a local install on SQLite with media files
on disk. The README lists every variable.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if env_flag("DJANGO_SECURE"):
        raise RuntimeError("DJANGO_SECURE is set: set DJANGO_SECRET_KEY as well.")
    # Good enough for a laptop; `manage.py check --deploy` flags it.
    SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site, used wherever a URL must be absolute outside a request
# (feed guids derived from the feed URL, the demo's links, e-mails).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "episodes.apps.PodcastAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ckeditor",
    "ckeditor_uploader",
    "episodes",
    "people",
    "sponsors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old show and episode slugs answer 301 to the current URL (only requests ending in 404).
    "episodes.middleware.SlugHistoryRedirectMiddleware",
]

ROOT_URLCONF = "podcastcms.urls"
WSGI_APPLICATION = "podcastcms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "episodes.context_processors.network",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL (postgres://user@host:port/name) for PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# On PostgreSQL, connections are kept open (connecting costs more than most feed polls:
# 162 req/s with a new connection per request against 396 req/s kept, under 200 pollers) and
# checked before reuse, so a restarted server costs one failed check, not an error page.
_is_postgres = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600" if _is_postgres else "0")),
        conn_health_checks=env_flag("DATABASE_CONN_HEALTH_CHECKS", default=True),
    )
}
if os.environ.get("DATABASE_TEST_NAME"):
    # Lets two test runs share one PostgreSQL server without colliding.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

# Local memory by default; REDIS_URL (redis://host:port/db) for a cache shared by workers.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "podcastcms"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "podcastcms",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage; django-storages reads the AWS_* variables itself.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    # Plain (public) object URLs by default: feeds are cached for hours and embed artwork URLs,
    # and a presigned URL expires, leaving podcast apps and directories with broken images.
    AWS_QUERYSTRING_AUTH = env_flag("AWS_QUERYSTRING_AUTH", default=False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered feeds: one current copy of each (plain and gzip), written when it changes, laid out
# like the feed URLs so a proxy can serve them (deploy/nginx.conf). With FEED_ACCEL_REDIRECT
# (e.g. /_feedstore/), Django answers validators and nginx sends the bytes.
FEED_STORE_ROOT = Path(os.environ.get("FEED_STORE_ROOT", BASE_DIR / "feedstore"))
FEED_ACCEL_REDIRECT = os.environ.get("FEED_ACCEL_REDIRECT", "")

# Uploads: audio can be large, so it streams to disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Rich text. The widget is chosen in one place (podcastcms.editor) so a deployment can
# swap it; whatever the browser sends is sanitised on save (podcastcms.sanitize).
PODCASTCMS_RICH_TEXT_WIDGET = os.environ.get(
    "PODCASTCMS_RICH_TEXT_WIDGET", "ckeditor_uploader.widgets.CKEditorUploadingWidget"
)
CKEDITOR_UPLOAD_PATH = "editor-uploads/"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_RESTRICT_BY_USER = False
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic", "Underline", "Strike"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image"],
            ["RemoveFormat", "Source"],
        ],
        "height": 300,
        "width": "100%",
        "format_tags": "p;h2;h3;h4;pre",
    },
}
# ckeditor.W001 warns that the bundled CKEditor 4.22.1 is end of life. We keep the editor
# the user chose and contain it: every rich text is sanitised with nh3 on save, uploads take
# images only and are CSRF-protected, and the widget can be swapped in one setting.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

LOGIN_URL = "admin:login"

# How long a draft's preview link keeps working, in seconds (default: seven days).
PODCASTCMS_PREVIEW_MAX_AGE = int(os.environ.get("PODCASTCMS_PREVIEW_MAX_AGE", str(7 * 24 * 3600)))

# No page of ours is framed, except the editor's upload answer (episodes.uploads).
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_HTTPONLY = True
    if env_flag("DJANGO_SECURE", default=False):
        SECURE_SSL_REDIRECT = True
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = True
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
