"""deploy/gunicorn.conf.py loads in gunicorn with the application, and reads its environment."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


def test_gunicorn_accepts_the_config_and_loads_the_application(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "-c", str(CONFIG), "--check-config", "podcastcms.wsgi"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "podcastcms.settings", "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (result.returncode, result.stderr) == (0, "")


def test_gunicorn_config_defaults_and_environment(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    defaults = runpy.run_path(str(CONFIG))
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8001")
    chosen = runpy.run_path(str(CONFIG))

    assert (defaults["worker_class"], defaults["threads"], defaults["bind"]) == (
        "gthread",
        4,
        "unix:/run/podcastcms/gunicorn.sock",
    )
    assert defaults["workers"] == os.cpu_count()
    assert (chosen["workers"], chosen["threads"], chosen["bind"]) == (3, 8, "127.0.0.1:8001")
