"""A learner's practice: the open exercise (sessions), attempts, mastery and skips."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from transtutor.learning.mastery import OutcomeMastery
from transtutor.learning.records import (
    AttemptLine,
    Evidence,
    NewAttempt,
    OpenExercise,
    PastAttempt,
    RecordedAttempt,
)
from transtutor.store.connection import Rows, iso, moment, to_json


class PracticeStore(Rows):
    # -- the open exercise -------------------------------------------------------------------

    def open_exercise(
        self, user_id: int, set_id: str, set_version: int, exercise_id: str, now: datetime
    ) -> OpenExercise:
        """Make this the learner's open exercise (replacing any other)."""
        with self.db.atomic():
            previous = self._value("SELECT token FROM sessions WHERE user_id = ?", [user_id])
            token = (previous + 1) if previous is not None else 1
            self.db.execute(
                "INSERT OR REPLACE INTO sessions (user_id, token, set_id, set_version, "
                "exercise_id, state, opened_at) VALUES (?, ?, ?, ?, ?, '{}', ?)",
                [user_id, token, set_id, set_version, exercise_id, iso(now)],
            )
        return OpenExercise(token, set_id, set_version, exercise_id, {})

    def open_exercise_of(self, user_id: int) -> OpenExercise | None:
        row = self._row(
            "SELECT token, set_id, set_version, exercise_id, state FROM sessions "
            "WHERE user_id = ? AND exercise_id != ''",
            [user_id],
        )
        if row is None:
            return None
        return OpenExercise(
            row["token"],
            row["set_id"],
            row["set_version"],
            row["exercise_id"],
            json.loads(row["state"]),
        )

    def save_state(self, user_id: int, token: int, state: dict[str, Any]) -> bool:
        """Store the step state of the open exercise; False if that exercise is no longer open."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE sessions SET state = ? WHERE user_id = ? AND token = ? "
                "AND exercise_id != ''",
                [to_json(state), user_id, token],
            )
        return cursor.rowcount == 1

    def close_exercise(self, user_id: int, token: int) -> bool:
        """Close the open exercise if it is still this one; False (nothing written) if not."""
        # The row stays (with no exercise) so the next token keeps counting up.
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE sessions SET exercise_id = '', state = '{}' "
                "WHERE user_id = ? AND token = ? AND exercise_id != ''",
                [user_id, token],
            )
        return cursor.rowcount == 1

    def skip_exercise(self, user_id: int, token: int, now: datetime) -> bool:
        with self.db.atomic():
            current = self.open_exercise_of(user_id)
            if current is None or current.token != token or not self.close_exercise(user_id, token):
                return False
            self.db.execute(
                "INSERT INTO skips (user_id, set_id, exercise_id, skipped_at) VALUES (?, ?, ?, ?)",
                [user_id, current.set_id, current.exercise_id, iso(now)],
            )
        return True

    def recent_skips(self, user_id: int, since: datetime) -> set[tuple[str, str]]:
        rows = self._rows(
            "SELECT set_id, exercise_id FROM skips WHERE user_id = ? AND skipped_at >= ?",
            [user_id, iso(since)],
        )
        return {(r["set_id"], r["exercise_id"]) for r in rows}

    # -- attempts ----------------------------------------------------------------------------

    def add_attempt(self, attempt: NewAttempt) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO attempts (user_id, set_id, set_version, exercise_id, type, answer, "
                "score, result, created_at, update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    attempt.user_id,
                    attempt.set_id,
                    attempt.set_version,
                    attempt.exercise_id,
                    attempt.type,
                    attempt.answer,
                    attempt.score,
                    to_json(attempt.result),
                    iso(attempt.at),
                    attempt.update_id,
                ],
            )
        return int(cursor.lastrowid or 0)

    def attempt_for_update(self, user_id: int, update_id: int) -> RecordedAttempt | None:
        """The attempt an update already recorded (it is being handled again after a crash)."""
        row = self._row(
            "SELECT set_id, set_version, exercise_id, result FROM attempts "
            "WHERE user_id = ? AND update_id = ? ORDER BY id DESC LIMIT 1",
            [user_id, update_id],
        )
        return _recorded(row) if row else None

    def owe_feedback(self, user_id: int, update_id: int) -> bool:
        """The feedback on the attempt this update recorded could not be sent: owe it (it is
        sent when the learner next writes). False if the update recorded no attempt."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE attempts SET feedback_owed = 1 WHERE id = (SELECT id FROM attempts "
                "WHERE user_id = ? AND update_id = ? ORDER BY id DESC LIMIT 1)",
                [user_id, update_id],
            )
        return cursor.rowcount == 1

    def owed_feedback(self, user_id: int) -> list[tuple[int, RecordedAttempt]]:
        """Attempts whose feedback is owed to the learner (attempt id, attempt), oldest first."""
        rows = self._rows(
            "SELECT id, set_id, set_version, exercise_id, result FROM attempts "
            "WHERE user_id = ? AND feedback_owed = 1 ORDER BY id",
            [user_id],
        )
        return [(r["id"], _recorded(r)) for r in rows]

    def feedback_sent(self, attempt_ids: list[int]) -> None:
        with self.db.atomic():
            for attempt_id in attempt_ids:
                self.db.execute("UPDATE attempts SET feedback_owed = 0 WHERE id = ?", [attempt_id])

    def attempts_of(self, user_id: int) -> list[PastAttempt]:
        rows = self._rows(
            "SELECT set_id, exercise_id, score, created_at FROM attempts WHERE user_id = ? "
            "ORDER BY id",
            [user_id],
        )
        return [
            PastAttempt(r["set_id"], r["exercise_id"], r["score"], r["created_at"]) for r in rows
        ]

    def attempt_count(self, user_id: int) -> int:
        return int(self._value("SELECT COUNT(*) FROM attempts WHERE user_id = ?", [user_id]))

    def recent_attempts(self, user_id: int, limit: int) -> list[AttemptLine]:
        rows = self._rows(
            "SELECT exercise_id, type, score, created_at FROM attempts WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [user_id, limit],
        )
        return [
            AttemptLine(r["exercise_id"], r["type"], r["score"], moment(r["created_at"]))
            for r in rows
        ]

    def attempt_evidence(self, user_id: int) -> list[Evidence]:
        """The evidence each of the learner's attempts gave, as stored with it."""
        rows = self._rows(
            "SELECT created_at, id, json_extract(result, '$.evidence') AS evidence FROM attempts "
            "WHERE user_id = ?",
            [user_id],
        )
        return [
            Evidence(r["created_at"], 0, r["id"], json.loads(r["evidence"] or "{}")) for r in rows
        ]

    # -- mastery -----------------------------------------------------------------------------

    def mastery(self, user_id: int) -> dict[str, OutcomeMastery]:
        rows = self._rows(
            "SELECT outcome_id, value, attempts, evidence_sum, evidence_weight FROM mastery "
            "WHERE user_id = ?",
            [user_id],
        )
        return {
            r["outcome_id"]: OutcomeMastery(
                r["outcome_id"], r["value"], r["attempts"], r["evidence_sum"], r["evidence_weight"]
            )
            for r in rows
        }

    def save_mastery(self, user_id: int, records: Iterable[OutcomeMastery], now: datetime) -> None:
        """Store these outcomes' mastery (others stay as they are)."""
        with self.db.atomic():
            for record in records:
                self.db.execute(
                    "INSERT OR REPLACE INTO mastery (user_id, outcome_id, value, attempts, "
                    "updated_at, evidence_sum, evidence_weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        user_id,
                        record.outcome,
                        record.value,
                        record.attempts,
                        iso(now),
                        record.evidence_sum,
                        record.evidence_weight,
                    ],
                )

    def replace_mastery(
        self, user_id: int, records: Iterable[OutcomeMastery], now: datetime
    ) -> None:
        """The learner's mastery is exactly these records (after a replay)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM mastery WHERE user_id = ?", [user_id])
            self.save_mastery(user_id, records, now)


def _recorded(row: Any) -> RecordedAttempt:
    return RecordedAttempt(
        row["set_id"], row["set_version"], row["exercise_id"], json.loads(row["result"])
    )
