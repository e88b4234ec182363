"""The SQLite store: all SQL of transtutor, one store per aggregate over one connection.

`Store.open(path)` opens the file (creating and migrating it); each attribute is the store of
one aggregate. Services never import this package: they name the methods they use in small
protocols (`learning.ports`, `projects.ports`, ...) and get a `Store` from the composition
root. Nothing outside this package imports sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import sqlite_utils

from transtutor.store.ai import AiStore
from transtutor.store.awaiting import AwaitingStore
from transtutor.store.connection import StorageUnusable, open_file, unusable_reason
from transtutor.store.content import ContentStore
from transtutor.store.credentials import CredentialStore
from transtutor.store.facts import FactStore
from transtutor.store.learners import LearnerStore
from transtutor.store.migrations import migrate, schema_version
from transtutor.store.personal import PersonalStore
from transtutor.store.practice import PracticeStore
from transtutor.store.projects import ProjectStore
from transtutor.store.reminders import ReminderStore
from transtutor.store.reviews import ReviewStore
from transtutor.store.updates import UpdateStore

__all__ = ["StorageUnusable", "Store"]


class Store:
    """Owns the connection. Create with `Store.open(path)` or `Store.memory()`; use it only
    on the thread that opened it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        self.content = ContentStore(db)
        self.learners = LearnerStore(db)
        self.practice = PracticeStore(db)
        self.projects = ProjectStore(db)
        self.reviews = ReviewStore(db)
        self.reminders = ReminderStore(db)
        self.updates = UpdateStore(db)
        self.awaiting = AwaitingStore(db)
        self.personal = PersonalStore(db)
        self.facts = FactStore(db)
        self.credentials = CredentialStore(db)
        self.ai = AiStore(db)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (or create) the database file; raises StorageUnusable with the reason."""
        db = open_file(path)
        try:
            return cls(db)
        except StorageUnusable as exc:
            db.close()
            raise StorageUnusable(f"{path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StorageUnusable(f"{path}: {unusable_reason(exc)}") from None

    @classmethod
    def open_reader(cls, path: str | Path) -> Store:
        """A second, read-only connection for long reports: with WAL it reads a consistent
        snapshot while the writer carries on."""
        store = cls.open(path)
        store.db.execute("PRAGMA query_only = ON")
        return store

    @classmethod
    def memory(cls) -> Store:
        return cls(sqlite_utils.Database(memory=True))

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    def transaction(self) -> AbstractContextManager[Any]:
        """One transaction around calls to several stores: all or nothing, one snapshot."""
        return self.db.atomic()

    def count(self, table: str) -> int:
        return self.db.table(table).count
