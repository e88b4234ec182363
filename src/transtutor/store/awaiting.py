"""What a user's next message is for, when it is not an answer (project work, a comment)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from transtutor.people.records import PendingInput
from transtutor.store.connection import Rows, iso, moment, to_json


class AwaitingStore(Rows):
    def set_input(
        self, user_id: int, kind: str, ref: str, data: dict[str, Any], now: datetime
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO inputs (user_id, kind, ref, data, since) "
                "VALUES (?, ?, ?, ?, ?)",
                [user_id, kind, ref, to_json(data), iso(now)],
            )

    def clear_input(self, user_id: int) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [user_id])

    def inputs(self) -> list[PendingInput]:
        rows = self._rows("SELECT user_id, kind, ref, data, since FROM inputs")
        return [
            PendingInput(
                r["user_id"], r["kind"], r["ref"], json.loads(r["data"]), moment(r["since"])
            )
            for r in rows
        ]
