#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite and again on PostgreSQL.
# Installs what the tests need: the Python packages, Debian's Chromium for browser tests and
# nginx for the test that runs deploy/nginx/media.conf.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing Debian's Chromium for the browser tests"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core >/dev/null
  else
    echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

# nginx runs deploy/nginx.conf in tests/deploy; redis-server is started (and killed) by the cache tests.
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing ${missing[*]} for the deployment and cache tests"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    # Installed for the tests, not as a service of this machine.
    if command -v systemctl >/dev/null; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  else
    echo "The deployment tests need: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

scripts/bootstrap.sh requirements-dev.txt

# axe-core, injected into the browser tests' pages (package.json; installed into node_modules/).
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      echo "==> Installing Debian's npm for the accessibility tests"
      apt-get update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null
    else
      echo "The accessibility tests need npm: sudo apt-get install -y npm" >&2
      exit 1
    fi
  fi
  echo "==> npm ci (axe-core for the accessibility tests)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> ruff"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .

echo "==> Missing migrations"
"$venv/bin/python" manage.py makemigrations --check --dry-run >/dev/null

echo "==> Tests on SQLite"
env -u DATABASE_URL "$venv/bin/pytest" "$@"

if "$venv/bin/python" - "$pg_url" <<'PY'
import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except psycopg.OperationalError as exc:
    print(f"PostgreSQL is not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "==> Tests on PostgreSQL ($pg_url)"
  DATABASE_URL="$pg_url" "$venv/bin/pytest" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI must run the suite on PostgreSQL too; start it or set TEST_POSTGRES_URL." >&2
  exit 1
else
  echo "==> Skipped the PostgreSQL run (no server; set TEST_POSTGRES_URL to point at one)."
fi
