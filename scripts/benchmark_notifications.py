"""Deliver 1,000 queued notifications while the worker is restarted halfway; count what arrived.

    python scripts/benchmark_notifications.py [--events 500] [--endpoints 2] [--kill]

On a throwaway SQLite database (or DATABASE_URL's), with real worker processes
(``manage.py runworker``) and a recording HTTP server on 127.0.0.1: ``events`` webhook events
for ``endpoints`` endpoints are queued (events × endpoints deliveries), a worker starts, and once
half the requests have arrived the worker is stopped (SIGTERM, as a deploy does; ``--kill`` sends
SIGKILL instead, a crash) and a new one started. Prints the time taken, requests received, and
for each endpoint the deliveries missing and those received more than once (by webhook-id).
"""

import argparse
import collections
import os
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Recorder(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.received = []  # (path, webhook-id)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        headers = {}
        request_line = self.rfile.readline().decode("latin-1")
        while True:
            line = self.rfile.readline().decode("latin-1")
            if line in ("\r\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.rfile.read(int(headers.get("content-length", "0")))
        with self.server.lock:
            self.server.received.append((request_line.split()[1], headers.get("webhook-id")))
        self.wfile.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--endpoints", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the first worker instead of SIGTERM")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="notify-benchmark-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "podcastcms.settings", "TASKS_SWEEP_INTERVAL": "2"}
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir}/benchmark.sqlite3")
    env["DELIVERY_TIMEOUT"] = "5"
    env["TASKS_PROGRESS_DIR"] = f"{workdir}/progress"
    env["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from episodes.models import Show
    from episodes.notify.models import Delivery, WebhookEndpoint
    from episodes.notify.webhooks import emit, show_data

    recorder = Recorder()
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    port = recorder.server_address[1]
    show = Show.objects.create(title="Benchmark show", slug=f"benchmark-{os.getpid()}", description="x")
    for n in range(args.endpoints):
        endpoint = WebhookEndpoint.objects.create(
            url=f"http://127.0.0.1:{port}/endpoint-{n}", events=[WebhookEndpoint.SHOW_UPDATED]
        )
        endpoint.shows.add(show)
    for n in range(args.events):
        emit(WebhookEndpoint.SHOW_UPDATED, show, {"show": show_data(show), "n": n}, key=f"benchmark:{n}")
    total = Delivery.objects.count()
    print(f"Queued {total} deliveries ({args.events} events × {args.endpoints} endpoints)")

    def start_worker():
        return subprocess.Popen(
            [sys.executable, "manage.py", "runworker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )

    started = time.perf_counter()
    worker = start_worker()
    while len(recorder.received) < total // 2:
        time.sleep(0.01)
    halfway = time.perf_counter() - started
    worker.send_signal(signal.SIGKILL if args.kill else signal.SIGTERM)
    worker.wait()
    stopped_at = len(recorder.received)
    print(
        f"Worker stopped ({'SIGKILL' if args.kill else 'SIGTERM'}) after {halfway:.1f} s, "
        f"{stopped_at} received"
    )
    worker = start_worker()
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:
        done = Delivery.objects.filter(status=Delivery.DELIVERED).count()
        if done == total and len(recorder.received) >= total:
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    time.sleep(3)  # anything sent twice would arrive now
    worker.send_signal(signal.SIGTERM)
    worker.wait()

    by_endpoint = collections.defaultdict(collections.Counter)
    for path, message_id in recorder.received:
        by_endpoint[path][message_id] += 1
    expected = collections.defaultdict(set)
    for url, message_id in Delivery.objects.values_list("target_url", "message_id"):
        expected[url.removeprefix(f"http://127.0.0.1:{port}")].add(message_id)
    print(
        f"Delivered {Delivery.objects.filter(status=Delivery.DELIVERED).count()}/{total} in {elapsed:.1f} s "
        f"({total / elapsed:.0f}/s); requests received: {len(recorder.received)}"
    )
    lost = twice = 0
    for path in sorted(expected):
        missing = len(expected[path] - set(by_endpoint[path]))
        repeated = sum(1 for count in by_endpoint[path].values() if count > 1)
        lost += missing
        twice += repeated
        print(f"  {path}: {len(by_endpoint[path])} distinct received, {missing} missing, {repeated} twice")
    print(f"Lost: {lost}; sent twice to the same endpoint: {twice}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
