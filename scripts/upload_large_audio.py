"""Upload a large MP3 (500 MB by default) through the admin's audio upload, as the browser does.

    python scripts/upload_large_audio.py [--megabytes 500]

Builds an MP3 of the given size (one encoded minute repeated), then streams it as one
multipart POST into the WSGI application (no test client: the body is never held in memory)
and prints the time taken, the peak memory of this process and what the app read from the
file. Uses a throwaway SQLite database and media folder.
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class StreamedBody(io.RawIOBase):
    """The parts of a multipart body read one after the other, like a socket."""

    def __init__(self, *parts):
        self.parts = list(parts)

    def readable(self):
        return True

    def readinto(self, buffer):
        while self.parts:
            chunk = self.parts[0].read(len(buffer))
            if chunk:
                buffer[: len(chunk)] = chunk
                return len(chunk)
            self.parts.pop(0)
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=500)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    workdir = Path(tempfile.mkdtemp(prefix="upload-benchmark-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/db.sqlite3"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podcastcms.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from episodes.audio import tone_mp3
    from episodes.audio_uploads import StagedAudio
    from episodes.models import Show, Team

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    show = Show.objects.create(title="Benchmark", slug="benchmark", description="Benchmark show.")
    user = get_user_model().objects.create_user("producer", is_staff=True, password="benchmark-only")
    team = Team.objects.create(name="Producers", role=Team.PRODUCER)
    team.shows.add(show)
    team.members.add(user)

    minute = tone_mp3(60)
    path = workdir / "large.mp3"
    with open(path, "wb") as file:
        while file.tell() < args.megabytes * 1_000_000:
            file.write(minute)
    size = path.stat().st_size

    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    boundary = "----benchmarkboundary"
    prefix = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="large.mp3"\r\n'
        "Content-Type: audio/mpeg\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{boundary}--\r\n".encode()
    with open(path, "rb") as audio:
        body = io.BufferedReader(StreamedBody(io.BytesIO(prefix), audio, io.BytesIO(suffix)))
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": reverse("admin:episodes_episode_upload_audio"),
            "QUERY_STRING": f"show={show.pk}",
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(len(prefix) + size + len(suffix)),
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_cookie}",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "wsgi.input": body,
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        # The upload view is CSRF-protected; this script is its own trusted client.
        from django.middleware.csrf import CsrfViewMiddleware

        CsrfViewMiddleware.process_view = lambda self, request, *args: None
        status = {}
        started = time.perf_counter()
        chunks = WSGIHandler()(environ, lambda s, headers: status.setdefault("status", s))
        answer = b"".join(chunks)
        chunks.close()  # as a WSGI server does: closes the request's uploaded files
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {size / 1_000_000:.0f} MB")
    print(f"answer: {status['status']} {answer.decode()[:200]}")
    print(f"upload, check and store: {elapsed:.1f} s")
    print(f"peak memory of the process: {peak_mb:.0f} MB")
    staged = StagedAudio.objects.first()
    if staged is not None:
        print(f"stored: {staged.file.name} ({staged.size / 1_000_000:.0f} MB, {staged.duration} s)")


if __name__ == "__main__":
    main()
