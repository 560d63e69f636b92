"""gunicorn settings for the podcast network CMS: `gunicorn -c deploy/gunicorn.conf.py podcastcms.wsgi`.

Chosen by measurement on a 2-core machine (scripts/loadtest.py, 200 concurrent pollers behind
nginx): feed polls are short and mostly wait on PostgreSQL, so a few processes with threads
(gthread) answer more polls than the same number of sync workers, and keep connections from
nginx alive. gunicorn parses requests with gunicorn-h1c (C) when it is installed, as it is from
requirements.txt: 11 to 26 % more feed polls than the pure Python parser in the same runs. The
figures are in the README's production section. Every value can be set from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/podcastcms/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# nginx keeps upstream connections open (keepalive in deploy/nginx.conf).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Audio uploads are validated in the request; give them time, but not forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then, so a leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Load the application before forking: less memory per worker, faster restarts.
preload_app = True
