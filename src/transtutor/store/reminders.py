"""Deadline reminders still to send, and deliveries: each message nobody asked for sent once.

A delivery is claimed before it is sent and confirmed after; a claim left by a run that died
mid-send is taken over by the next run, so nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlite_utils

from transtutor.people.records import Recipient
from transtutor.projects.records import ProjectRecord, reminder_key
from transtutor.store.connection import Rows, iso


class ReminderStore(Rows):
    def __init__(self, db: sqlite_utils.Database) -> None:
        super().__init__(db)
        self.run = secrets.token_hex(8)  # this process's claims, told apart from a dead one's

    def reminder_recipients(
        self, project: ProjectRecord, lead_minutes: int, user_id: int = 0
    ) -> list[Recipient]:
        """Students still to be reminded: no submission yet, not reminded at this lead. For
        user_id 0, everyone on the project's own deadline; otherwise that extended user."""
        rows = self._rows(
            "SELECT u.id, COALESCE(u.name, '') AS name, COALESCE(u.language, 'en') AS language "
            "FROM users u WHERE u.role = 'student' AND (:cohort IS NULL OR u.cohort_id = :cohort) "
            "AND (:user = 0 OR u.id = :user) "
            "AND EXISTS (SELECT 1 FROM extensions e WHERE e.project_id = :p "
            "AND e.user_id = u.id) = (:user != 0) "
            "AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.project_id = :p "
            "AND s.user_id = u.id) "
            "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.key = :key "
            "AND d.user_id = u.id AND d.sent_at IS NOT NULL) ORDER BY u.id",
            {
                "cohort": project.cohort_id,
                "user": user_id,
                "p": project.id,
                "key": reminder_key(project.id, lead_minutes),
            },
        )
        return [Recipient(r["id"], r["name"], r["language"]) for r in rows]

    def finish_wave(self, project_id: str, user_id: int, lead: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO reminder_waves (project_id, user_id, lead_minutes, "
                "done_at) VALUES (?, ?, ?, ?)",
                [project_id, user_id, lead, iso(now)],
            )

    def finished_waves(self) -> set[tuple[str, int, int]]:
        rows = self._rows("SELECT project_id, user_id, lead_minutes FROM reminder_waves")
        return {(r["project_id"], r["user_id"], r["lead_minutes"]) for r in rows}

    # -- deliveries --------------------------------------------------------------------------

    def claim_delivery(self, key: str, user_id: int, now: datetime) -> bool:
        """Take the message `key` to `user_id` before sending it. False when it was sent
        already or another sender of this run holds it; a claim left unconfirmed by an earlier
        run (the bot was killed before the send finished) is taken over."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (key, user_id, claimed_by, claimed_at) "
                "VALUES (?, ?, ?, ?)",
                [key, user_id, self.run, iso(now)],
            )
            if cursor.rowcount == 1:
                return True
            cursor = self.db.execute(
                "UPDATE deliveries SET claimed_by = ?, claimed_at = ? WHERE key = ? "
                "AND user_id = ? AND sent_at IS NULL AND claimed_by != ?",
                [self.run, iso(now), key, user_id, self.run],
            )
        return cursor.rowcount == 1

    def confirm_delivery(self, key: str, user_id: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE deliveries SET sent_at = ? WHERE key = ? AND user_id = ?",
                [iso(now), key, user_id],
            )

    def release_delivery(self, key: str, user_id: int) -> None:
        """Give up a claim whose message could not be sent, so a later run sends it."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM deliveries WHERE key = ? AND user_id = ? AND sent_at IS NULL",
                [key, user_id],
            )
