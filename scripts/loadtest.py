"""Load benchmark on loopback: a network polled by the whole world while an editor publishes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python scripts/loadtest.py \\
        [--shows 100] [--episodes 1000] [--pollers 200] [--feeds 20] [--duration 120] \\
        [--edit-every 3] [--modes static,django,accel,direct] [--app-dir PATH] \\
        [--database-name NAME] [--server gunicorn|granian]

Builds (once; kept for the next run) a network of ``--shows`` shows × ``--episodes`` episodes in
its own PostgreSQL database (``podcastcms_loadtest``, on the server DATABASE_URL points at), renders
every feed, then for each mode runs ``--pollers`` concurrent pollers over ``--feeds`` show feeds
for ``--duration`` seconds, half of them conditional (If-None-Match with the ETag they last saw),
all asking for gzip, while an editor publishes an episode on one of the polled shows every
``--edit-every`` seconds. Modes:

- ``static``: nginx serving a copy of the same stored files, no application (the reference);
- ``django``: gunicorn (deploy/gunicorn.conf.py) answering every poll;
- ``accel``: nginx (deploy/nginx.conf without its direct-feeds block) in front of gunicorn, Django
  answering validators and nginx sending the bytes (FEED_ACCEL_REDIRECT);
- ``direct``: deploy/nginx.conf as it is: nginx answering polls from the stored files.

``--server granian`` runs the application under granian's WSGI interface instead of gunicorn
(with GUNICORN_WORKERS processes of GUNICORN_THREADS threads), to compare servers; granian must
be importable (it is not a dependency of the project).

For each mode it prints requests per second, p50/p99 latency, errors, the largest staleness seen
after an edit had committed (a checker polls the edited feed until it carries the new episode; a
304 to the pre-edit ETag after the commit counts as stale too) and peak memory (VmHWM) per
gunicorn worker. Everything listens on 127.0.0.1 ports the OS chooses. ``--app-dir`` serves
another checkout of the project (e.g. an older release) with the same database, for before and
after figures. Redis (``REDIS_URL``, default redis://127.0.0.1:6379/10) holds the render lock.
"""

import argparse
import asyncio
import importlib.util
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_NAME = "podcastcms_loadtest"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(base_url, name):
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def ensure_database(base_url, name):
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_network(shows, episodes_per_show):
    """The network, built with bulk inserts; skipped when it is there already."""
    from django.db import transaction

    from episodes.models import Show

    if Show.objects.filter(slug__startswith="load-").count() == shows:
        return False
    # One transaction: every feed is rendered once when it commits, not once per show added
    # (each new show changes every podroll).
    with transaction.atomic():
        _build(shows, episodes_per_show)
    return True


def _build(shows, episodes_per_show):
    from django.utils import timezone

    from episodes.models import Episode, Network, Show
    from people.models import Credit, Person, ShowHost
    from podcastcms.sanitize import sanitize_html

    if not Network.objects.exists():
        Network.objects.create(name="Load Network", owner_name="Owner", owner_email="owner@example.com")
    notes = sanitize_html("<p>We talk about <strong>feeds</strong>.</p><ul><li>One</li><li>Two</li></ul>")
    now = timezone.now()
    for number in range(shows):
        slug = f"load-{number:03}"
        if Show.objects.filter(slug=slug).exists():
            continue
        show = Show.objects.create(
            title=f"Load show {number}",
            slug=slug,
            description="A show of the load benchmark.",
            is_public=True,
            author="Host",
            owner_name="Owner",
            owner_email="owner@example.com",
        )
        host = Person.objects.create(name=f"Host {number}", slug=f"load-host-{number}")
        ShowHost.objects.create(show=show, person=host, role="host")
        Episode.objects.bulk_create(
            [
                Episode(
                    show=show,
                    title=f"Topic {n}",
                    slug=f"topic-{n}",
                    number=n,
                    summary=f"We talk about topic {n}.",
                    show_notes=notes,
                    external_audio_url=f"https://cdn.example.com/{slug}/{n}.mp3",
                    audio_size=30_000_000 + n,
                    audio_mime_type="audio/mpeg",
                    duration=2_700 + n,
                    guid=str(uuid.uuid4()),
                    status=Episode.PUBLISHED,
                    published_at=now - timedelta(hours=episodes_per_show - n + 1),
                )
                for n in range(1, episodes_per_show + 1)
            ],
            batch_size=1000,
        )
        Credit.objects.bulk_create(
            [
                Credit(episode_id=pk, person=host, role="host", group="cast")
                for pk in Episode.objects.filter(show=show).values_list("pk", flat=True)
            ],
            batch_size=1000,
        )
        print(f"built {slug}", file=sys.stderr)


class Stats:
    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.statuses = {}


async def http_get(reader, writer, path, headers):
    lines = [f"GET {path} HTTP/1.1", "Host: localhost", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    writer.write("\r\n".join(lines).encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    response_headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            response_headers[name.strip().lower()] = value.strip()
    length = int(response_headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return status, response_headers, body


async def poller(port, feeds, conditional, stats, stop_at):
    etags = {}
    reader = writer = None
    while time.monotonic() < stop_at:
        path = random.choice(feeds)
        headers = {"Accept-Encoding": "gzip"}
        if conditional and path in etags:
            headers["If-None-Match"] = etags[path]
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, response_headers, _ = await http_get(reader, writer, path, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
            continue
        stats.latencies.append(time.monotonic() - started)
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        if status not in (200, 304):
            stats.errors += 1
        if "etag" in response_headers:
            etags[path] = response_headers["etag"]
        if response_headers.get("connection", "").lower() == "close":
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_pollers(port, feeds, count, stop_at, queue):
    stats = Stats()

    async def pollers():
        await asyncio.gather(*(poller(port, feeds, n % 2 == 0, stats, stop_at) for n in range(count)))

    asyncio.run(pollers())
    queue.put((stats.latencies, stats.errors, stats.statuses))


def editor(shows, every, stop_at, port, results, check):
    """Publish an episode on one polled show every ``every`` seconds; measure how long the old
    feed is still served after each commit."""
    import gzip
    import http.client

    from django.db import close_old_connections, transaction
    from django.utils import timezone

    from episodes.models import Episode

    def get(path, headers):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, response.getheader("ETag"), body
        finally:
            connection.close()

    def watch(path, old_etag, guid):
        """From the commit on, poll until the new episode is served; the edit's staleness is
        how long after the commit an old feed (or a 304 to the old ETag) was still answered."""
        committed = time.monotonic()
        stale_for = 0.0
        while True:
            status, _, body = get(path, {"Accept-Encoding": "gzip", "If-None-Match": old_etag})
            received = time.monotonic() - committed
            if status == 200 and guid.encode() in body:
                break
            stale_for = received
            if time.monotonic() > stop_at + 30:
                stale_for = float("inf")
                break
            time.sleep(0.002)
        results.append(stale_for)

    number = 0
    while time.monotonic() + every < stop_at:
        time.sleep(every)
        show = shows[number % len(shows)]
        number += 1
        path = f"/shows/{show.slug}/feed.xml"
        _, old_etag, _ = get(path, {"Accept-Encoding": "gzip"})
        guid = str(uuid.uuid4())
        checker = threading.Thread(target=watch, args=(path, old_etag, guid))
        with transaction.atomic():
            # Registered first, so it runs first once the database has committed, before the
            # feed is rendered again (the callbacks the save registers): from then on the old
            # feed is stale, and the checker polls while the render runs.
            if check:
                transaction.on_commit(checker.start)
            Episode.objects.create(
                show=show,
                title=f"Published under load {number}",
                slug=f"under-load-{uuid.uuid4().hex[:10]}",
                summary="Published by the load benchmark's editor.",
                external_audio_url=f"https://cdn.example.com/under-load/{guid}.mp3",
                audio_size=1000,
                audio_mime_type="audio/mpeg",
                guid=guid,
                status=Episode.PUBLISHED,
                published_at=timezone.now(),
            )
        if check:
            checker.join()
        close_old_connections()
        close_old_connections()


def peak_memory_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on 127.0.0.1:{port} after {timeout} s")


def start_gunicorn(app_dir, env, port, server="gunicorn"):
    environment = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--chdir",
        str(app_dir),
        "podcastcms.wsgi",
    ]
    if server == "granian":
        # For comparison only: the same application under granian's WSGI interface, with the
        # process and thread counts of the gunicorn settings.
        command = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            os.environ.get("GUNICORN_WORKERS", str(os.cpu_count())),
            "--blocking-threads",
            os.environ.get("GUNICORN_THREADS", "4"),
            "--log-level",
            "error",
            "podcastcms.wsgi:application",
        ]
    process = subprocess.Popen(
        command,
        env=environment,
        cwd=str(app_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port)
    return process


def start_nginx(folder, port, *, upstream=None, store=None, static_root=None, direct=True):
    folder.mkdir(parents=True, exist_ok=True)
    if static_root is not None:
        site = (
            f"server {{ listen 127.0.0.1:{port}; location / {{ root {static_root}; gzip_static on; "
            "types { application/rss+xml xml; } charset utf-8; charset_types application/rss+xml; "
            'add_header Cache-Control "public, max-age=300" always; } }\n'
        )
    else:
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        if not direct:
            before, _, rest = site.partition("    # direct-feeds-begin")
            site = before + rest.partition("    # direct-feeds-end")[2]
        site = (
            site.replace("/srv/podcastcms/feedstore", str(store))
            .replace("/srv/podcastcms/media", str(folder / "media"))
            .replace("unix:/run/podcastcms/gunicorn.sock", upstream)
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
        )
    (folder / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 4096; }\n"
        f"http {{ access_log off; keepalive_requests 100000; include {folder}/site.conf; }}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except (PermissionError, ProcessLookupError):
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def run_mode(mode, args, env, store):
    from episodes.models import Show

    polled = list(Show.objects.filter(slug__startswith="load-").order_by("slug")[: args.feeds])
    feeds = [f"/shows/{show.slug}/feed.xml" for show in polled]
    folder = Path(tempfile.mkdtemp(prefix=f"loadtest-{mode}-"))
    os.chmod(folder, 0o755)
    processes, gunicorn = [], None
    try:
        if mode == "static":
            static_root = folder / "static"
            shutil.copytree(store, static_root)
            port = free_port()
            processes.append(start_nginx(folder / "nginx", port, static_root=static_root))
        else:
            app_port = free_port()
            mode_env = {**env, "FEED_ACCEL_REDIRECT": "/_feedstore/" if mode == "accel" else ""}
            gunicorn = start_gunicorn(args.app_dir, mode_env, app_port, args.server)
            processes.append(gunicorn)
            port = app_port
            if mode in ("accel", "direct"):
                port = free_port()
                processes.append(
                    start_nginx(
                        folder / "nginx",
                        port,
                        upstream=f"127.0.0.1:{app_port}",
                        store=store,
                        direct=mode == "direct",
                    )
                )
        stats = Stats()
        staleness = []
        stop_at = time.monotonic() + args.duration
        edits = threading.Thread(
            target=editor, args=(polled, args.edit_every, stop_at, port, staleness, mode != "static")
        )
        if mode != "static" and args.edit_every > 0:
            edits.start()

        # The pollers run in a process of their own, so they never hold the editor's GIL (the
        # editor renders the feed after each commit, as an admin request would).
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        polling = context.Process(target=run_pollers, args=(port, feeds, args.pollers, stop_at, queue))
        started = time.monotonic()
        polling.start()
        stats.latencies, stats.errors, stats.statuses = queue.get()
        polling.join()
        elapsed = time.monotonic() - started
        if edits.is_alive() or edits.ident:
            edits.join()
        workers = children(gunicorn.pid) if gunicorn else []
        memory = [peak_memory_kib(pid) for pid in workers]
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)
    latencies = sorted(stats.latencies)
    return {
        "mode": mode,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan"),
        "errors": stats.errors,
        "statuses": stats.statuses,
        "edits": len(staleness),
        "staleness": max(staleness) if staleness else None,
        "worker_peak_mib": [round(kib / 1024, 1) for kib in memory if kib],
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--edit-every", type=float, default=3)
    parser.add_argument("--modes", default="static,django,accel,direct")
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument(
        "--server",
        choices=("gunicorn", "granian"),
        default="gunicorn",
        help="gunicorn with deploy/gunicorn.conf.py, or granian (if installed) for comparison",
    )
    parser.add_argument(
        "--database-name", default=DATABASE_NAME, help="kept between runs; one per network size"
    )
    args = parser.parse_args()
    if args.server == "granian" and importlib.util.find_spec("granian") is None:
        parser.error("--server granian needs granian importable (it is not a dependency of the project)")
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database there)")
    ensure_database(base_url, args.database_name)
    # Kept with the database it was rendered from.
    store = Path(tempfile.gettempdir()) / f"{args.database_name}-feedstore"
    fresh_store = not store.exists()
    store.mkdir(mode=0o755, exist_ok=True)
    env = {
        "DATABASE_URL": database_url(base_url, args.database_name),
        "FEED_STORE_ROOT": str(store),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
        "CACHE_KEY_PREFIX": f"loadtest-{uuid.uuid4().hex[:8]}",
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "STATIC_ROOT": str(store / ".static"),
        "LOG_LEVEL": "ERROR",
    }
    setup_django(env)
    started = time.monotonic()
    if build_network(args.shows, args.episodes):
        print(f"built the network in {time.monotonic() - started:.0f} s", file=sys.stderr)
    from django.core.management import call_command

    started = time.monotonic()
    due = [] if fresh_store else ["--due"]
    call_command("storefeeds", *due, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"rendered every feed in {time.monotonic() - started:.1f} s", file=sys.stderr)

    results = []
    for mode in args.modes.split(","):
        print(f"running {mode} for {args.duration:.0f} s …", file=sys.stderr)
        results.append(run_mode(mode, args, env, store))
    workers = os.environ.get("GUNICORN_WORKERS", os.cpu_count())
    threads = os.environ.get("GUNICORN_THREADS", "4")
    server = f"{args.server} {workers} workers × {threads} threads"
    static_rps = next((row["rps"] for row in results if row["mode"] == "static"), None)
    print(
        f"{args.shows} shows × {args.episodes} episodes, {args.pollers} pollers over {args.feeds} feeds "
        f"(half conditional), {args.duration:.0f} s, an edit every {args.edit_every} s; {server}"
    )
    header = (
        f"{'mode':>7} | {'req/s':>8} | {'of nginx':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | "
        f"{'edits':>5} | {'staleness':>9} | worker peak MiB"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        share = f"{row['rps'] / static_rps:.0%}" if static_rps else "-"
        stale = "-" if row["staleness"] is None else f"{row['staleness'] * 1000:.0f} ms"
        print(
            f"{row['mode']:>7} | {row['rps']:>8.0f} | {share:>8} | {row['p50']:>7.1f} | {row['p99']:>7.1f} | "
            f"{row['errors']:>6} | {row['edits']:>5} | {stale:>9} | {row['worker_peak_mib'] or '-'}"
        )
        print(f"{'':>7}   statuses {row['statuses']}")


if __name__ == "__main__":
    main()
