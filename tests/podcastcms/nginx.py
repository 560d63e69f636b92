"""A real nginx serving MEDIA_ROOT with deploy/nginx/media.conf, for the media tests."""

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

MEDIA_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "media.conf"
DOCUMENTED_ALIAS = "alias /srv/podcastcms/media/;"


def nginx_binary():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def free_port():
    # nginx cannot report an OS-chosen port: take one the OS chose, then hand it to nginx.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def nginx_serving(media_root, workdir):
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light runs it for these tests)")
    conf = MEDIA_CONF.read_text()
    assert conf.count(DOCUMENTED_ALIAS) == 1
    workdir.mkdir(parents=True, exist_ok=True)
    include = workdir / "media.conf"
    include.write_text(conf.replace(DOCUMENTED_ALIAS, f"alias {media_root}/;"))
    port = free_port()
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = workdir / "nginx.conf"
    main.write_text(
        f"""
daemon off;
master_process off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {include};
    }}
}}
"""
    )
    process = subprocess.Popen([binary, "-c", str(main), "-p", str(workdir)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
