"""The SQLite connection: opening a file with the right pragmas, and what every store shares.

WAL mode with `synchronous=NORMAL`; every method that writes commits before it returns, so
whatever a reply confirms is on disk. sqlite-utils connections are bound to the thread that
opened them: the bot runs all store calls on one worker thread (see `infra.executors`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

Params = Sequence[Any] | dict[str, Any]


class StorageUnusable(Exception):
    """The database file cannot be used: not SQLite, from a newer version, cannot be created."""


def open_file(path: str | Path) -> sqlite_utils.Database:
    """Open (or create) the database file. The directory must exist: a mistyped path must
    not quietly start an empty database. Raises StorageUnusable with the reason."""
    path = Path(path)
    if path.is_dir():
        raise StorageUnusable(f"{path} is a directory, not a database file")
    if not path.parent.is_dir():
        raise StorageUnusable(f"the directory {path.parent} does not exist")
    try:
        db = sqlite_utils.Database(path)
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA busy_timeout = 5000")
        # Deleted rows are overwritten, not just unlinked: /forget leaves no text in the file.
        db.execute("PRAGMA secure_delete = ON")
        return db
    except sqlite3.DatabaseError as exc:
        raise StorageUnusable(f"{path}: {unusable_reason(exc)}") from None


def unusable_reason(exc: sqlite3.DatabaseError) -> str:
    reason = str(exc)
    if "not a database" in reason:
        return "the file is not a transtutor (SQLite) database"
    if "unable to open" in reason or "readonly" in reason:
        return f"cannot open or write it ({reason}); is its directory writable?"
    return reason


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def maybe_moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Rows:
    """Base of the stores: one shared connection, rows read by column name."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        cursor = self.db.execute(sql, params)
        cursor.row_factory = sqlite3.Row
        return cursor.fetchall()

    def _row(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        cursor = self.db.execute(sql, params)
        cursor.row_factory = sqlite3.Row
        row: sqlite3.Row | None = cursor.fetchone()
        return row

    def _value(self, sql: str, params: Params = ()) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def transaction(self) -> AbstractContextManager[Any]:
        """One transaction (nested ones become savepoints): several calls, all or nothing;
        reads inside it see one committed state."""
        return self.db.atomic()
