"""The store as the verification pages' and `transtutor verify`'s CredentialArchive.

The web server reads it on the event loop's thread, so it gets a read-only connection of
its own, opened there (SQLite connections belong to the thread that opens them); a read is
one lookup by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transtutor.store import Store


class StoreArchive:
    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, database: Path) -> StoreArchive | None:
        """A reader on the bot's database file (None for an in-memory or absent one)."""
        if str(database) == ":memory:" or not database.is_file():
            return None
        return cls(Store.open_reader(database))

    def credential(self, credential_id: str) -> Mapping[str, Any] | None:
        return self.store.credentials.document(credential_id)

    def encoded_status_list(self, list_id: str) -> str | None:
        return self.store.credentials.encoded_status_list(list_id)

    def close(self) -> None:
        self.store.close()
