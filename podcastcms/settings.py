"""Settings for the podcast network CMS.

Everything that differs between a laptop and a production install comes from an
environment variable; the defaults give a local install on SQLite with media files
on disk. The README lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

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
    "csp",
    "axes",
    "reversion",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "episodes",
    "people",
    "sponsors",
]

MIDDLEWARE = [
    # Feed polls answered from the stored feeds before everything below (it runs the middleware
    # that decorate responses itself, and switches itself off for any it does not know).
    "episodes.feeds.fastpath.FeedFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response; above the clickjacking middleware so that it
    # sees the X-Frame-Options decision and sends the matching frame-ancestors.
    "podcastcms.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login throttling: answers a locked-out login with 429 (django-axes, last as it asks).
    "axes.middleware.AxesMiddleware",
    # Our 404 and 500 pages with DEBUG on too (the demo); production uses them anyway.
    "podcastcms.error_pages.OwnErrorPagesMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: readers (pages, feeds, an import's progress page) are never blocked
    # by a writer, such as a background import holding its one transaction for a minute.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    # A transaction takes the write lock when it begins, not at its first write: one that read
    # first would otherwise fail ("database is locked") if another wrote meanwhile, and an edit
    # holds the lock the feed store relies on (episodes.feeds.store) from its start.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
if os.environ.get("DATABASE_TEST_NAME"):
    # Lets two test runs share one PostgreSQL server without colliding.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

# The REST API at /api/ (episodes/api/): personal tokens, scoped by episodes.access.
PODCASTCMS_API_RATE = os.environ.get("PODCASTCMS_API_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["episodes.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["episodes.api.permissions.ApiPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["episodes.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "episodes.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "episodes.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Podcast network CMS API",
    "DESCRIPTION": (
        "Shows, episodes, people, sponsors and campaigns, read and written as your roles allow "
        "in the admin. Authenticate with a personal token (Admin → API tokens): "
        "`Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "PersonRoleEnum": "episodes.api.serializers.ROLE_CHOICES",
        "TeamRoleEnum": "episodes.models.Team.ROLE_CHOICES",
    },
}

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

# Background work: Django's tasks API (the django-tasks backport). The database backend is the
# embedded default (`manage.py runworker` runs it); TASK_BACKEND=rq puts the same tasks on RQ over
# Redis; TASK_BACKEND=immediate runs them inside the request (for debugging only).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database").strip().lower()
if TASK_BACKEND not in TASK_BACKENDS:
    raise RuntimeError(f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASK_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("TASK_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": 3600,
    }
}
# The RQ dashboard in the admin (superusers), only when RQ is the backend.
RQ_SHOW_ADMIN_LINK = TASK_BACKEND == "rq"
# Seconds between the worker's periodic sweeps (missed scheduled publications, due retries).
TASKS_SWEEP_INTERVAL = float(os.environ.get("TASKS_SWEEP_INTERVAL", "60"))
# A task running this long on a worker of another host is taken as abandoned and run again.
TASKS_RUNNING_TIMEOUT = int(os.environ.get("TASKS_RUNNING_TIMEOUT", "3600"))
# Live progress of background imports, shared by web and worker processes: Redis when there is
# one, else files (a database row cannot be written while the import's transaction holds SQLite).
TASKS_PROGRESS_DIR = Path(os.environ.get("TASKS_PROGRESS_DIR", BASE_DIR / "var" / "progress"))
if os.environ.get("REDIS_URL"):
    CACHES["progress"] = {**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + ":progress"}
else:
    CACHES["progress"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(TASKS_PROGRESS_DIR),
    }

# Telling the world that a feed changed (episodes.notify). Empty means "do not".
WEBSUB_HUBS = env_list("WEBSUB_HUBS")
PODPING_URL = os.environ.get("PODPING_URL", "")
PODPING_TOKEN = os.environ.get("PODPING_TOKEN", "")
PODCASTINDEX_PUBNOTIFY_URL = os.environ.get("PODCASTINDEX_PUBNOTIFY_URL", "")
# Outgoing deliveries (pings and webhooks): attempts, first retry delay (doubling), timeout.
DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "8"))
DELIVERY_BACKOFF = float(os.environ.get("DELIVERY_BACKOFF", "30"))
DELIVERY_TIMEOUT = float(os.environ.get("DELIVERY_TIMEOUT", "10"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The public pages speak the show's language where we ship a translation (German), else English.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# A separate media domain (https://media.example.com/) keeps uploads out of the site's origin.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
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

# Uploaded audio larger than this is refused (bytes; default 1 GiB).
PODCASTCMS_MAX_AUDIO_BYTES = int(os.environ.get("PODCASTCMS_MAX_AUDIO_BYTES", str(1024**3)))
# Uploaded images with more pixels than this are refused before they are decoded.
PODCASTCMS_MAX_IMAGE_PIXELS = int(os.environ.get("PODCASTCMS_MAX_IMAGE_PIXELS", str(4096 * 4096)))
# Rendered feeds: one current copy of each (plain and gzip), written when it changes, laid out
# like the feed URLs so a proxy can serve them (deploy/nginx.conf). With FEED_ACCEL_REDIRECT
# (e.g. /_feedstore/), Django answers validators and nginx sends the bytes.
FEED_STORE_ROOT = Path(os.environ.get("FEED_STORE_ROOT", BASE_DIR / "feedstore"))
FEED_ACCEL_REDIRECT = os.environ.get("FEED_ACCEL_REDIRECT", "")
# Polls of the stored feeds answered by episodes.feeds.fastpath (off: by the feed views alone;
# the answers are the same).
FEED_FAST_PATH = env_flag("FEED_FAST_PATH", default=True)

# Uploads: audio can be large, so it streams to disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest episode audio the admin accepts (bytes); 2 GiB by default.
PODCASTCMS_MAX_AUDIO_BYTES = int(os.environ.get("PODCASTCMS_MAX_AUDIO_BYTES", str(2 * 1024**3)))
# Seconds a presigned direct-to-bucket upload stays valid (object storage only).
PODCASTCMS_PRESIGNED_UPLOAD_SECONDS = int(os.environ.get("PODCASTCMS_PRESIGNED_UPLOAD_SECONDS", "3600"))

# Workflow e-mail (ready for review, published, scheduled, sent back). The console backend
# prints the mail where the server runs, as in the demo; set an SMTP backend in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "podcasts@localhost")

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

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES (a right password too).
AUTHENTICATION_BACKENDS = [
    "podcastcms.security.LoginThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind a proxy every request comes from the proxy's address: set the number of proxies in
# front of the app so that the client's address is read from X-Forwarded-For instead.
if os.environ.get("DJANGO_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["DJANGO_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# With DEBUG on, public URLs still answer with the site's own 404 and 500 pages (set 0 for
# Django's technical pages while developing).
PODCASTCMS_OWN_ERROR_PAGES = env_flag("PODCASTCMS_OWN_ERROR_PAGES", default=True)

# How long a draft's preview link keeps working, in seconds (default: seven days).
PODCASTCMS_PREVIEW_MAX_AGE = int(os.environ.get("PODCASTCMS_PREVIEW_MAX_AGE", str(7 * 24 * 3600)))

# Episodes per page of a show's feed (RFC 5005 paging: atom:link rel="next"); 0 (the default)
# serves every episode in one document, which is what Apple Podcasts reads.
PODCASTCMS_FEED_PAGE_SIZE = int(os.environ.get("PODCASTCMS_FEED_PAGE_SIZE", "0"))

# Download measurement (episodes.analytics). The OPAWG user-agent lists (v2) are read from this
# directory, filled by `manage.py refresh_user_agents`; empty: the podcast-app-user-agents package.
PODCASTCMS_USER_AGENT_LISTS = os.environ.get("PODCASTCMS_USER_AGENT_LISTS", "")
# Proxies whose X-Forwarded-For is believed (addresses or networks); any other is ignored.
PODCASTCMS_TRUSTED_PROXIES = env_list("PODCASTCMS_TRUSTED_PROXIES")
# Each counted request is appended to a journal file of its process in this directory (local
# to the web server, writable by it, read by the worker's loader); empty: events wait in memory.
PODCASTCMS_ANALYTICS_JOURNAL = os.environ.get(
    "PODCASTCMS_ANALYTICS_JOURNAL", str(BASE_DIR / "var" / "journal")
)
# A process starts a new journal file this often (seconds); finished files are loaded, deleted.
PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS = int(
    os.environ.get("PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS", "60")
)
# Data-centre ranges (a file or directory of CIDR networks or address ranges), filled by
# `manage.py refresh_datacenter_ranges`; requests from them are not downloads. Empty: none.
PODCASTCMS_DATACENTER_RANGES = os.environ.get("PODCASTCMS_DATACENTER_RANGES", "")
# Without a journal, raw events are written in batches of this many, or at least this often.
PODCASTCMS_ANALYTICS_BATCH = int(os.environ.get("PODCASTCMS_ANALYTICS_BATCH", "200"))
PODCASTCMS_ANALYTICS_FLUSH_SECONDS = int(os.environ.get("PODCASTCMS_ANALYTICS_FLUSH_SECONDS", "10"))
# Days raw download events are kept (the rollups stay); 0 keeps them forever.
PODCASTCMS_ANALYTICS_RETENTION_DAYS = int(os.environ.get("PODCASTCMS_ANALYTICS_RETENTION_DAYS", "400"))

# No page of ours is framed, except the editor's upload answer (episodes.uploads, same
# origin) and views decorated with xframe_options_exempt (framed from anywhere).
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every page and the admin: scripts only from our own
# static files (JavaScript gets its data from json_script, never inline code or on…=
# attributes). frame-ancestors follows X-Frame-Options (podcastcms.security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "media-src": [SELF, "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if MEDIA_URL.startswith(("http://", "https://")):
    # Media on its own domain: the player and images load from there.
    _media_origin = "/".join(MEDIA_URL.split("/")[:3])
    for _directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].append(_media_origin)
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
