"""A 10,000-item feed imported through the admin, end to end, following its progress page.

    python scripts/benchmark_import.py [--items 10000]

Generates a feed of ``items`` episodes, starts the web server (``manage.py runserver``) and a
task worker (``manage.py runworker``) on a throwaway SQLite database (or DATABASE_URL's), logs
in to the admin as a browser would, uploads the feed on the import page, then polls the
progress endpoint the page's script polls until the report. Prints the time to queue, the
time until the first progress and to the end, the progress seen along the way, the report
page's time and size, and the counts the report gives.
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def feed(items):
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        "<title>Ten Thousand Episodes</title><link>https://example.com/</link>"
        "<description>A generated back catalogue.</description><language>en</language>"
        '<itunes:image href="https://example.com/art.jpg"/><itunes:explicit>false</itunes:explicit>'
    ]
    for n in range(items, 0, -1):
        day = f"{(n % 28) + 1:02d}"
        year = 2000 + n // 400
        parts.append(
            f'<item><title>Episode {n}: a generated title</title><guid isPermaLink="false">gen-{n}</guid>'
            f"<description>Summary of generated episode {n}.</description>"
            f"<pubDate>{day} Jan {year} 10:00:00 +0000</pubDate>"
            f'<enclosure url="https://cdn.example.com/gen/{n}.mp3" length="{1000 + n}" type="audio/mpeg"/>'
            f"<itunes:duration>{600 + n % 3000}</itunes:duration><itunes:episode>{n}</itunes:episode></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def get(self, path):
        with self.opener.open(self.base + path) as response:
            return response.geturl(), response.read()

    def post(self, path, data, content_type="application/x-www-form-urlencoded"):
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Content-Type": content_type, "Referer": self.base + path, "X-CSRFToken": self.csrf()},
        )
        with self.opener.open(request) as response:
            return response.geturl(), response.read()


def multipart(fields, file_field, filename, content):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/rss+xml\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="import-benchmark-")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "podcastcms.settings",
        "DJANGO_DEBUG": "",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "MEDIA_ROOT": f"{workdir}/media",
        "TASKS_PROGRESS_DIR": f"{workdir}/progress",
        "PYTHONWARNINGS": "ignore",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir}/benchmark.sqlite3")
    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    password = uuid.uuid4().hex
    subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_superuser('bench', '', '{password}')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    data = feed(args.items)
    print(f"Feed: {args.items} items, {len(data) / 1e6:.1f} MB")

    logs = Path(workdir)
    print(f"Server and worker logs in {logs}")
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(logs / "server.log").open("w"),
    )
    worker = subprocess.Popen(
        [*manage, "runworker", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(logs / "worker.log").open("w"),
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(100):
            try:
                browser.get("/admin/login/")
                break
            except OSError:
                time.sleep(0.2)
        browser.post(
            "/admin/login/?next=/admin/",
            urllib.parse.urlencode(
                {"username": "bench", "password": password, "csrfmiddlewaretoken": browser.csrf()}
            ).encode(),
        )
        browser.get("/admin/episodes/show/import-feed/")
        body, content_type = multipart({"csrfmiddlewaretoken": browser.csrf()}, "feed_file", "feed.xml", data)
        started = time.perf_counter()
        job_url, page = browser.post("/admin/episodes/show/import-feed/", body, content_type)
        queued = time.perf_counter() - started
        job_path = urllib.parse.urlsplit(job_url).path
        assert re.search(rb'id="import-progress"', page), "the progress page did not open"
        print(f"Upload answered with the progress page in {queued:.2f} s ({job_path})")

        first_progress = None
        polls = 0
        samples = []
        while True:
            _, raw = browser.get(job_path + "progress/")
            polls += 1
            progress = json.loads(raw)
            now = time.perf_counter() - started
            if progress["done"] and first_progress is None:
                first_progress = now
            if not samples or now - samples[-1][0] >= 5:
                samples.append((now, progress["done"], progress["total"], progress["current"]))
            if progress["finished"]:
                break
            time.sleep(0.7)
        finished = time.perf_counter() - started
        report_start = time.perf_counter()
        _, report = browser.get(job_path)
        report_time = time.perf_counter() - report_start
        print(f"First progress after {first_progress:.1f} s; finished after {finished:.1f} s ({polls} polls)")
        for at, done, total, current in samples:
            print(f"  {at:6.1f} s  {done:>6} of {total}  {current}")
        created = re.search(rb'class="import-created">(\d+)<', report)
        skipped = re.search(rb'class="import-skipped">(\d+)<', report)
        created = created.group(1).decode() if created else "?"
        skipped = skipped.group(1).decode() if skipped else "?"
        print(
            f"Report page: {report_time:.2f} s, {len(report) / 1e6:.1f} MB; "
            f"created {created}, skipped {skipped}"
        )
        rate = args.items / (finished - (first_progress or 0) + 1e-9)
        print(f"Throughput: {rate:.0f} items/s from the first progress to the end")
    finally:
        worker.terminate()
        server.terminate()
        worker.wait()
        server.wait()


if __name__ == "__main__":
    main()
