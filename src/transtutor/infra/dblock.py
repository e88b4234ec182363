"""One bot process per database.

Two `transtutor run` (or `webhook`) processes on one database would both run schedulers on the
same job store and take over each other's delivery claims. The bot takes an exclusive OS lock
(`flock`) on a file beside the database (`transtutor.db.lock`) for as long as it runs: the
kernel releases it when the process ends in any way, SIGKILL included, so a stale lock never
blocks a restart. The file says who holds it, for the refusal message. Readers (`summary`,
`export`, `try --db`) take no lock.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

from transtutor.store import StorageUnusable


class DatabaseInUse(Exception):
    """Another live process holds the database's lock."""


class DatabaseLock:
    """`with DatabaseLock(db_path):` the database is this process's until the block ends."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageUnusable(
                f"cannot create the lock file {self.path} ({exc.strerror}); is its directory "
                "writable?"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise DatabaseInUse(
                f"{self.path.with_suffix('')} is in use by another transtutor process "
                f"({holder}); stop it first, or give this one another TRANSTUTOR_DB"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
