"""Keeping blocking work off the event loop.

SQLite connections belong to the thread that opened them and sqlite-utils is synchronous, so
all store calls run, in order, on one dedicated thread (`db`). Scoring is pure CPU work; it
runs on a separate small thread pool (`cpu`) so a long answer never delays a database write
and the event loop keeps serving everyone else. Reports over the whole programme read on a
thread of their own (`read`) with their own read-only connection, so they never hold up a
learner's write. The runner knows nothing of what runs: the composition root opens the
stores on these threads and services hand it their store calls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from functools import partial
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Runner:
    """`await runner.db(store.method, arg...)`; `await runner.cpu(fn, arg...)`."""

    def __init__(self, *, cpu_workers: int = 2, separate_reads: bool = True) -> None:
        self._db_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="storage")
        self._cpu = concurrent.futures.ThreadPoolExecutor(cpu_workers, thread_name_prefix="score")
        self._reader_thread = (
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="reports")
            if separate_reads
            else self._db_thread
        )
        self._at_close: list[tuple[concurrent.futures.ThreadPoolExecutor, Callable[[], None]]] = []
        self._closed = False

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run on the storage thread (store calls, and work that makes several of them)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_thread, partial(fn, *args, **kwargs))

    def db_sync(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """The same from synchronous code outside the event loop (start-up, CLI)."""
        return self._db_thread.submit(fn, *args, **kwargs).result()

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Long read-only work, on the reader thread (the storage thread when reads are not
        separate, as with an in-memory database that has only one connection)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_thread, partial(fn, *args, **kwargs))

    def read_sync(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return self._reader_thread.submit(fn, *args, **kwargs).result()

    async def cpu(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, partial(fn, *args, **kwargs))

    def close_with(self, fn: Callable[[], None], *, reader: bool = False) -> None:
        """Run `fn` (closing a connection) on its thread when the runner closes."""
        self._at_close.append((self._reader_thread if reader else self._db_thread, fn))

    def close(self) -> None:
        """Finish queued work and close what was registered; calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._cpu.shutdown(wait=True)
        for thread, fn in reversed(self._at_close):
            thread.submit(fn).result()
        self._reader_thread.shutdown(wait=True)
        self._db_thread.shutdown(wait=True)
