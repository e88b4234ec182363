"""Reviewers' grades of project work, and the queue of work waiting for review."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from transtutor.projects.grading import MAX_REVIEWERS, Rating, from_json, to_json
from transtutor.projects.records import ReviewRecord
from transtutor.store.connection import Rows, iso
from transtutor.store.connection import to_json as json_text


class ReviewStore(Rows):
    def review_queue(self, reviewer_id: int, project_id: str | None = None) -> list[int]:
        """Ids of submissions this reviewer may review, oldest first: each student's latest per
        project, not the reviewer's own, not reviewed by them, with fewer than two reviews."""
        rows = self._rows(
            "SELECT s.id FROM submissions s WHERE s.user_id != :me "
            "AND (:project IS NULL OR s.project_id = :project COLLATE NOCASE) "
            "AND s.id = (SELECT MAX(id) FROM submissions WHERE project_id = s.project_id "
            "AND user_id = s.user_id) "
            "AND NOT EXISTS (SELECT 1 FROM grades WHERE submission_id = s.id "
            "AND reviewer_id = :me) "
            "AND (SELECT COUNT(*) FROM grades WHERE submission_id = s.id) < :most "
            "ORDER BY s.submitted_at, s.id",
            {"me": reviewer_id, "project": project_id, "most": MAX_REVIEWERS},
        )
        return [r["id"] for r in rows]

    def reviews(self, submission_id: int) -> list[ReviewRecord]:
        rows = self._rows(
            "SELECT g.reviewer_id, COALESCE(u.name, '') AS name, g.criteria, g.score, g.comment, "
            "g.created_at FROM grades g LEFT JOIN users u ON u.id = g.reviewer_id "
            "WHERE g.submission_id = ? ORDER BY g.created_at, g.reviewer_id",
            [submission_id],
        )
        return [
            ReviewRecord(
                r["reviewer_id"],
                r["name"],
                from_json(json.loads(r["criteria"])),
                r["score"],
                r["comment"] or "",
                r["created_at"],
            )
            for r in rows
        ]

    def save_grade(
        self,
        submission_id: int,
        reviewer_id: int,
        review: Sequence[Rating],
        score: float,
        comment: str,
        now: datetime,
    ) -> None:
        """One reviewer's grade (a second grade by the same reviewer replaces the first); the
        reviewer's wait for a comment ends."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO grades (submission_id, reviewer_id, criteria, score, "
                "comment, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [submission_id, reviewer_id, json_text(to_json(review)), score, comment, iso(now)],
            )
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [reviewer_id])

    def reviewed_submissions(self, user_id: int) -> list[tuple[int, str]]:
        """The learner's submissions with at least one grade: (id, time of the first grade)."""
        rows = self._rows(
            "SELECT s.id, MIN(g.created_at) AS first FROM submissions s JOIN grades g "
            "ON g.submission_id = s.id WHERE s.user_id = ? GROUP BY s.id",
            [user_id],
        )
        return [(r["id"], r["first"]) for r in rows]
