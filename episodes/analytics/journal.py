"""The journal: every counted request is on disk before the process can lose it.

A web process appends each raw event as one JSON line, with one ``os.write``, to its own
append-only file in ``settings.PODCASTCMS_ANALYTICS_JOURNAL`` (``O_APPEND``: once ``write``
returns the line is in the kernel's page cache, and a process killed with SIGKILL loses
nothing). The process holds an exclusive ``flock`` on its current file; the kernel drops it
when the process closes the file or dies. Files are named ``<host>-<pid>-<start>-<n>.jsonl``
and a process starts a new one every ``PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS``.

``load()`` (the worker's periodic job and ``manage.py load_download_events``) moves lines into
``DownloadEvent``: for each file, in one transaction, the complete lines after the offset
recorded in ``JournalFile`` are inserted and the new offset stored, so running it twice, or
being killed half way, inserts nothing twice. A file whose lock can be taken belongs to no
live process: once loaded it is deleted. Lines hold what the event row holds (the listener
hash, never the address or the day's salt).

Writing never raises: when the journal cannot be written (no directory, not writable, disk
full) the event joins the in-memory buffer of ``episodes.analytics.recorder`` instead.
"""

import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import JournalFile
from .sql import insert_rows

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
LOADER_LOCK = ".loader.lock"
RETRY_AFTER = 10  # seconds before a process tries an unwritable journal again
READ_CHUNK = 4 * 1024 * 1024


def journal_directory():
    value = getattr(settings, "PODCASTCMS_ANALYTICS_JOURNAL", "")
    return Path(value) if value else None


def encode(event, columns):
    """One journal line for an event dict (``occurred_at`` as ISO 8601 with microseconds)."""
    line = {column: event[column] for column in columns}
    line["occurred_at"] = event["occurred_at"].isoformat()
    return (json.dumps(line, separators=(",", ":")) + "\n").encode()


class JournalWriter:
    """This process's journal file: opened on first use, reopened after a fork or rotation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.fd = None
        self.pid = None
        self.path = None
        self.opened_at = 0.0
        self.sequence = 0
        self.started = time.time_ns()
        self.failed_at = None

    def _open(self, directory):
        directory.mkdir(parents=True, exist_ok=True)
        if self.pid != os.getpid():  # a new process (forked): a name and files of its own
            self.pid, self.started, self.sequence = os.getpid(), time.time_ns(), 0
        self.sequence += 1
        host = socket.gethostname().replace("-", "_") or "host"
        path = directory / f"{host}-{self.pid}-{self.started}-{self.sequence:06d}{SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        return fd, path

    def _close(self):
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # releases the flock: the loader may now finish the file
        self.fd = self.path = None

    def append(self, data):
        """Append one line (bytes ending in a newline); False when the journal cannot take it."""
        directory = journal_directory()
        if directory is None:
            return False
        now = time.monotonic()
        rotate = getattr(settings, "PODCASTCMS_ANALYTICS_JOURNAL_ROTATE_SECONDS", 60)
        with self.lock:
            if self.failed_at is not None and now - self.failed_at < RETRY_AFTER:
                return False
            try:
                if (
                    self.fd is None
                    or self.pid != os.getpid()
                    or now - self.opened_at >= rotate
                    or self.path.parent != directory
                ):
                    if self.pid != os.getpid() and self.fd is not None:
                        # The parent's file, inherited by a fork: closing our copy leaves the
                        # parent's lock in place (flock belongs to the open file, not the fd).
                        os.close(self.fd)
                        self.fd = None
                    fd, path = self._open(directory)
                    self._close()
                    self.fd, self.path, self.opened_at = fd, path, now
                written = os.write(self.fd, data)
                if written != len(data):  # disk full: end the torn line, start a new file
                    os.write(self.fd, b"\n")
                    self._close()
                    return False
            except OSError:
                self.failed_at = now
                self._close()
                logger.warning("The analytics journal in %s cannot be written", directory, exc_info=True)
                return False
            self.failed_at = None
            return True

    def close(self):
        """Finish this process's file (the loader then deletes it once loaded); retry at once."""
        with self.lock:
            if self.pid == os.getpid():
                self._close()
            self.failed_at = None


writer = JournalWriter()


def _decode(raw, columns):
    line = json.loads(raw)
    line["occurred_at"] = datetime.fromisoformat(line["occurred_at"])
    return [line[column] for column in columns]


def _lock_if_finished(fd):
    """True when no live process holds the file (its writer closed it or died)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def load_file(path, columns, model):
    """Insert the complete lines of ``path`` past its recorded offset; delete it once finished.

    Returns (events inserted, lines skipped as unreadable, whether the file was finished).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return 0, 0, True
    inserted = skipped = 0
    try:
        finished = _lock_if_finished(fd)
        while True:
            with transaction.atomic():
                record, _ = JournalFile.objects.select_for_update().get_or_create(name=path.name)
                chunk = os.pread(fd, READ_CHUNK, record.offset)
                end = chunk.rfind(b"\n") + 1
                if not end:
                    break
                rows = []
                for raw in chunk[:end].splitlines():
                    try:
                        rows.append(_decode(raw, columns))
                    except (ValueError, KeyError, TypeError):
                        skipped += 1
                insert_rows(model, columns, rows)
                record.offset += end
                record.save(update_fields=["offset"])
                inserted += len(rows)
            if len(chunk) < READ_CHUNK:
                break
        if finished:
            size = os.fstat(fd).st_size
            offset = JournalFile.objects.filter(name=path.name).values_list("offset", flat=True).first() or 0
            if size > offset:
                logger.warning("%s: %d bytes of an unfinished line dropped", path, size - offset)
            path.unlink(missing_ok=True)
            JournalFile.objects.filter(name=path.name).delete()
    finally:
        os.close(fd)
    if skipped:
        logger.warning("%s: %d unreadable lines skipped", path, skipped)
    return inserted, skipped, finished


def load(directory=None, progress=None):
    """Move every journal line into the database. Returns {"events", "skipped", "files"}.
    ``progress(done, total, name, totals)`` is called after each file.

    One loader at a time per directory (a lock file); another one finding it taken returns at
    once with nothing done, as the running one will load what is there.
    """
    from .models import DownloadEvent
    from .recorder import EVENT_COLUMNS

    directory = Path(directory) if directory else journal_directory()
    totals = {"events": 0, "skipped": 0, "files": 0}
    if directory is None or not directory.is_dir():
        return totals
    lock = os.open(directory / LOADER_LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o640)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return totals
        paths = sorted(directory.glob(f"*{SUFFIX}"))
        for done, path in enumerate(paths, 1):
            inserted, skipped, finished = load_file(path, EVENT_COLUMNS, DownloadEvent)
            totals["events"] += inserted
            totals["skipped"] += skipped
            totals["files"] += finished
            if progress is not None:
                progress(done, len(paths), path.name, totals)
    finally:
        os.close(lock)
    return totals
