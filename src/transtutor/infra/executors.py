"""Keeping blocking work off the event loop.

SQLite connections belong to the thread that opened them and sqlite-utils is synchronous, so
all storage calls run, in order, on one dedicated thread that owns the Storage. Scoring is pure
CPU work; it runs on a separate small thread pool so a long answer never delays a database
write and the event loop keeps serving everyone else. Reports over the whole programme read
on a thread of their own with a read-only connection, so they never hold up a learner's write.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from transtutor.storage import Storage

P = ParamSpec("P")
T = TypeVar("T")


class Runner:
    """Runs storage calls on the storage thread and CPU work on worker threads."""

    def __init__(self, database: str | Path | None, cpu_workers: int = 2) -> None:
        self._db_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="storage")
        self._cpu = concurrent.futures.ThreadPoolExecutor(cpu_workers, thread_name_prefix="score")
        self._database = None if database is None or str(database) == ":memory:" else Path(database)
        opener: Callable[[], Storage] = (
            Storage.memory if self._database is None else partial(Storage.open, self._database)
        )
        self._storage: Storage = self._db_thread.submit(opener).result()
        self._reader_thread: concurrent.futures.ThreadPoolExecutor | None = None
        self._reader: Storage | None = None
        self._closed = False

    async def db(
        self, fn: Callable[Concatenate[Storage, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`await runner.db(Storage.method, arg...)`: run on the storage thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._db_thread, partial(fn, self._storage, *args, **kwargs)
        )

    def db_sync(
        self, fn: Callable[Concatenate[Storage, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The same from synchronous code outside the event loop (start-up, CLI)."""
        return self._db_thread.submit(partial(fn, self._storage, *args, **kwargs)).result()

    async def read(
        self, fn: Callable[Concatenate[Storage, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Like `db`, for long read-only work: on the reader thread and its own connection
        (an in-memory database has only the one connection, so there it is `db`)."""
        if self._database is None:
            return await self.db(fn, *args, **kwargs)
        if self._reader_thread is None:
            self._reader_thread = concurrent.futures.ThreadPoolExecutor(
                1, thread_name_prefix="reports"
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._reader_thread, partial(self._read, fn, *args, **kwargs)
        )

    def _read(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        if self._reader is None:
            assert self._database is not None
            self._reader = Storage.open_reader(self._database)
        return fn(self._reader, *args, **kwargs)

    async def cpu(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, partial(fn, *args, **kwargs))

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def close(self) -> None:
        """Finish queued work and close the database; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._cpu.shutdown(wait=True)
        if self._reader_thread is not None:
            self._reader_thread.submit(self._close_reader).result()
            self._reader_thread.shutdown(wait=True)
        self._db_thread.submit(self._storage.close).result()
        self._db_thread.shutdown(wait=True)
