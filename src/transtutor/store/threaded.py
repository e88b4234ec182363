"""A store opened on the runner's threads: the writer on the storage thread, and for a file a
read-only second connection on the reader thread for long reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transtutor.infra.executors import Runner
from transtutor.store import Store


@dataclass(frozen=True)
class Database:
    runner: Runner
    store: Store  # use on runner.db
    reader: Store  # use on runner.read (the store itself for an in-memory database)

    @classmethod
    def open(cls, path: str | Path | None, cpu_workers: int = 2) -> Database:
        """Open (or create) the database; None or ":memory:" for an in-memory one. Raises
        StorageUnusable with the reason (and leaves no thread behind)."""
        in_memory = path is None or str(path) == ":memory:"
        runner = Runner(cpu_workers=cpu_workers, separate_reads=not in_memory)
        try:
            if in_memory:
                store = runner.db_sync(Store.memory)
                runner.close_with(store.close)
                return cls(runner, store, store)
            assert path is not None
            store = runner.db_sync(Store.open, path)
            runner.close_with(store.close)
            reader = runner.read_sync(Store.open_reader, path)
            runner.close_with(reader.close, reader=True)
            return cls(runner, store, reader)
        except BaseException:
            runner.close()
            raise

    def close(self) -> None:
        self.runner.close()
