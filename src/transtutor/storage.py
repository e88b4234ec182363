"""The one module that talks to the database (SQLite through sqlite-utils).

The schema is created and migrated on open by numbered migrations recorded in
`PRAGMA user_version`. WAL mode with `synchronous=NORMAL`; every method that writes commits
before it returns, so whatever a reply confirms is on disk. sqlite-utils connections are
bound to the thread that opened them: the bot runs all storage calls on one worker thread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from transtutor.content.models import Course, ExerciseSet


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    # Not executescript(): it commits first, which would break the migration's atomicity.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migration_1(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE courses (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, mastery_threshold REAL NOT NULL,
            min_attempts INTEGER NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE outcomes (
            course_id TEXT NOT NULL REFERENCES courses(id), id TEXT NOT NULL,
            position INTEGER NOT NULL, title TEXT NOT NULL, PRIMARY KEY (course_id, id));
        CREATE TABLE exercise_sets (
            id TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL,
            language_pair TEXT NOT NULL, rubric TEXT, source_file TEXT, encoding TEXT,
            checksum TEXT NOT NULL, exercise_count INTEGER NOT NULL,
            imported_at TEXT NOT NULL, imported_by INTEGER, retired INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL, PRIMARY KEY (id, version));
        CREATE TABLE exercises (
            set_id TEXT NOT NULL, set_version INTEGER NOT NULL, id TEXT NOT NULL,
            position INTEGER NOT NULL, type TEXT NOT NULL, difficulty INTEGER NOT NULL,
            outcomes TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (set_id, set_version, id),
            FOREIGN KEY (set_id, set_version) REFERENCES exercise_sets(id, version));
        CREATE TABLE cohorts (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL UNIQUE,
            created_by INTEGER, created_at TEXT NOT NULL);
        CREATE TABLE users (
            id INTEGER PRIMARY KEY, name TEXT, username TEXT, language TEXT,
            role TEXT NOT NULL DEFAULT 'student', cohort_id INTEGER REFERENCES cohorts(id),
            created_at TEXT NOT NULL, last_seen_at TEXT);
        CREATE TABLE invites (
            code TEXT PRIMARY KEY, role TEXT, cohort_id INTEGER REFERENCES cohorts(id),
            created_by INTEGER, created_at TEXT NOT NULL, used_by INTEGER, used_at TEXT);
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            set_id TEXT NOT NULL, set_version INTEGER NOT NULL, exercise_id TEXT NOT NULL,
            type TEXT NOT NULL, answer TEXT NOT NULL, score REAL NOT NULL,
            result TEXT NOT NULL, created_at TEXT NOT NULL, update_id INTEGER);
        CREATE INDEX attempts_user ON attempts(user_id, created_at);
        CREATE TABLE mastery (
            user_id INTEGER NOT NULL REFERENCES users(id), outcome_id TEXT NOT NULL,
            value REAL NOT NULL, attempts INTEGER NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, outcome_id));
        CREATE TABLE projects (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, deadline TEXT NOT NULL,
            reminders TEXT NOT NULL, rubric TEXT, outcomes TEXT NOT NULL,
            cohort_id INTEGER REFERENCES cohorts(id), created_by INTEGER,
            created_at TEXT NOT NULL);
        CREATE TABLE extensions (
            project_id TEXT NOT NULL REFERENCES projects(id), user_id INTEGER NOT NULL,
            deadline TEXT NOT NULL, granted_by INTEGER, PRIMARY KEY (project_id, user_id));
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
            user_id INTEGER NOT NULL REFERENCES users(id), text TEXT, file_id TEXT,
            file_name TEXT, submitted_at TEXT NOT NULL, late INTEGER NOT NULL);
        CREATE TABLE grades (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            reviewer_id INTEGER NOT NULL, criteria TEXT NOT NULL, score REAL NOT NULL,
            comment TEXT, created_at TEXT NOT NULL, PRIMARY KEY (submission_id, reviewer_id));
        CREATE TABLE reminders_sent (
            project_id TEXT NOT NULL, user_id INTEGER NOT NULL, lead_minutes INTEGER NOT NULL,
            sent_at TEXT NOT NULL, PRIMARY KEY (project_id, user_id, lead_minutes));
        CREATE TABLE processed_updates (update_id INTEGER PRIMARY KEY, processed_at TEXT NOT NULL);
        """,
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1]


@dataclass(frozen=True)
class SetInfo:
    id: str
    version: int
    title: dict[str, str]
    language_pair: str
    exercise_count: int
    imported_at: str
    retired: bool


@dataclass(frozen=True)
class ImportReceipt:
    set_id: str
    version: int
    exercise_count: int
    unchanged: bool


class Storage:
    """Owns the SQLite file. Create with `Storage.open(path)` or `Storage.memory()`."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @classmethod
    def open(cls, path: str | Path) -> Storage:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA busy_timeout = 5000")
        return cls(db)

    @classmethod
    def memory(cls) -> Storage:
        return cls(sqlite_utils.Database(memory=True))

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        for number, migration in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.db.atomic():
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {int(number)}")

    # -- content -----------------------------------------------------------------------------

    def save_course(self, course: Course) -> None:
        now = _iso(utcnow())
        with self.db.atomic():
            self.db.table("courses").upsert(
                {
                    "id": course.id,
                    "title": _json(course.title.model_dump()),
                    "mastery_threshold": course.mastery_threshold,
                    "min_attempts": course.min_attempts,
                    "data": course.model_dump_json(),
                    "updated_at": now,
                },
                pk="id",
            )
            self.db.execute("DELETE FROM outcomes WHERE course_id = ?", [course.id])
            self.db.table("outcomes").insert_all(
                {
                    "course_id": course.id,
                    "id": o.id,
                    "position": i,
                    "title": _json(o.title.model_dump()),
                }
                for i, o in enumerate(course.outcomes)
            )

    def import_set(
        self,
        exercise_set: ExerciseSet,
        *,
        source_file: str = "",
        encoding: str = "",
        imported_by: int | None = None,
    ) -> ImportReceipt:
        """Store a validated set as its next version (an identical re-import stores nothing).

        Earlier versions stay, so attempts keep pointing at the exercise text they answered.
        """
        data = exercise_set.model_dump_json()
        checksum = hashlib.sha256(data.encode()).hexdigest()
        with self.db.atomic():
            latest = self.db.execute(
                "SELECT version, checksum, retired FROM exercise_sets WHERE id = ? "
                "ORDER BY version DESC LIMIT 1",
                [exercise_set.id],
            ).fetchone()
            count = len(exercise_set.exercises)
            if latest and latest[1] == checksum and not latest[2]:
                return ImportReceipt(exercise_set.id, latest[0], count, unchanged=True)
            version = (latest[0] + 1) if latest else 1
            self.db.table("exercise_sets").insert(
                {
                    "id": exercise_set.id,
                    "version": version,
                    "title": _json(exercise_set.title.model_dump()),
                    "language_pair": exercise_set.language_pair,
                    "rubric": exercise_set.rubric,
                    "source_file": source_file,
                    "encoding": encoding,
                    "checksum": checksum,
                    "exercise_count": count,
                    "imported_at": _iso(utcnow()),
                    "imported_by": imported_by,
                    "retired": 0,
                    "data": data,
                }
            )
            self.db.table("exercises").insert_all(
                {
                    "set_id": exercise_set.id,
                    "set_version": version,
                    "id": exercise.id,
                    "position": position,
                    "type": exercise.type.value,
                    "difficulty": exercise.difficulty,
                    "outcomes": _json(exercise_set.outcomes_of(exercise)),
                    "data": exercise.model_dump_json(),
                }
                for position, exercise in enumerate(exercise_set.exercises)
            )
        return ImportReceipt(exercise_set.id, version, count, unchanged=False)

    def retire_set(self, set_id: str) -> bool:
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE exercise_sets SET retired = 1 WHERE id = ? AND retired = 0", [set_id]
            )
        return cursor.rowcount > 0

    def sets(self, include_retired: bool = False) -> list[SetInfo]:
        """The latest version of every set."""
        rows = self.db.execute(
            "SELECT id, version, title, language_pair, exercise_count, imported_at, retired "
            "FROM exercise_sets s WHERE version = "
            "(SELECT MAX(version) FROM exercise_sets WHERE id = s.id) ORDER BY id"
        ).fetchall()
        return [
            SetInfo(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], bool(r[6]))
            for r in rows
            if include_retired or not r[6]
        ]

    def exercise_set(self, set_id: str, version: int | None = None) -> ExerciseSet | None:
        if version is None:
            row = self.db.execute(
                "SELECT data FROM exercise_sets WHERE id = ? ORDER BY version DESC LIMIT 1",
                [set_id],
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT data FROM exercise_sets WHERE id = ? AND version = ?", [set_id, version]
            ).fetchone()
        return ExerciseSet.model_validate_json(row[0]) if row else None

    def set_versions(self, set_id: str) -> list[int]:
        rows = self.db.execute(
            "SELECT version FROM exercise_sets WHERE id = ? ORDER BY version", [set_id]
        ).fetchall()
        return [r[0] for r in rows]

    def count(self, table: str) -> int:
        return self.db.table(table).count
