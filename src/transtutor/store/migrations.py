"""The schema: numbered migrations, recorded in `PRAGMA user_version`, each in one transaction.

A migration is never edited once released: a change to the schema is a new number.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import sqlite_utils

from transtutor.store import first_schema
from transtutor.store.connection import StorageUnusable
from transtutor.store.first_schema import run_script

# Scheduled jobs name the function they call; where the old one moved: (new, kind it serves).
MOVED_JOBS = {
    "transtutor.reminders:run_reminder": "reminder",
    "transtutor.digest:run_digest": "digest",
}
RUN_JOB = "transtutor.infra.scheduling:run_job"


def _migration_10(db: sqlite_utils.Database) -> None:
    """The scheduler's jobs (APScheduler keeps them in this file) follow the code's move to
    one job function, `run_job(kind, ...)`: a digest missed while the bot was being upgraded
    is still owed."""
    if "apscheduler_jobs" not in db.table_names():
        return
    for job_id, state in db.execute("SELECT id, job_state FROM apscheduler_jobs").fetchall():
        job = pickle.loads(state)  # our own file, written by APScheduler
        kind = MOVED_JOBS.get(job.get("func", ""))
        if kind is None:
            continue
        job["func"] = RUN_JOB
        job["args"] = (kind, *job.get("args", ()))
        db.execute(
            "UPDATE apscheduler_jobs SET job_state = ? WHERE id = ?",
            [pickle.dumps(job, pickle.HIGHEST_PROTOCOL), job_id],
        )


def _migration_11(db: sqlite_utils.Database) -> None:
    """Issued credentials. A row stays for ever (its status index is never reused, so a
    verifier always gets an answer); /forget empties `user_id` and `json`."""
    run_script(
        db,
        """
        CREATE TABLE recipients (
            user_id INTEGER PRIMARY KEY, recipient_key TEXT NOT NULL, display_name TEXT,
            created_at TEXT NOT NULL);
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY, user_id INTEGER, kind TEXT NOT NULL, outcome_id TEXT,
            list_id TEXT NOT NULL, status_index INTEGER NOT NULL, json TEXT,
            issued_at TEXT NOT NULL, revoked_at TEXT, revoked_reason TEXT, revoked_by INTEGER,
            UNIQUE (list_id, status_index));
        CREATE INDEX credentials_user ON credentials(user_id);
        CREATE TABLE status_lists (
            id TEXT PRIMARY KEY, encoded TEXT NOT NULL, updated_at TEXT NOT NULL)
        """,
    )


def _migration_12(db: sqlite_utils.Database) -> None:
    """AI assistance (issue 15): the learner's switch and notice, the daily request count,
    MT drafts fetched at import (one per exercise and source text), and the second opinion's
    agreement per attempt (counts only, never texts)."""
    run_script(
        db,
        """
        CREATE TABLE ai_learners (
            user_id INTEGER PRIMARY KEY, ai_off INTEGER NOT NULL DEFAULT 0, noticed_at TEXT);
        CREATE TABLE ai_usage (
            user_id INTEGER NOT NULL, day TEXT NOT NULL, requests INTEGER NOT NULL,
            PRIMARY KEY (user_id, day));
        CREATE TABLE ai_drafts (
            set_id TEXT NOT NULL, exercise_id TEXT NOT NULL, source_sha TEXT NOT NULL,
            text TEXT NOT NULL, engine TEXT NOT NULL, fetched_at TEXT NOT NULL,
            PRIMARY KEY (set_id, exercise_id, source_sha));
        CREATE TABLE ai_judgements (
            attempt_id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, matched INTEGER NOT NULL,
            ai_only INTEGER NOT NULL, offline_only INTEGER NOT NULL,
            same_severity INTEGER NOT NULL, dice REAL NOT NULL, created_at TEXT NOT NULL);
        CREATE INDEX ai_judgements_user ON ai_judgements (user_id)
        """,
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    first_schema.migration_1,
    first_schema.migration_2,
    first_schema.migration_3,
    first_schema.migration_4,
    first_schema.migration_5,
    first_schema.migration_6,
    first_schema.migration_7,
    first_schema.migration_8,
    first_schema.migration_9,
    _migration_10,
    _migration_11,
    _migration_12,
]


def migrate(db: sqlite_utils.Database) -> None:
    """Bring the database to the latest schema; refuse one written by a newer version."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise StorageUnusable(
            f"written by a newer transtutor (schema {current}; this version knows up to "
            f"{len(MIGRATIONS)}): upgrade transtutor, or use another database file"
        )
    for number, migration in enumerate(MIGRATIONS, start=1):
        if number <= current:
            continue
        with db.atomic():
            migration(db)
            db.execute(f"PRAGMA user_version = {int(number)}")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
