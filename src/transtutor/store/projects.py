"""Projects, personal deadlines (extensions) and the work students submit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from transtutor.projects.records import ProjectRecord, SubmissionRecord, reminder_key
from transtutor.store.connection import Rows, iso, moment, to_json

_PROJECT = "id, title, deadline, reminders, rubric, outcomes, cohort_id"
_SUBMISSION = "id, project_id, user_id, text, file_id, file_name, submitted_at, late"


class ProjectStore(Rows):
    def create_project(self, project: ProjectRecord, created_by: int | None, now: datetime) -> bool:
        """Store a new project; False (nothing written) if the id is taken."""
        with self.db.atomic():
            if self.project(project.id) is not None:
                return False
            self.db.execute(
                "INSERT INTO projects (id, title, deadline, reminders, rubric, outcomes, "
                "cohort_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    project.id,
                    project.title,
                    iso(project.deadline),
                    to_json(list(project.leads)),
                    project.rubric,
                    to_json(list(project.outcomes)),
                    project.cohort_id,
                    created_by,
                    iso(now),
                ],
            )
        return True

    def project(self, project_id: str) -> ProjectRecord | None:
        """A project by id, ignoring case (students type `p1` for `P1`)."""
        row = self._row(
            f"SELECT {_PROJECT} FROM projects WHERE id = ? COLLATE NOCASE", [project_id]
        )
        return _project(row) if row else None

    def projects(self) -> list[ProjectRecord]:
        return [
            _project(r)
            for r in self._rows(f"SELECT {_PROJECT} FROM projects ORDER BY deadline, id")
        ]

    # -- deadlines ---------------------------------------------------------------------------

    def extend(
        self, project_id: str, user_id: int, deadline: datetime, granted_by: int | None
    ) -> None:
        """A personal deadline; reminders already sent for the old one no longer count."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO extensions (project_id, user_id, deadline, granted_by) "
                "VALUES (?, ?, ?, ?)",
                [project_id, user_id, iso(deadline), granted_by],
            )
            self.db.execute(
                "DELETE FROM reminder_waves WHERE project_id = ? AND user_id = ?",
                [project_id, user_id],
            )
            prefix = reminder_key(project_id, None)
            self.db.execute(
                "DELETE FROM deliveries WHERE substr(key, 1, ?) = ? AND user_id = ?",
                [len(prefix), prefix, user_id],
            )

    def extensions(self) -> list[tuple[str, int, datetime]]:
        rows = self._rows("SELECT project_id, user_id, deadline FROM extensions")
        return [(r["project_id"], r["user_id"], moment(r["deadline"])) for r in rows]

    def deadline_for(self, project: ProjectRecord, user_id: int) -> tuple[datetime, bool]:
        """The user's deadline for the project and whether it is an extension."""
        deadline = self._value(
            "SELECT deadline FROM extensions WHERE project_id = ? AND user_id = ?",
            [project.id, user_id],
        )
        return (moment(deadline), True) if deadline else (project.deadline, False)

    # -- submissions -------------------------------------------------------------------------

    def add_submission(
        self,
        project_id: str,
        user_id: int,
        text: str | None,
        file: tuple[str, str] | None,
        now: datetime,
        late: bool,
        update_id: int | None = None,
    ) -> int:
        """Store project work (text, or a Telegram file id and name) and end the wait for it."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO submissions (project_id, user_id, text, file_id, file_name, "
                "submitted_at, late, update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    project_id,
                    user_id,
                    text,
                    file[0] if file else None,
                    file[1] if file else None,
                    iso(now),
                    int(late),
                    update_id,
                ],
            )
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [user_id])
        return int(cursor.lastrowid or 0)

    def submission(self, submission_id: int) -> SubmissionRecord | None:
        row = self._row(f"SELECT {_SUBMISSION} FROM submissions WHERE id = ?", [submission_id])
        return _submission(row) if row else None

    def latest_submissions(self, user_id: int) -> dict[str, SubmissionRecord]:
        """The user's latest submission per project."""
        rows = self._rows(
            f"SELECT {_SUBMISSION} FROM submissions WHERE user_id = ? ORDER BY id", [user_id]
        )
        return {r["project_id"]: _submission(r) for r in rows}


def _project(row: Any) -> ProjectRecord:
    return ProjectRecord(
        row["id"],
        row["title"],
        moment(row["deadline"]),
        tuple(json.loads(row["reminders"])),
        row["rubric"] or "",
        tuple(json.loads(row["outcomes"])),
        row["cohort_id"],
    )


def _submission(row: Any) -> SubmissionRecord:
    return SubmissionRecord(
        row["id"],
        row["project_id"],
        row["user_id"],
        row["text"],
        row["file_id"],
        row["file_name"],
        moment(row["submitted_at"]),
        bool(row["late"]),
    )
