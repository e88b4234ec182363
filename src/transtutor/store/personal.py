"""A person's own data: everything stored about them (/mydata), and deleting it (/forget).

What counts as theirs is defined once, here: the rows that are theirs, and the rows of others
that name them.
"""

from __future__ import annotations

import json
from typing import Any

from transtutor.store.connection import Rows

# Where a person's own data lives, for /mydata and /forget: (table, rows that are theirs).
# Order matters for deleting (grades before their submissions, the users row last).
OWN_ROWS = (
    ("ai_judgements", "user_id = :user"),
    ("ai_usage", "user_id = :user"),
    ("ai_learners", "user_id = :user"),
    ("attempts", "user_id = :user"),
    ("mastery", "user_id = :user"),
    ("sessions", "user_id = :user"),
    ("skips", "user_id = :user"),
    ("inputs", "user_id = :user"),
    ("grades", "submission_id IN (SELECT id FROM submissions WHERE user_id = :user)"),
    ("submissions", "user_id = :user"),
    ("extensions", "user_id = :user"),
    ("deliveries", "user_id = :user"),
    ("reminder_waves", "user_id = :user"),
    ("updates", "user_id = :user"),
    ("recipients", "user_id = :user"),
    ("users", "id = :user"),
)
# Where a person is named in rows that belong to others or to the course (a grade in a
# learner's record, a cohort they created): exported, and on /forget the name is removed and
# the row kept. (section, table, column, columns exported)
MENTIONS = (
    (
        "grades_given",
        "grades",
        "reviewer_id",
        "submission_id, criteria, score, comment, created_at",
    ),
    ("extensions_granted", "extensions", "granted_by", "project_id, deadline"),
    ("invites_used", "invites", "used_by", "role, cohort_id, used_at"),
    ("invites_created", "invites", "created_by", "role, cohort_id, created_at, used_at"),
    ("cohorts_created", "cohorts", "created_by", "id, name, created_at"),
    ("projects_created", "projects", "created_by", "id, title, deadline, created_at"),
    ("sets_imported", "exercise_sets", "imported_by", "id, version, title, imported_at"),
    # Issued credentials stay (verifiers must still get an answer); forgetting empties them.
    ("credentials", "credentials", "user_id", "id, kind, outcome_id, issued_at, revoked_at, json"),
    ("credentials_revoked", "credentials", "revoked_by", "id, revoked_at, revoked_reason"),
)
JSON_COLUMNS = frozenset(
    {"result", "state", "data", "criteria", "title", "reminders", "outcomes", "json"}
)


class PersonalStore(Rows):
    def _export(self, sql: str, user_id: int) -> list[dict[str, Any]]:
        rows = []
        for row in self._rows(sql, {"user": user_id}):
            record = dict(row)
            for name in JSON_COLUMNS.intersection(record):
                if isinstance(record[name], str) and record[name][:1] in ("{", "["):
                    record[name] = json.loads(record[name])
            rows.append(record)
        return rows

    def personal_data(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything stored about one user, table by table (read in one transaction)."""
        with self.transaction():
            data = {
                table: self._export(f"SELECT * FROM {table} WHERE {where}", user_id)
                for table, where in (OWN_ROWS[-1], *OWN_ROWS[:-1])  # the users row first
            }
            for section, table, column, columns in MENTIONS:
                data[section] = self._export(
                    f"SELECT {columns} FROM {table} WHERE {column} = :user", user_id
                )
        return data

    def forget_user(self, user_id: int) -> dict[str, int]:
        """Delete a user's own rows and take their id out of everyone else's; returns how
        many rows of each table were deleted. Deleted content is overwritten (secure_delete)
        and the write-ahead log emptied, so no copy stays in the files."""
        deleted: dict[str, int] = {}
        with self.db.atomic():
            # What a credential says about the learner goes; its status entry stays.
            self.db.execute(
                "UPDATE credentials SET json = NULL WHERE user_id = :user", {"user": user_id}
            )
            for table, where in OWN_ROWS:
                cursor = self.db.execute(f"DELETE FROM {table} WHERE {where}", {"user": user_id})
                deleted[table] = cursor.rowcount
            for _, table, column, _ in MENTIONS:
                # A grade stays in the learner's record under a number that is nobody's id.
                anonymous = "-rowid" if column == "reviewer_id" else "NULL"
                self.db.execute(
                    f"UPDATE {table} SET {column} = {anonymous} WHERE {column} = :user",
                    {"user": user_id},
                )
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted
