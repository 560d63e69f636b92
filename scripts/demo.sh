#!/usr/bin/env bash
# One command to a running demo network on SQLite: install, migrate, load the demo, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
port="${PORT:-8000}"
password="${DEMO_PASSWORD:-demo-password}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
# Feeds and new shows' podcast:guid use the address the demo is served at.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$port}"

scripts/bootstrap.sh requirements.txt
echo "==> Preparing the database (${DATABASE_URL:-SQLite: db.sqlite3})"
"$venv/bin/python" manage.py migrate --no-input -v 0
"$venv/bin/python" manage.py loaddemo --with-users --password "$password"

cat <<MSG

The demo network is served at http://127.0.0.1:$port/
  Network home       http://127.0.0.1:$port/
  A show             http://127.0.0.1:$port/shows/podcast-init/
  Reference episode  http://127.0.0.1:$port/shows/podcast-init/pytorch-deep-learning-episode-202/
  A person           http://127.0.0.1:$port/people/adam-paszke/
  Show feed (RSS)    http://127.0.0.1:$port/shows/podcast-init/feed.xml
  Admin              http://127.0.0.1:$port/admin/
Logins: admin / $password (superuser), producer / $password, editor / $password
Background tasks (imports, pings, webhooks) run in a worker started beside the server.
Stop both with Ctrl+C.

MSG
# The task worker runs beside the web server and stops with it.
"$venv/bin/python" manage.py runworker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
"$venv/bin/python" manage.py runserver "127.0.0.1:$port"
