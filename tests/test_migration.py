"""A database written by the previous version (tests/data/previous-version.sqlite, made by
tests/data/make_previous_db.py) opens with this one and keeps every row."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage

from tests.chat import eventually
from tests.conftest import Built
from transtutor.store import Store
from transtutor.store.migrations import MIGRATIONS

PREVIOUS = Path(__file__).parent / "data" / "previous-version.sqlite"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def reschedule(path: Path, job_id: str, when: datetime) -> None:
    """Move a stored job's next run time (the column and the pickled job), so that a test
    does not depend on today's date: the file was made with the next Monday's digest."""
    with sqlite3.connect(path) as db:
        (state,) = db.execute(
            "SELECT job_state FROM apscheduler_jobs WHERE id = ?", (job_id,)
        ).fetchone()
        job = pickle.loads(state)
        job["next_run_time"] = when
        db.execute(
            "UPDATE apscheduler_jobs SET job_state = ?, next_run_time = ? WHERE id = ?",
            (pickle.dumps(job), when.timestamp(), job_id),
        )


def jobs(path: Path) -> dict[str, tuple[str, tuple[object, ...], float]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, job_state, next_run_time FROM apscheduler_jobs").fetchall()
    return {i: (pickle.loads(s)["func"], pickle.loads(s)["args"], t) for i, s, t in rows}


def test_every_row_of_the_previous_version_is_read(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(PREVIOUS, db)
    before = counts(db)
    store = Store.open(db)
    assert store.schema_version == len(MIGRATIONS)
    after = counts(db)
    assert {t: after[t] for t in before} == before  # nothing lost, nothing added
    assert not any(after[t] for t in set(after) - set(before))  # new tables start empty

    course, version = store.content.stored_course() or (None, 0)
    assert course is not None and course.id == "itic" and version == 1
    assert {s.id for s in store.content.sets()} >= {"fintech-zh-en"}
    li = store.learners.user(10)
    assert li is not None and (li.name, li.language, li.cohort_id) == ("Li Ming", "zh", 1)
    assert store.learners.touch_user(10, "Li Ming", "zh", NOW).feedback_owed
    assert [h.user_id for h in store.learners.role_holders()] == [1, 2]
    assert [i.code for i in store.learners.open_invites(NOW)] == ["r-open"]

    assert [a.score for a in store.practice.attempts_of(10)] == [72.5]
    [(_, owed)] = store.practice.owed_feedback(10)
    assert owed.result["mastery"]["after"]["LO1"] > 0
    assert store.practice.mastery(10)["LO1"].attempts == 2  # the attempt and the review
    assert store.practice.recent_skips(10, NOW) == {("fintech-zh-en", "fin-002")}
    opened = store.practice.open_exercise_of(11)
    assert opened is not None and opened.state["marks"][0]["span"] == "x"

    project = store.projects.project("p1")
    assert project is not None and project.leads == (1440, 60) and project.cohort_id == 1
    latest = store.projects.latest_submissions(11)["P1"]
    assert (latest.file_name, latest.late) == ("wang.docx", True)
    assert store.projects.deadline_for(project, 11)[1]
    submission = store.projects.latest_submissions(10)["P1"]
    [review] = store.reviews.reviews(submission.id)
    assert (review.reviewer_name, review.comment, round(review.score)) == (
        "Teacher Zhou",
        "Good",
        75,
    )
    [waiting] = store.awaiting.inputs()
    assert (waiting.user_id, waiting.kind, waiting.data["levels"]) == (2, "review", [3])

    assert store.reminders.finished_waves() == {("P1", 0, 1440)}
    assert not store.reminders.claim_delivery("reminder:P1:1440", 10, NOW)  # sent already
    assert [u for u, _ in store.updates.pending_updates()] == [601]
    assert store.updates.receive_updates([(600, 10, "{}")], NOW) == []  # known: not again
    everything = store.personal.personal_data(10)
    assert everything["users"][0]["name"] == "Li Ming" and everything["grades"]
    store.close()


async def test_the_previous_versions_scheduled_jobs_still_run(
    make_app: Callable[..., Built], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "old.db"
    shutil.copy(PREVIOUS, db)
    reschedule(db, "digest", datetime(2099, 1, 5, 9, 0, tzinfo=SHANGHAI))  # a Monday to come
    old = jobs(db)
    assert old["digest"][0] == "transtutor.digest:run_digest"
    app, _ = make_app(db=db, admins=[1], instructors=[2])
    await app.dispatcher.emit_startup(bot=app.bot)
    await app.dispatcher.emit_shutdown(bot=app.bot)
    assert not [r for r in caplog.records if r.name.startswith("apscheduler")]  # none dropped
    now = jobs(db)
    assert set(now) == set(old)
    assert {func for func, _, _ in now.values()} == {"transtutor.infra.scheduling:run_job"}
    assert now["digest"][1] == ("digest",)
    assert now["digest"][2] == old["digest"][2]  # the next digest keeps its time
    assert now["reminder:P1:11:60"][1] == ("reminder", "P1", 11, 60)


async def test_a_digest_that_fell_due_while_the_bot_was_down_is_sent_at_start(
    make_app: Callable[..., Built], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "old.db"
    shutil.copy(PREVIOUS, db)
    due = datetime.now(UTC) - timedelta(days=1)
    reschedule(db, "digest", due)
    app, session = make_app(db=db, admins=[1], instructors=[2])
    await app.dispatcher.emit_startup(bot=app.bot)
    await eventually(  # the owed run, on the scheduler's first turn, to the admin
        lambda: any(
            isinstance(m, SendMessage) and m.chat_id == 1 and "Weekly digest" in m.text
            for m in session.requests
        )
    )
    await app.dispatcher.emit_shutdown(bot=app.bot)
    assert "fired with no bot running" not in caplog.text
    assert jobs(db)["digest"][2] > datetime.now(UTC).timestamp()  # the next one is planned
