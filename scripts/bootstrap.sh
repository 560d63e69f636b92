#!/usr/bin/env bash
# Creates the virtual environment in .venv (or $VENV) and installs the given requirements file.
# Re-running it installs only when the requirements changed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
venv="${VENV:-.venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "==> Creating the virtual environment in $venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
stamp="$venv/.installed-$(basename "$requirements")"
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  echo "==> Installing $requirements"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
