"""Migrations 1-9: the schema as it grew up to the store split (never edited again)."""

from __future__ import annotations

import sqlite_utils


def run_script(db: sqlite_utils.Database, script: str) -> None:
    # Not executescript(): it commits first, which would break the migration's atomicity.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def migration_1(db: sqlite_utils.Database) -> None:
    run_script(
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


def migration_2(db: sqlite_utils.Database) -> None:
    """Practice state: recency-weighted mastery sums, the open exercise, skips."""
    run_script(
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


def migration_3(db: sqlite_utils.Database) -> None:
    """Projects at work: what a user's next message is for, reminder waves, submission lookups."""
    run_script(
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


def migration_4(db: sqlite_utils.Database) -> None:
    """Coordinator reports: digests sent (one per coordinator and period)."""
    run_script(
        db,
        """
        CREATE TABLE digests_sent (
            period TEXT NOT NULL, user_id INTEGER NOT NULL, sent_at TEXT NOT NULL,
            PRIMARY KEY (period, user_id))
        """,
    )


def migration_5(db: sqlite_utils.Database) -> None:
    """Updates recorded before they are handled (crash safety, redelivery ignored)."""
    run_script(
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


def migration_6(db: sqlite_utils.Database) -> None:
    """A handled update keeps only its id: who sent it is dropped with its text."""
    db.execute("UPDATE updates SET user_id = NULL WHERE done_at IS NOT NULL")


def migration_7(db: sqlite_utils.Database) -> None:
    """One table for messages nobody asked for (reminders, digests), each claimed before it
    is sent and confirmed after: a claim left unconfirmed by a crashed run is sent again."""
    run_script(
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


def migration_8(db: sqlite_utils.Database) -> None:
    """Where a role came from (configuration is authoritative at every start; roles given in
    chat are kept), role invitations that expire, updates skipped as unreadable, feedback owed
    to a learner whose reply could not be sent."""
    run_script(
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


def migration_9(db: sqlite_utils.Database) -> None:
    # A changed course.yaml (outcomes added, titles edited) is stored as the course's next
    # version, so `import` can say what it did.
    db.execute("ALTER TABLE courses ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
