"""The one module that talks to the database (SQLite through sqlite-utils).

The schema is created and migrated on open by numbered migrations recorded in
`PRAGMA user_version`. WAL mode with `synchronous=NORMAL`; every method that writes commits
before it returns, so whatever a reply confirms is on disk. sqlite-utils connections are
bound to the thread that opened them: the bot runs all storage calls on one worker thread.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from transtutor.content.models import Course, ExerciseSet
from transtutor.learning.mastery import OutcomeMastery, empty
from transtutor.projects.grading import MAX_REVIEWERS, Rating, combine, from_json, to_json


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


def _migration_2(db: sqlite_utils.Database) -> None:
    """Practice state: recency-weighted mastery sums, the open exercise, skips."""
    _run_script(
        db,
        """
        ALTER TABLE mastery ADD COLUMN evidence_sum REAL NOT NULL DEFAULT 0;
        ALTER TABLE mastery ADD COLUMN evidence_weight REAL NOT NULL DEFAULT 0;
        CREATE TABLE sessions (
            user_id INTEGER PRIMARY KEY REFERENCES users(id), token INTEGER NOT NULL,
            set_id TEXT NOT NULL, set_version INTEGER NOT NULL, exercise_id TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT '{}', opened_at TEXT NOT NULL);
        CREATE TABLE skips (
            user_id INTEGER NOT NULL REFERENCES users(id), set_id TEXT NOT NULL,
            exercise_id TEXT NOT NULL, skipped_at TEXT NOT NULL);
        CREATE INDEX skips_user ON skips(user_id, skipped_at);
        CREATE INDEX attempts_exercise ON attempts(user_id, set_id, exercise_id)
        """,
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """Projects at work: what a user's next message is for, reminder waves, submission lookups."""
    _run_script(
        db,
        """
        CREATE TABLE inputs (
            user_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}', since TEXT NOT NULL);
        CREATE TABLE reminder_waves (
            project_id TEXT NOT NULL, user_id INTEGER NOT NULL, lead_minutes INTEGER NOT NULL,
            done_at TEXT NOT NULL, PRIMARY KEY (project_id, user_id, lead_minutes));
        ALTER TABLE submissions ADD COLUMN update_id INTEGER;
        CREATE INDEX submissions_project ON submissions(project_id, user_id, submitted_at);
        CREATE INDEX grades_reviewer ON grades(reviewer_id)
        """,
    )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Coordinator reports: digests sent (one per coordinator and period)."""
    _run_script(
        db,
        """
        CREATE TABLE digests_sent (
            period TEXT NOT NULL, user_id INTEGER NOT NULL, sent_at TEXT NOT NULL,
            PRIMARY KEY (period, user_id))
        """,
    )


def _migration_5(db: sqlite_utils.Database) -> None:
    """Updates recorded before they are handled (crash safety, redelivery ignored)."""
    _run_script(
        db,
        """
        DROP TABLE processed_updates;
        CREATE TABLE updates (
            update_id INTEGER PRIMARY KEY, user_id INTEGER, data TEXT NOT NULL,
            received_at TEXT NOT NULL, done_at TEXT);
        CREATE INDEX updates_pending ON updates(update_id) WHERE done_at IS NULL;
        CREATE INDEX updates_user ON updates(user_id)
        """,
    )


def _migration_6(db: sqlite_utils.Database) -> None:
    """A handled update keeps only its id: who sent it is dropped with its text."""
    db.execute("UPDATE updates SET user_id = NULL WHERE done_at IS NOT NULL")


def _migration_7(db: sqlite_utils.Database) -> None:
    """One table for messages nobody asked for (reminders, digests), each claimed before it
    is sent and confirmed after: a claim left unconfirmed by a crashed run is sent again."""
    _run_script(
        db,
        """
        CREATE TABLE deliveries (
            key TEXT NOT NULL, user_id INTEGER NOT NULL, claimed_by TEXT NOT NULL DEFAULT '',
            claimed_at TEXT NOT NULL, sent_at TEXT, PRIMARY KEY (key, user_id));
        CREATE INDEX deliveries_user ON deliveries(user_id);
        INSERT INTO deliveries (key, user_id, claimed_at, sent_at)
            SELECT 'reminder:' || project_id || ':' || lead_minutes, user_id, sent_at, sent_at
            FROM reminders_sent;
        INSERT INTO deliveries (key, user_id, claimed_at, sent_at)
            SELECT 'digest:' || period, user_id, sent_at, sent_at FROM digests_sent;
        DROP TABLE reminders_sent;
        DROP TABLE digests_sent
        """,
    )


def _migration_8(db: sqlite_utils.Database) -> None:
    """Where a role came from (configuration is authoritative at every start; roles given in
    chat are kept), role invitations that expire, updates skipped as unreadable, feedback owed
    to a learner whose reply could not be sent."""
    _run_script(
        db,
        """
        ALTER TABLE users ADD COLUMN role_source TEXT;
        ALTER TABLE users ADD COLUMN chat_role TEXT;
        UPDATE users SET role_source = 'legacy', chat_role = role WHERE role != 'student';
        ALTER TABLE invites ADD COLUMN expires_at TEXT;
        UPDATE invites SET expires_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+7 days')
            WHERE role IS NOT NULL;
        ALTER TABLE updates ADD COLUMN skipped TEXT;
        ALTER TABLE attempts ADD COLUMN feedback_owed INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX attempts_owed ON attempts(user_id) WHERE feedback_owed = 1
        """,
    )


def _migration_9(db: sqlite_utils.Database) -> None:
    # A changed course.yaml (outcomes added, titles edited) is stored as the course's next
    # version, so `import` can say what it did.
    db.execute("ALTER TABLE courses ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
]

# Where a person's own data lives, for /mydata and /forget: (table, rows that are theirs).
# Order matters for deleting (grades before their submissions, the users row last).
OWN_ROWS = (
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
)
JSON_COLUMNS = frozenset({"result", "state", "data", "criteria", "title", "reminders", "outcomes"})


def reminder_key(project_id: str, lead_minutes: int | None) -> str:
    """The delivery key of a reminder (with lead None: the prefix of all of a project's)."""
    return f"reminder:{project_id}:" + ("" if lead_minutes is None else str(lead_minutes))


# How many handled update ids are remembered to recognise a redelivery (Telegram redelivers only
# updates it has not seen confirmed, which are recent).
REMEMBERED_UPDATES = 100_000


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    language: str
    role: str
    cohort_id: int | None
    created: bool = False  # True when this call registered the user
    feedback_owed: bool = False  # an answer's feedback could not be sent (see owe_feedback)


@dataclass
class RoleChanges:
    """What making the database agree with the configured roles changed."""

    revoked: list[tuple[int, str, str]] = field(default_factory=list)  # id, was, now
    kept: list[tuple[int, str]] = field(default_factory=list)  # pre-tracking roles kept


@dataclass(frozen=True)
class RoleHolder:
    user_id: int
    name: str
    role: str
    source: str  # "config" or "chat"


@dataclass(frozen=True)
class InviteRecord:
    code: str
    role: str
    created_by: int | None
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class OpenExercise:
    """The exercise a learner is answering; `token` changes with every new exercise."""

    token: int
    set_id: str
    set_version: int
    exercise_id: str
    state: dict[str, Any]


@dataclass(frozen=True)
class RecordedAttempt:
    set_id: str
    set_version: int
    exercise_id: str
    result: dict[str, Any]  # ScoreResult.to_dict() + evidence + mastery before/after


@dataclass(frozen=True)
class PastAttempt:
    set_id: str
    exercise_id: str
    score: float
    at: str


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


@dataclass(frozen=True)
class ProjectRecord:
    id: str
    title: str
    deadline: datetime  # aware
    leads: tuple[int, ...]  # reminder lead times in minutes, longest first
    rubric: str
    outcomes: tuple[str, ...]
    cohort_id: int | None = None


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    project_id: str
    user_id: int
    text: str | None
    file_id: str | None
    file_name: str | None
    submitted_at: datetime
    late: bool


@dataclass(frozen=True)
class ReviewRecord:
    reviewer_id: int
    reviewer_name: str
    ratings: list[Rating]
    score: float
    comment: str
    at: str


@dataclass(frozen=True)
class PendingInput:
    """What a user's next message is for: project work (`submission`) or a review comment."""

    user_id: int
    kind: str
    ref: str
    data: dict[str, Any]
    since: datetime


@dataclass(frozen=True)
class Recipient:
    user_id: int
    name: str
    language: str


@dataclass(frozen=True)
class CohortRecord:
    id: int
    name: str
    code: str
    learners: int


@dataclass(frozen=True)
class WorkFacts:
    """A learner's latest submission to one project and its reviews."""

    submitted_at: datetime
    late: bool
    reviews: int
    score: float | None  # mean of the review grades, 0..100


@dataclass(frozen=True)
class LearnerFacts:
    """What the reports know about one learner, read in a few set-wise queries."""

    id: int
    name: str
    role: str
    cohort_id: int | None
    cohort: str | None
    language: str
    joined: datetime
    attempts: int
    recent_attempts: int  # since the `since` the facts were read with
    last_attempt: datetime | None
    last_submission: datetime | None
    last_active: datetime | None  # the later of the two above
    mastery: dict[str, OutcomeMastery]
    work: dict[str, WorkFacts]  # project id -> latest submission


@dataclass(frozen=True)
class AttemptLine:
    exercise_id: str
    type: str
    score: float
    at: datetime


class StorageUnusable(Exception):
    """The database file cannot be used: not SQLite, from a newer version, cannot be created."""


class Storage:
    """Owns the SQLite file. Create with `Storage.open(path)` or `Storage.memory()`."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.run = secrets.token_hex(8)  # this process's claims, told apart from a dead one's
        db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @classmethod
    def open(cls, path: str | Path) -> Storage:
        """Open (or create) the database file. The directory must exist: a mistyped path must
        not quietly start an empty database. Raises StorageUnusable with the reason."""
        path = Path(path)
        if path.is_dir():
            raise StorageUnusable(f"{path} is a directory, not a database file")
        if not path.parent.is_dir():
            raise StorageUnusable(f"the directory {path.parent} does not exist")
        try:
            db = sqlite_utils.Database(path)
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA busy_timeout = 5000")
            # Deleted rows are overwritten, not just unlinked: /forget leaves no text in the file.
            db.execute("PRAGMA secure_delete = ON")
            return cls(db)
        except StorageUnusable as exc:
            db.close()
            raise StorageUnusable(f"{path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            reason = str(exc)
            if "not a database" in reason:
                reason = "the file is not a transtutor (SQLite) database"
            elif "unable to open" in reason or "readonly" in reason:
                reason = f"cannot open or write it ({reason}); is its directory writable?"
            raise StorageUnusable(f"{path}: {reason}") from None

    @classmethod
    def open_reader(cls, path: str | Path) -> Storage:
        """A second, read-only connection for long reports: with WAL it reads a consistent
        snapshot while the writer carries on."""
        storage = cls.open(path)
        storage.db.execute("PRAGMA query_only = ON")
        return storage

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
        if current > len(MIGRATIONS):
            raise StorageUnusable(
                f"written by a newer transtutor (schema {current}; this version knows up to "
                f"{len(MIGRATIONS)}): upgrade transtutor, or use another database file"
            )
        for number, migration in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.db.atomic():
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {int(number)}")

    # -- content -----------------------------------------------------------------------------

    def save_course(self, course: Course) -> int:
        """Store the course; a changed one becomes its next version. Returns the version."""
        now = _iso(utcnow())
        data = course.model_dump_json()
        with self.db.atomic():
            row = self.db.execute(
                "SELECT data, version FROM courses WHERE id = ?", [course.id]
            ).fetchone()
            if row is not None and row[0] == data:
                return int(row[1])
            version = 1 if row is None else int(row[1]) + 1
            self.db.table("courses").upsert(
                {
                    "id": course.id,
                    "title": _json(course.title.model_dump()),
                    "mastery_threshold": course.mastery_threshold,
                    "min_attempts": course.min_attempts,
                    "data": data,
                    "updated_at": now,
                    "version": version,
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
        return version

    def stored_course(self) -> tuple[Course, int] | None:
        """The course this database holds and its version (the latest saved, should an old
        database hold several)."""
        row = self.db.execute(
            "SELECT data, version FROM courses ORDER BY updated_at DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (Course.model_validate_json(row[0]), int(row[1]))

    def outcome_evidence(self) -> dict[str, tuple[int, int]]:
        """Per outcome with stored evidence: (learners, pieces of evidence)."""
        rows = self.db.execute(
            "SELECT outcome_id, COUNT(*), SUM(attempts) FROM mastery GROUP BY outcome_id"
        ).fetchall()
        return {str(o): (int(n), int(total or 0)) for o, n, total in rows}

    def import_set(
        self,
        exercise_set: ExerciseSet,
        *,
        source_file: str = "",
        encoding: str = "",
        imported_by: int | None = None,
        only_if_new: bool = False,
    ) -> ImportReceipt:
        """Store a validated set as its next version (an identical re-import stores nothing).

        Earlier versions stay, so attempts keep pointing at the exercise text they answered.
        With `only_if_new` (content loaded at start), content that any earlier version already
        had is skipped, so a newer version uploaded in the chat, or a retirement, survives a
        restart.
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
            if (
                latest
                and only_if_new
                and self.db.execute(
                    "SELECT 1 FROM exercise_sets WHERE id = ? AND checksum = ?",
                    [exercise_set.id, checksum],
                ).fetchone()
            ):
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
        """The latest version of every set (students get the ones not retired)."""
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

    # -- learners ----------------------------------------------------------------------------

    def touch_user(
        self, user_id: int, name: str, language: str, now: datetime, role: str = "student"
    ) -> UserRecord:
        """Register a new user (with the given language and role) or note that they were seen."""
        with self.db.atomic():
            row = self.db.execute(
                "SELECT name, language, role, cohort_id, EXISTS (SELECT 1 FROM attempts "
                "WHERE user_id = users.id AND feedback_owed = 1) FROM users WHERE id = ?",
                [user_id],
            ).fetchone()
            if row is None:
                self.db.execute(
                    "INSERT INTO users (id, name, language, role, created_at, last_seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [user_id, name, language, role, _iso(now), _iso(now)],
                )
                return UserRecord(user_id, name, language, role, None, created=True)
            # A user registered before writing (a role given by id) gets their language now.
            self.db.execute(
                "UPDATE users SET name = ?, last_seen_at = ?, language = COALESCE(language, ?) "
                "WHERE id = ?",
                [name, _iso(now), language, user_id],
            )
        return UserRecord(user_id, name, row[1] or language, row[2], row[3], False, bool(row[4]))

    def set_language(self, user_id: int, language: str) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])

    def set_role(self, user_id: int, role: str, now: datetime | None = None) -> str:
        """Give a user a role in chat (/grant, an invitation); a user who never wrote to the
        bot is registered for it. A role from configuration stays in force while configured
        (the chat role takes over when it is not); returns the role in force."""
        chat_role = None if role == "student" else role
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO users (id, name, language, role, role_source, chat_role, created_at) "
                "VALUES (:id, '', NULL, :role, :source, :chat_role, :now) "
                "ON CONFLICT(id) DO UPDATE SET chat_role = :chat_role, "
                "role = CASE WHEN role_source = 'config' THEN role ELSE :role END, "
                "role_source = CASE WHEN role_source = 'config' THEN 'config' ELSE :source END",
                {
                    "id": user_id,
                    "role": role,
                    "source": "chat" if chat_role else None,
                    "chat_role": chat_role,
                    "now": _iso(now or utcnow()),
                },
            )
            row = self.db.execute("SELECT role FROM users WHERE id = ?", [user_id]).fetchone()
        return str(row[0])

    def apply_configured_roles(self, configured: dict[int, str], now: datetime) -> RoleChanges:
        """Make the database agree with the configured roles: configured users get their role;
        a role that came from configuration and is configured no more is revoked (the user
        falls back to a role given in chat, or student). Roles from before role sources were
        recorded count as configuration when configured, and as given in chat otherwise."""
        changes = RoleChanges()
        with self.db.atomic():
            rows = self.db.execute(
                "SELECT id, role, role_source, chat_role FROM users "
                "WHERE role_source IN ('config', 'legacy')"
            ).fetchall()
            for user_id, role, source, chat_role in rows:
                if source == "legacy":
                    if user_id in configured:
                        chat_role = None  # it was copied from configuration
                        self.db.execute("UPDATE users SET chat_role = NULL WHERE id = ?", [user_id])
                    else:
                        self.db.execute(
                            "UPDATE users SET role_source = 'chat' WHERE id = ?", [user_id]
                        )
                        changes.kept.append((user_id, role))
                        continue
                if user_id not in configured:
                    fallback = chat_role or "student"
                    self.db.execute(
                        "UPDATE users SET role = ?, role_source = ? WHERE id = ?",
                        [fallback, "chat" if chat_role else None, user_id],
                    )
                    changes.revoked.append((user_id, role, fallback))
            for user_id, role in configured.items():
                self.db.execute(
                    "INSERT INTO users (id, name, language, role, role_source, created_at) "
                    "VALUES (?, '', NULL, ?, 'config', ?) ON CONFLICT(id) DO UPDATE SET "
                    "role = excluded.role, role_source = 'config'",
                    [user_id, role, _iso(now)],
                )
        return changes

    def role_holders(self) -> list[RoleHolder]:
        """Everyone with a role other than student, strongest role first."""
        rows = self.db.execute(
            "SELECT id, name, role, role_source FROM users WHERE role != 'student' "
            "ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'coordinator' THEN 1 ELSE 2 END, id"
        ).fetchall()
        return [RoleHolder(r[0], r[1] or "", r[2], r[3] or "chat") for r in rows]

    def create_invite(
        self,
        code: str,
        role: str | None,
        cohort_id: int | None,
        created_by: int | None,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO invites (code, role, cohort_id, created_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [code, role, cohort_id, created_by, _iso(now), expires_at and _iso(expires_at)],
            )

    def redeem_invite(self, code: str, user_id: int, now: datetime) -> str | None:
        """Use a one-time role invite: the role it gave, or None if unknown, already used,
        cancelled or expired."""
        with self.db.atomic():
            row = self.db.execute(
                "SELECT role FROM invites WHERE code = ? AND used_by IS NULL AND role IS NOT NULL "
                "AND (expires_at IS NULL OR expires_at > ?)",
                [code, _iso(now)],
            ).fetchone()
            if row is None:
                return None
            self.db.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?",
                [user_id, _iso(now), code],
            )
            self.set_role(user_id, row[0], now)
        return str(row[0])

    def open_invites(self, now: datetime) -> list[InviteRecord]:
        """Role invitations not used, cancelled or expired, oldest first."""
        rows = self.db.execute(
            "SELECT code, role, created_by, created_at, expires_at FROM invites "
            "WHERE role IS NOT NULL AND used_by IS NULL AND (expires_at IS NULL OR expires_at > ?) "
            "ORDER BY created_at",
            [_iso(now)],
        ).fetchall()
        return [
            InviteRecord(
                r[0],
                r[1],
                r[2],
                datetime.fromisoformat(r[3]),
                datetime.fromisoformat(r[4]) if r[4] else None,
            )
            for r in rows
        ]

    def cancel_invite(self, code: str, now: datetime) -> bool:
        """End an open role invitation at once (it expires now); False if none is open."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE invites SET expires_at = ? WHERE code = ? AND role IS NOT NULL "
                "AND used_by IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                [_iso(now), code, _iso(now)],
            )
        return cursor.rowcount == 1

    def cohort_by_code(self, code: str) -> tuple[int, str] | None:
        row = self.db.execute("SELECT id, name FROM cohorts WHERE code = ?", [code]).fetchone()
        return (row[0], row[1]) if row else None

    def create_cohort(self, name: str, code: str, created_by: int | None, now: datetime) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO cohorts (name, code, created_by, created_at) VALUES (?, ?, ?, ?)",
                [name, code, created_by, _iso(now)],
            )
        return int(cursor.lastrowid or 0)

    def join_cohort(self, user_id: int, cohort_id: int) -> None:
        with self.db.atomic():
            self.db.execute("UPDATE users SET cohort_id = ? WHERE id = ?", [cohort_id, user_id])

    # -- practice ----------------------------------------------------------------------------

    def open_exercise(
        self, user_id: int, set_id: str, set_version: int, exercise_id: str, now: datetime
    ) -> OpenExercise:
        """Make this the learner's open exercise (replacing any other)."""
        with self.db.atomic():
            previous = self.db.execute(
                "SELECT token FROM sessions WHERE user_id = ?", [user_id]
            ).fetchone()
            token = (previous[0] + 1) if previous else 1
            self.db.execute(
                "INSERT OR REPLACE INTO sessions (user_id, token, set_id, set_version, "
                "exercise_id, state, opened_at) VALUES (?, ?, ?, ?, ?, '{}', ?)",
                [user_id, token, set_id, set_version, exercise_id, _iso(now)],
            )
        return OpenExercise(token, set_id, set_version, exercise_id, {})

    def open_exercise_of(self, user_id: int) -> OpenExercise | None:
        row = self.db.execute(
            "SELECT token, set_id, set_version, exercise_id, state FROM sessions "
            "WHERE user_id = ? AND exercise_id != ''",
            [user_id],
        ).fetchone()
        if row is None:
            return None
        return OpenExercise(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def save_state(self, user_id: int, token: int, state: dict[str, Any]) -> bool:
        """Store the step state of the open exercise; False if that exercise is no longer open."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE sessions SET state = ? WHERE user_id = ? AND token = ? "
                "AND exercise_id != ''",
                [_json(state), user_id, token],
            )
        return cursor.rowcount == 1

    def _close(self, user_id: int, token: int) -> bool:
        # The row stays (with no exercise) so the next token keeps counting up.
        cursor = self.db.execute(
            "UPDATE sessions SET exercise_id = '', state = '{}' "
            "WHERE user_id = ? AND token = ? AND exercise_id != ''",
            [user_id, token],
        )
        return cursor.rowcount == 1

    def skip_exercise(self, user_id: int, token: int, now: datetime) -> bool:
        with self.db.atomic():
            current = self.open_exercise_of(user_id)
            if current is None or current.token != token or not self._close(user_id, token):
                return False
            self.db.execute(
                "INSERT INTO skips (user_id, set_id, exercise_id, skipped_at) VALUES (?, ?, ?, ?)",
                [user_id, current.set_id, current.exercise_id, _iso(now)],
            )
        return True

    def record_attempt(
        self,
        user_id: int,
        opened: OpenExercise,
        exercise_type: str,
        answer: str,
        score: float,
        result: dict[str, Any],
        evidence: dict[str, float],
        now: datetime,
        update_id: int | None = None,
    ) -> tuple[dict[str, float], dict[str, float]] | None:
        """Store a graded attempt and its mastery update in one transaction, closing the
        exercise. Returns mastery before and after for the evidenced outcomes, or None if that
        exercise was no longer open (answered already, skipped or replaced): then nothing is
        written."""
        with self.db.atomic():
            if not self._close(user_id, opened.token):
                return None
            current = self.mastery(user_id)
            updated = {
                outcome: current.get(outcome, empty(outcome)).updated(value)
                for outcome, value in evidence.items()
            }
            before = {o: current[o].value if o in current else 0.0 for o in updated}
            after = {o: record.value for o, record in updated.items()}
            stored = {**result, "evidence": evidence, "mastery": {"before": before, "after": after}}
            self.db.execute(
                "INSERT INTO attempts (user_id, set_id, set_version, exercise_id, type, answer, "
                "score, result, created_at, update_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    user_id,
                    opened.set_id,
                    opened.set_version,
                    opened.exercise_id,
                    exercise_type,
                    answer,
                    score,
                    _json(stored),  # evidence: replayed by _rebuild_mastery; all: by replies
                    _iso(now),
                    update_id,
                ],
            )
            for outcome, record in updated.items():
                self.db.execute(
                    "INSERT OR REPLACE INTO mastery (user_id, outcome_id, value, attempts, "
                    "updated_at, evidence_sum, evidence_weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        user_id,
                        outcome,
                        record.value,
                        record.attempts,
                        _iso(now),
                        record.evidence_sum,
                        record.evidence_weight,
                    ],
                )
        return before, after

    def attempt_for_update(self, user_id: int, update_id: int) -> RecordedAttempt | None:
        """The attempt an update already recorded (it is being handled again after a crash)."""
        row = self.db.execute(
            "SELECT set_id, set_version, exercise_id, result FROM attempts "
            "WHERE user_id = ? AND update_id = ? ORDER BY id DESC LIMIT 1",
            [user_id, update_id],
        ).fetchone()
        return RecordedAttempt(row[0], row[1], row[2], json.loads(row[3])) if row else None

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
        rows = self.db.execute(
            "SELECT id, set_id, set_version, exercise_id, result FROM attempts "
            "WHERE user_id = ? AND feedback_owed = 1 ORDER BY id",
            [user_id],
        ).fetchall()
        return [(r[0], RecordedAttempt(r[1], r[2], r[3], json.loads(r[4]))) for r in rows]

    def feedback_sent(self, attempt_ids: list[int]) -> None:
        with self.db.atomic():
            for attempt_id in attempt_ids:
                self.db.execute("UPDATE attempts SET feedback_owed = 0 WHERE id = ?", [attempt_id])

    def mastery(self, user_id: int) -> dict[str, OutcomeMastery]:
        rows = self.db.execute(
            "SELECT outcome_id, value, attempts, evidence_sum, evidence_weight FROM mastery "
            "WHERE user_id = ?",
            [user_id],
        ).fetchall()
        return {r[0]: OutcomeMastery(r[0], r[1], r[2], r[3], r[4]) for r in rows}

    def attempts_of(self, user_id: int) -> list[PastAttempt]:
        rows = self.db.execute(
            "SELECT set_id, exercise_id, score, created_at FROM attempts WHERE user_id = ? "
            "ORDER BY id",
            [user_id],
        ).fetchall()
        return [PastAttempt(*r) for r in rows]

    def attempt_count(self, user_id: int) -> int:
        row = self.db.execute("SELECT COUNT(*) FROM attempts WHERE user_id = ?", [user_id])
        return int(row.fetchone()[0])

    def recent_skips(self, user_id: int, since: datetime) -> set[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT set_id, exercise_id FROM skips WHERE user_id = ? AND skipped_at >= ?",
            [user_id, _iso(since)],
        ).fetchall()
        return {(r[0], r[1]) for r in rows}

    # -- projects ----------------------------------------------------------------------------

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
                    _iso(project.deadline),
                    _json(list(project.leads)),
                    project.rubric,
                    _json(list(project.outcomes)),
                    project.cohort_id,
                    created_by,
                    _iso(now),
                ],
            )
        return True

    _PROJECT_COLUMNS = "id, title, deadline, reminders, rubric, outcomes, cohort_id"

    @staticmethod
    def _project(row: Any) -> ProjectRecord:
        return ProjectRecord(
            row[0],
            row[1],
            datetime.fromisoformat(row[2]),
            tuple(json.loads(row[3])),
            row[4] or "",
            tuple(json.loads(row[5])),
            row[6],
        )

    def project(self, project_id: str) -> ProjectRecord | None:
        """A project by id, ignoring case (students type `p1` for `P1`)."""
        row = self.db.execute(
            f"SELECT {self._PROJECT_COLUMNS} FROM projects WHERE id = ? COLLATE NOCASE",
            [project_id],
        ).fetchone()
        return self._project(row) if row else None

    def projects(self) -> list[ProjectRecord]:
        rows = self.db.execute(
            f"SELECT {self._PROJECT_COLUMNS} FROM projects ORDER BY deadline, id"
        ).fetchall()
        return [self._project(r) for r in rows]

    def project_stats(self, project: ProjectRecord) -> tuple[int, int, int]:
        """(students it is for, students who submitted, submissions with at least one review)."""
        students = self.db.execute(
            "SELECT COUNT(*) FROM users WHERE role = 'student' AND (? IS NULL OR cohort_id = ?)",
            [project.cohort_id, project.cohort_id],
        ).fetchone()[0]
        submitted, graded = self.db.execute(
            "SELECT COUNT(DISTINCT user_id), COUNT(DISTINCT g.submission_id) FROM submissions s "
            "LEFT JOIN grades g ON g.submission_id = s.id WHERE s.project_id = ?",
            [project.id],
        ).fetchone()
        return int(students), int(submitted), int(graded)

    def user(self, user_id: int) -> UserRecord | None:
        row = self.db.execute(
            "SELECT id, COALESCE(name, ''), COALESCE(language, 'en'), role, cohort_id FROM users "
            "WHERE id = ?",
            [user_id],
        ).fetchone()
        return UserRecord(*row) if row else None

    def extend(
        self, project_id: str, user_id: int, deadline: datetime, granted_by: int | None
    ) -> None:
        """A personal deadline; reminders already sent for the old one no longer count."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO extensions (project_id, user_id, deadline, granted_by) "
                "VALUES (?, ?, ?, ?)",
                [project_id, user_id, _iso(deadline), granted_by],
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
        rows = self.db.execute("SELECT project_id, user_id, deadline FROM extensions").fetchall()
        return [(r[0], r[1], datetime.fromisoformat(r[2])) for r in rows]

    def deadline_for(self, project: ProjectRecord, user_id: int) -> tuple[datetime, bool]:
        """The user's deadline for the project and whether it is an extension."""
        row = self.db.execute(
            "SELECT deadline FROM extensions WHERE project_id = ? AND user_id = ?",
            [project.id, user_id],
        ).fetchone()
        return (datetime.fromisoformat(row[0]), True) if row else (project.deadline, False)

    # -- submissions and reviews -------------------------------------------------------------

    _SUBMISSION_COLUMNS = "id, project_id, user_id, text, file_id, file_name, submitted_at, late"

    @staticmethod
    def _submission(row: Any) -> SubmissionRecord:
        return SubmissionRecord(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            datetime.fromisoformat(row[6]),
            bool(row[7]),
        )

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
                    _iso(now),
                    int(late),
                    update_id,
                ],
            )
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [user_id])
        return int(cursor.lastrowid or 0)

    def submission(self, submission_id: int) -> SubmissionRecord | None:
        row = self.db.execute(
            f"SELECT {self._SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        ).fetchone()
        return self._submission(row) if row else None

    def latest_submissions(self, user_id: int) -> dict[str, SubmissionRecord]:
        """The user's latest submission per project."""
        rows = self.db.execute(
            f"SELECT {self._SUBMISSION_COLUMNS} FROM submissions WHERE user_id = ? ORDER BY id",
            [user_id],
        ).fetchall()
        return {r[1]: self._submission(r) for r in rows}

    def review_queue(self, reviewer_id: int, project_id: str | None = None) -> list[int]:
        """Ids of submissions this reviewer may review, oldest first: each student's latest per
        project, not the reviewer's own, not reviewed by them, with fewer than two reviews."""
        rows = self.db.execute(
            "SELECT s.id FROM submissions s WHERE s.user_id != :me "
            "AND (:project IS NULL OR s.project_id = :project COLLATE NOCASE) "
            "AND s.id = (SELECT MAX(id) FROM submissions WHERE project_id = s.project_id "
            "AND user_id = s.user_id) "
            "AND NOT EXISTS (SELECT 1 FROM grades WHERE submission_id = s.id "
            "AND reviewer_id = :me) "
            "AND (SELECT COUNT(*) FROM grades WHERE submission_id = s.id) < :most "
            "ORDER BY s.submitted_at, s.id",
            {"me": reviewer_id, "project": project_id, "most": MAX_REVIEWERS},
        ).fetchall()
        return [r[0] for r in rows]

    def reviews(self, submission_id: int) -> list[ReviewRecord]:
        rows = self.db.execute(
            "SELECT g.reviewer_id, COALESCE(u.name, ''), g.criteria, g.score, g.comment, "
            "g.created_at FROM grades g LEFT JOIN users u ON u.id = g.reviewer_id "
            "WHERE g.submission_id = ? ORDER BY g.created_at, g.reviewer_id",
            [submission_id],
        ).fetchall()
        return [
            ReviewRecord(r[0], r[1], from_json(json.loads(r[2])), r[3], r[4] or "", r[5])
            for r in rows
        ]

    def save_review(
        self,
        submission_id: int,
        reviewer_id: int,
        review: list[Rating],
        comment: str,
        now: datetime,
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Store one reviewer's grade and update the student's mastery in one transaction.
        Returns the student's mastery before and after for the outcomes the project evidences."""
        submission = self.submission(submission_id)
        assert submission is not None
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO grades (submission_id, reviewer_id, criteria, score, "
                "comment, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    submission_id,
                    reviewer_id,
                    _json(to_json(review)),
                    combine([review]).score,
                    comment,
                    _iso(now),
                ],
            )
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [reviewer_id])
            before = self.mastery(submission.user_id)
            after = self._rebuild_mastery(submission.user_id)
        outcomes = {o for r in review for o in r.outcomes}
        return (
            {o: before[o].value if o in before else 0.0 for o in outcomes},
            {o: after[o].value if o in after else 0.0 for o in outcomes},
        )

    def _rebuild_mastery(self, user_id: int) -> dict[str, OutcomeMastery]:
        """Replay all of a learner's evidence in time order (attempts and reviewed projects)."""
        events: list[tuple[str, int, int, dict[str, float]]] = [
            (r[0], 0, r[1], json.loads(r[2] or "{}"))
            for r in self.db.execute(
                "SELECT created_at, id, json_extract(result, '$.evidence') FROM attempts "
                "WHERE user_id = ?",
                [user_id],
            ).fetchall()
        ]
        reviewed = self.db.execute(
            "SELECT s.id, MIN(g.created_at) FROM submissions s JOIN grades g "
            "ON g.submission_id = s.id WHERE s.user_id = ? GROUP BY s.id",
            [user_id],
        ).fetchall()
        for submission_id, first_review in reviewed:
            combined = combine(r.ratings for r in self.reviews(submission_id))
            events.append((first_review, 1, submission_id, combined.evidence))
        state: dict[str, OutcomeMastery] = {}
        for _, _, _, evidence in sorted(events):
            for outcome, value in evidence.items():
                state[outcome] = state.get(outcome, empty(outcome)).updated(value)
        self.db.execute("DELETE FROM mastery WHERE user_id = ?", [user_id])
        now = _iso(utcnow())
        self.db.table("mastery").insert_all(
            {
                "user_id": user_id,
                "outcome_id": m.outcome,
                "value": m.value,
                "attempts": m.attempts,
                "updated_at": now,
                "evidence_sum": m.evidence_sum,
                "evidence_weight": m.evidence_weight,
            }
            for m in state.values()
        )
        return state

    # -- what a user's next message is for ---------------------------------------------------

    def set_input(
        self, user_id: int, kind: str, ref: str, data: dict[str, Any], now: datetime
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO inputs (user_id, kind, ref, data, since) "
                "VALUES (?, ?, ?, ?, ?)",
                [user_id, kind, ref, _json(data), _iso(now)],
            )

    def clear_input(self, user_id: int) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM inputs WHERE user_id = ?", [user_id])

    def inputs(self) -> list[PendingInput]:
        rows = self.db.execute("SELECT user_id, kind, ref, data, since FROM inputs").fetchall()
        return [
            PendingInput(r[0], r[1], r[2], json.loads(r[3]), datetime.fromisoformat(r[4]))
            for r in rows
        ]

    # -- reminders ---------------------------------------------------------------------------

    def reminder_recipients(
        self, project: ProjectRecord, lead_minutes: int, user_id: int = 0
    ) -> list[Recipient]:
        """Students still to be reminded: no submission yet, not reminded at this lead. For
        user_id 0, everyone on the project's own deadline; otherwise that extended user."""
        rows = self.db.execute(
            "SELECT u.id, COALESCE(u.name, ''), COALESCE(u.language, 'en') FROM users u "
            "WHERE u.role = 'student' AND (:cohort IS NULL OR u.cohort_id = :cohort) "
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
        ).fetchall()
        return [Recipient(*r) for r in rows]

    def finish_wave(self, project_id: str, user_id: int, lead: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO reminder_waves (project_id, user_id, lead_minutes, "
                "done_at) VALUES (?, ?, ?, ?)",
                [project_id, user_id, lead, _iso(now)],
            )

    def finished_waves(self) -> set[tuple[str, int, int]]:
        rows = self.db.execute(
            "SELECT project_id, user_id, lead_minutes FROM reminder_waves"
        ).fetchall()
        return {(r[0], r[1], r[2]) for r in rows}

    # -- reports -----------------------------------------------------------------------------

    def consistent(self) -> AbstractContextManager[Any]:
        """One transaction around several reads: all of them see the same committed state
        (with WAL, writers carry on meanwhile)."""
        return self.db.atomic()

    def cohorts(self) -> list[CohortRecord]:
        rows = self.db.execute(
            "SELECT c.id, c.name, c.code, (SELECT COUNT(*) FROM users u WHERE u.cohort_id = c.id "
            "AND u.role = 'student') FROM cohorts c ORDER BY c.id"
        ).fetchall()
        return [CohortRecord(*r) for r in rows]

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
        for r in self.db.execute(
            f"SELECT user_id, outcome_id, value, attempts FROM mastery WHERE user_id IN ({chosen})",
            params,
        ):
            mastery.setdefault(r[0], {})[r[1]] = OutcomeMastery(r[1], r[2], r[3])
        work: dict[int, dict[str, WorkFacts]] = {}
        for r in self.db.execute(
            "SELECT s.user_id, s.project_id, s.submitted_at, s.late, COUNT(g.reviewer_id), "
            "AVG(g.score) FROM submissions s LEFT JOIN grades g ON g.submission_id = s.id "
            "WHERE s.id IN (SELECT MAX(id) FROM submissions "
            f"WHERE user_id IN ({chosen}) GROUP BY user_id, project_id) GROUP BY s.id",
            params,
        ):
            work.setdefault(r[0], {})[r[1]] = WorkFacts(
                datetime.fromisoformat(r[2]), bool(r[3]), r[4], r[5]
            )
        facts = []
        # Per-learner index seeks on attempts(user_id, created_at): a few times faster than
        # one grouped scan comparing every attempt's time.
        for r in self.db.execute(
            "SELECT u.id, COALESCE(u.name, ''), u.role, u.cohort_id, c.name, "
            "COALESCE(u.language, 'en'), u.created_at, "
            "(SELECT COUNT(*) FROM attempts a WHERE a.user_id = u.id), "
            "(SELECT COUNT(*) FROM attempts a WHERE a.user_id = u.id AND a.created_at >= ?), "
            "(SELECT MAX(a.created_at) FROM attempts a WHERE a.user_id = u.id) "
            f"FROM users u LEFT JOIN cohorts c ON c.id = u.cohort_id WHERE {who} ORDER BY u.id",
            [_iso(since), *params],
        ):
            count, recent, last = r[7], r[8], r[9]
            projects = work.get(r[0], {})
            last_attempt = datetime.fromisoformat(last) if last else None
            last_submission = max((w.submitted_at for w in projects.values()), default=None)
            moments = [m for m in (last_attempt, last_submission) if m is not None]
            facts.append(
                LearnerFacts(
                    id=r[0],
                    name=r[1],
                    role=r[2],
                    cohort_id=r[3],
                    cohort=r[4],
                    language=r[5],
                    joined=datetime.fromisoformat(r[6]),
                    attempts=count,
                    recent_attempts=recent,
                    last_attempt=last_attempt,
                    last_submission=last_submission,
                    last_active=max(moments) if moments else None,
                    mastery=mastery.get(r[0], {}),
                    work=projects,
                )
            )
        return facts

    def recent_attempts(self, user_id: int, limit: int) -> list[AttemptLine]:
        rows = self.db.execute(
            "SELECT exercise_id, type, score, created_at FROM attempts WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [user_id, limit],
        ).fetchall()
        return [AttemptLine(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]

    def staff(self, roles: tuple[str, ...]) -> list[Recipient]:
        marks = ", ".join("?" for _ in roles)
        rows = self.db.execute(
            "SELECT id, COALESCE(name, ''), COALESCE(language, 'en') FROM users "
            f"WHERE role IN ({marks}) ORDER BY id",
            list(roles),
        ).fetchall()
        return [Recipient(*r) for r in rows]

    # -- deliveries (messages nobody asked for) ----------------------------------------------

    def claim_delivery(self, key: str, user_id: int, now: datetime) -> bool:
        """Take the message `key` to `user_id` before sending it. False when it was sent
        already or another sender of this run holds it; a claim left unconfirmed by an earlier
        run (the bot was killed before the send finished) is taken over."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (key, user_id, claimed_by, claimed_at) "
                "VALUES (?, ?, ?, ?)",
                [key, user_id, self.run, _iso(now)],
            )
            if cursor.rowcount == 1:
                return True
            cursor = self.db.execute(
                "UPDATE deliveries SET claimed_by = ?, claimed_at = ? WHERE key = ? "
                "AND user_id = ? AND sent_at IS NULL AND claimed_by != ?",
                [self.run, _iso(now), key, user_id, self.run],
            )
        return cursor.rowcount == 1

    def confirm_delivery(self, key: str, user_id: int, now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE deliveries SET sent_at = ? WHERE key = ? AND user_id = ?",
                [_iso(now), key, user_id],
            )

    def release_delivery(self, key: str, user_id: int) -> None:
        """Give up a claim whose message could not be sent, so a later run sends it."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM deliveries WHERE key = ? AND user_id = ? AND sent_at IS NULL",
                [key, user_id],
            )

    # -- incoming updates --------------------------------------------------------------------

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
                    [update_id, user_id, data, _iso(now)],
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
                    [update_id, _iso(now), _iso(now), kind],
                )

    def finish_update(self, update_id: int, now: datetime) -> None:
        """Handled: keep only the id (to recognise a redelivery), not the message or sender."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE updates SET done_at = ?, data = '', user_id = NULL WHERE update_id = ?",
                [_iso(now), update_id],
            )

    def pending_updates(self) -> list[tuple[int, str]]:
        """Updates recorded but not handled (the bot stopped on them), oldest first."""
        rows = self.db.execute(
            "SELECT update_id, data FROM updates WHERE done_at IS NULL ORDER BY update_id"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- personal data -----------------------------------------------------------------------

    def _rows(self, sql: str, user_id: int) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, {"user": user_id})
        names = [d[0] for d in cursor.description]
        rows = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            for name in JSON_COLUMNS.intersection(row):
                if isinstance(row[name], str) and row[name][:1] in ("{", "["):
                    row[name] = json.loads(row[name])
            rows.append(row)
        return rows

    def personal_data(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything stored about one user, table by table (read in one transaction)."""
        with self.consistent():
            data = {
                table: self._rows(f"SELECT * FROM {table} WHERE {where}", user_id)
                for table, where in (OWN_ROWS[-1], *OWN_ROWS[:-1])  # the users row first
            }
            for section, table, column, columns in MENTIONS:
                data[section] = self._rows(
                    f"SELECT {columns} FROM {table} WHERE {column} = :user", user_id
                )
        return data

    def forget_user(self, user_id: int) -> dict[str, int]:
        """Delete a user's own rows and take their id out of everyone else's; returns how
        many rows of each table were deleted. Deleted content is overwritten (secure_delete)
        and the write-ahead log emptied, so no copy stays in the files."""
        deleted: dict[str, int] = {}
        with self.db.atomic():
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
