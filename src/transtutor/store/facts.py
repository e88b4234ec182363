"""What the coordinator's reports read: per-learner facts in a few set-wise queries, cohorts,
and each project's progress."""

from __future__ import annotations

from datetime import datetime

from transtutor.learning.mastery import OutcomeMastery
from transtutor.people.records import CohortRecord
from transtutor.reports.facts import LearnerFacts, WorkFacts
from transtutor.store.connection import Rows, iso, maybe_moment, moment


class FactStore(Rows):
    def cohorts(self) -> list[CohortRecord]:
        rows = self._rows(
            "SELECT c.id, c.name, c.code, (SELECT COUNT(*) FROM users u WHERE u.cohort_id = c.id "
            "AND u.role = 'student') AS learners FROM cohorts c ORDER BY c.id"
        )
        return [CohortRecord(r["id"], r["name"], r["code"], r["learners"]) for r in rows]

    def learner_facts(
        self, since: datetime, cohort_id: int | None = None, user_id: int | None = None
    ) -> list[LearnerFacts]:
        """Facts per learner: the students (of one cohort), or the one user asked about
        (whatever their role). A handful of grouped queries, whatever the number of learners."""
        if user_id is not None:
            who, params = "u.id = ?", [user_id]
        elif cohort_id is not None:
            who, params = "u.role = 'student' AND u.cohort_id = ?", [cohort_id]
        else:
            who, params = "u.role = 'student'", []
        chosen = f"SELECT u.id FROM users u WHERE {who}"
        mastery: dict[int, dict[str, OutcomeMastery]] = {}
        for r in self._rows(
            f"SELECT user_id, outcome_id, value, attempts FROM mastery WHERE user_id IN ({chosen})",
            params,
        ):
            mastery.setdefault(r["user_id"], {})[r["outcome_id"]] = OutcomeMastery(
                r["outcome_id"], r["value"], r["attempts"]
            )
        work: dict[int, dict[str, WorkFacts]] = {}
        for r in self._rows(
            "SELECT s.user_id, s.project_id, s.submitted_at, s.late, "
            "COUNT(g.reviewer_id) AS reviews, AVG(g.score) AS score FROM submissions s "
            "LEFT JOIN grades g ON g.submission_id = s.id "
            "WHERE s.id IN (SELECT MAX(id) FROM submissions "
            f"WHERE user_id IN ({chosen}) GROUP BY user_id, project_id) GROUP BY s.id",
            params,
        ):
            work.setdefault(r["user_id"], {})[r["project_id"]] = WorkFacts(
                moment(r["submitted_at"]), bool(r["late"]), r["reviews"], r["score"]
            )
        facts = []
        # Per-learner index seeks on attempts(user_id, created_at): a few times faster than
        # one grouped scan comparing every attempt's time.
        for r in self._rows(
            "SELECT u.id, COALESCE(u.name, '') AS name, u.role, u.cohort_id, c.name AS cohort, "
            "COALESCE(u.language, 'en') AS language, u.created_at, "
            "(SELECT COUNT(*) FROM attempts a WHERE a.user_id = u.id) AS attempts, "
            "(SELECT COUNT(*) FROM attempts a WHERE a.user_id = u.id AND a.created_at >= ?) "
            "AS recent, (SELECT MAX(a.created_at) FROM attempts a WHERE a.user_id = u.id) AS last "
            f"FROM users u LEFT JOIN cohorts c ON c.id = u.cohort_id WHERE {who} ORDER BY u.id",
            [iso(since), *params],
        ):
            projects = work.get(r["id"], {})
            last_attempt = maybe_moment(r["last"])
            last_submission = max((w.submitted_at for w in projects.values()), default=None)
            moments = [m for m in (last_attempt, last_submission) if m is not None]
            facts.append(
                LearnerFacts(
                    id=r["id"],
                    name=r["name"],
                    role=r["role"],
                    cohort_id=r["cohort_id"],
                    cohort=r["cohort"],
                    language=r["language"],
                    joined=moment(r["created_at"]),
                    attempts=r["attempts"],
                    recent_attempts=r["recent"],
                    last_attempt=last_attempt,
                    last_submission=last_submission,
                    last_active=max(moments) if moments else None,
                    mastery=mastery.get(r["id"], {}),
                    work=projects,
                )
            )
        return facts
