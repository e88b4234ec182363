"""What the AI features keep: per-learner opt-out, notice and daily count, MT drafts fetched
at import, and the second opinion's agreement with the offline scorer (counts only)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from transtutor.content.records import StoredDraft
from transtutor.learning.records import AiUsage, LastAttempt
from transtutor.store.connection import Rows, iso


def source_key(source: str) -> str:
    """A draft belongs to the exact source text it translates."""
    return hashlib.sha256(source.encode()).hexdigest()


class AiStore(Rows):
    # -- the learner's switch and notice ---------------------------------------------------

    def ai_off(self, user_id: int) -> bool:
        return bool(self._value("SELECT ai_off FROM ai_learners WHERE user_id = ?", [user_id]))

    def set_ai_off(self, user_id: int, off: bool) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO ai_learners (user_id, ai_off) VALUES (?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET ai_off = excluded.ai_off",
                [user_id, int(off)],
            )

    def take_notice(self, user_id: int, now: datetime) -> bool:
        """True the first time only: the learner is to be told what AI features send."""
        with self.db.atomic():
            noticed = self._value("SELECT noticed_at FROM ai_learners WHERE user_id = ?", [user_id])
            if noticed:
                return False
            self.db.execute(
                "INSERT INTO ai_learners (user_id, noticed_at) VALUES (?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET noticed_at = excluded.noticed_at",
                [user_id, iso(now)],
            )
        return True

    def opinion_state(self, user_id: int, now: datetime) -> tuple[bool, bool]:
        """(turned off, told just now) in one call: before a second opinion, the learner who
        was never told what is sent is told now (and nothing is sent)."""
        with self.db.atomic():
            off = self.ai_off(user_id)
            return off, (not off and self.take_notice(user_id, now))

    # -- the daily limit -------------------------------------------------------------------

    def take_request(self, user_id: int, day: date, limit: int) -> bool:
        with self.db.atomic():
            used = self.used_requests(user_id, day)
            if used >= limit:
                return False
            self.db.execute(
                "INSERT INTO ai_usage (user_id, day, requests) VALUES (?, ?, 1) "
                "ON CONFLICT(user_id, day) DO UPDATE SET requests = requests + 1",
                [user_id, day.isoformat()],
            )
        return True

    def give_back_request(self, user_id: int, day: date) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE ai_usage SET requests = requests - 1 "
                "WHERE user_id = ? AND day = ? AND requests > 0",
                [user_id, day.isoformat()],
            )

    def used_requests(self, user_id: int, day: date) -> int:
        value = self._value(
            "SELECT requests FROM ai_usage WHERE user_id = ? AND day = ?",
            [user_id, day.isoformat()],
        )
        return int(value or 0)

    # -- MT drafts -------------------------------------------------------------------------

    def draft(self, set_id: str, exercise_id: str, source: str) -> StoredDraft | None:
        row = self._row(
            "SELECT set_id, exercise_id, text, engine, fetched_at FROM ai_drafts "
            "WHERE set_id = ? AND exercise_id = ? AND source_sha = ?",
            [set_id, exercise_id, source_key(source)],
        )
        if row is None:
            return None
        return StoredDraft(
            row["set_id"], row["exercise_id"], row["text"], row["engine"], row["fetched_at"]
        )

    def save_draft(
        self, set_id: str, exercise_id: str, source: str, text: str, engine: str, now: datetime
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO ai_drafts (set_id, exercise_id, source_sha, text, engine, "
                "fetched_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(set_id, exercise_id, "
                "source_sha) DO UPDATE SET text = excluded.text, engine = excluded.engine, "
                "fetched_at = excluded.fetched_at",
                [set_id, exercise_id, source_key(source), text, engine, iso(now)],
            )

    # -- the learner's last attempt and the second opinion ---------------------------------

    def last_attempt(self, user_id: int) -> LastAttempt | None:
        row = self._row(
            "SELECT id, set_id, set_version, exercise_id, answer, result FROM attempts "
            "WHERE user_id = ? ORDER BY id DESC LIMIT 1",
            [user_id],
        )
        if row is None:
            return None
        return LastAttempt(
            row["id"],
            row["set_id"],
            row["set_version"],
            row["exercise_id"],
            row["answer"],
            json.loads(row["result"]),
        )

    def save_agreement(
        self,
        attempt_id: int,
        user_id: int,
        counts: tuple[int, int, int, int],
        dice: float,
        now: datetime,
    ) -> None:
        """Counts only (matched, AI only, offline only, same severity) and the Dice value."""
        matched, ai_only, offline_only, same = counts
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO ai_judgements (attempt_id, user_id, matched, ai_only, "
                "offline_only, same_severity, dice, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [attempt_id, user_id, matched, ai_only, offline_only, same, dice, iso(now)],
            )

    def usage(self, today: date) -> AiUsage:
        week = (today - timedelta(days=6)).isoformat()
        used = self._row(
            "SELECT COALESCE(SUM(CASE WHEN day = ? THEN requests END), 0) AS today, "
            "COALESCE(SUM(requests), 0) AS week, "
            "COUNT(DISTINCT CASE WHEN requests > 0 THEN user_id END) AS learners "
            "FROM ai_usage WHERE day >= ?",
            [today.isoformat(), week],
        )
        judged = self._row(
            "SELECT COUNT(*) AS n, COALESCE(SUM(matched), 0) AS matched, "
            "COALESCE(SUM(ai_only), 0) AS ai_only, COALESCE(SUM(offline_only), 0) AS off, "
            "AVG(dice) AS dice FROM ai_judgements"
        )
        off = self._value("SELECT COUNT(*) FROM ai_learners WHERE ai_off = 1")
        assert used is not None and judged is not None
        return AiUsage(
            requests_today=int(used["today"]),
            requests_week=int(used["week"]),
            learners_week=int(used["learners"]),
            turned_off=int(off or 0),
            judged=int(judged["n"]),
            matched=int(judged["matched"]),
            ai_only=int(judged["ai_only"]),
            offline_only=int(judged["off"]),
            mean_dice=None if judged["dice"] is None else float(judged["dice"]),
        )
