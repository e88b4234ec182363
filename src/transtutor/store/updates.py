"""Incoming Telegram updates: recorded before they are handled, so a crash loses none and a
redelivery is not handled twice."""

from __future__ import annotations

from datetime import datetime

from transtutor.store.connection import Rows, iso

# How many handled update ids are remembered to recognise a redelivery (Telegram redelivers only
# updates it has not seen confirmed, which are recent).
REMEMBERED_UPDATES = 100_000


class UpdateStore(Rows):
    def receive_updates(
        self, updates: list[tuple[int, int | None, str]], now: datetime
    ) -> list[int]:
        """Record updates (id, user id, JSON) before they are handled; returns the ids seen for
        the first time (a redelivered id is not returned, so it is not handled twice)."""
        fresh = []
        with self.db.atomic():
            for update_id, user_id, data in updates:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO updates (update_id, user_id, data, received_at) "
                    "VALUES (?, ?, ?, ?)",
                    [update_id, user_id, data, iso(now)],
                )
                if cursor.rowcount == 1:
                    fresh.append(update_id)
            if updates:
                self.db.execute(
                    "DELETE FROM updates WHERE done_at IS NOT NULL AND update_id < ?",
                    [min(u[0] for u in updates) - REMEMBERED_UPDATES],
                )
        return fresh

    def skip_updates(self, updates: list[tuple[int, str]], now: datetime) -> None:
        """Updates that cannot be read (id, type): recorded as done and skipped, nothing else
        kept, so they are confirmed and never tried again."""
        with self.db.atomic():
            for update_id, kind in updates:
                self.db.execute(
                    "INSERT INTO updates (update_id, data, received_at, done_at, skipped) "
                    "VALUES (?, '', ?, ?, ?) ON CONFLICT(update_id) DO UPDATE SET data = '', "
                    "user_id = NULL, done_at = excluded.done_at, skipped = excluded.skipped",
                    [update_id, iso(now), iso(now), kind],
                )

    def finish_update(self, update_id: int, now: datetime) -> None:
        """Handled: keep only the id (to recognise a redelivery), not the message or sender."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE updates SET done_at = ?, data = '', user_id = NULL WHERE update_id = ?",
                [iso(now), update_id],
            )

    def pending_updates(self) -> list[tuple[int, str]]:
        """Updates recorded but not handled (the bot stopped on them), oldest first."""
        rows = self._rows(
            "SELECT update_id, data FROM updates WHERE done_at IS NULL ORDER BY update_id"
        )
        return [(r["update_id"], r["data"]) for r in rows]
