"""/mydata and /forget through the real dispatcher on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendDocument

from tests.chat import ChatClient
from tests.conftest import Built
from transtutor.clock import utcnow
from transtutor.projects.grading import Rating
from transtutor.projects.records import ProjectRecord
from transtutor.projects.review import grade
from transtutor.store import Store
from transtutor.store.personal import MENTIONS, OWN_ROWS
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession

TEACHER, LI, WANG = 1, 10, 11
LI_ANSWER = "Please keep your luggage with you Xq7marker at all times."
LI_WORK = "My localised page Zr9marker, version two."


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "privacy.db", instructors=[TEACHER])


def query(app: App, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(app.settings.db) as db:
        return db.execute(sql, args).fetchall()


def rows_about(app: App, user_id: int) -> dict[str, int]:
    """How many rows of each table are about the user, by the columns that can name them."""
    found = {}
    with sqlite3.connect(app.settings.db) as db:
        for table, where in OWN_ROWS:
            sql = f"SELECT COUNT(*) FROM {table} WHERE {where.replace(':user', '?')}"
            found[table] = db.execute(sql, [user_id] * where.count(":user")).fetchone()[0]
        for section, table, column, _ in MENTIONS:
            sql = f"SELECT COUNT(*) FROM {table} WHERE {column} = ?"
            found[section] = db.execute(sql, [user_id]).fetchone()[0]
    return found


def file_bytes(app: App) -> bytes:
    path = Path(app.settings.db)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def a_learner_with_history(app: App, session: OfflineSession) -> ChatClient:
    """Li answers, skips, hands in work that the teacher grades, gets an extension and a
    reminder, and joins a cohort; the teacher creates the cohort and the project."""
    teacher = ChatClient(app, session, user_id=TEACHER, name="Teacher Zhou")
    li = ChatClient(app, session, user_id=LI, name="Li Ming")
    await teacher.send("/start")
    link = (await teacher.send("/cohort_new Autumn 2026"))[0]
    code = link.split("start=")[1].split()[0].split("<")[0].split('"')[0]
    await li.send(f"/start {code}")
    li.open("fin-001")
    feedback = await li.send(LI_ANSWER)
    assert "/100" in feedback[0]
    await li.send("/next")
    await li.send("/skip")

    now = utcnow()
    project = ProjectRecord("P1", "Localise a page", now + timedelta(days=3), (1440,), "", ())

    def history(store: Store) -> None:
        store.projects.create_project(project, TEACHER, now)
        submission_id = store.projects.add_submission("P1", LI, LI_WORK, None, now, False)
        submission = store.projects.submission(submission_id)
        assert submission is not None
        review = [Rating("accuracy", 3, 1.0, ("LO1",))]
        grade(store, submission, TEACHER, review, "Good work, Li", now)
        store.projects.extend("P1", LI, now + timedelta(days=5), TEACHER)
        store.reminders.claim_delivery("reminder:P1:1440", LI, now)
        store.reminders.confirm_delivery("reminder:P1:1440", LI, now)

    app.runner.db_sync(history, app.store)
    return li


async def test_mydata_sends_everything_stored_about_the_user(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    li = await a_learner_with_history(built, session)
    replies = await li.send("/mydata")
    documents = [m for m in session.requests if isinstance(m, SendDocument)]
    assert len(documents) == 1 and documents[0].chat_id == LI
    assert "JSON" in (documents[0].caption or "") and replies == [
        f"[document] {documents[0].caption}"
    ]
    upload = documents[0].document
    assert upload.filename.startswith(f"transtutor-mydata-{LI}-")  # type: ignore[union-attr]
    data = json.loads(upload.data)  # type: ignore[union-attr]

    assert data["user_id"] == LI and data["users"][0]["name"] == "Li Ming"
    assert data["users"][0]["cohort_id"] is not None
    assert [a["answer"] for a in data["attempts"]] == [LI_ANSWER]
    assert data["attempts"][0]["result"]["score"] == pytest.approx(data["attempts"][0]["score"])
    assert data["mastery"] and all(m["user_id"] == LI for m in data["mastery"])
    assert len(data["skips"]) == 1
    assert data["submissions"][0]["text"] == LI_WORK
    assert data["grades"][0]["comment"] == "Good work, Li"
    assert data["extensions"][0]["project_id"] == "P1"
    assert data["deliveries"][0]["key"] == "reminder:P1:1440"
    assert data["invites_used"] == [] and data["grades_given"] == []
    # Nothing about anybody else.
    assert "Teacher Zhou" not in upload.data.decode()  # type: ignore[union-attr]

    # The teacher's own file lists what they did to others' records, not those records.
    teacher = ChatClient(built, session, user_id=TEACHER, name="Teacher Zhou")
    await teacher.send("/mydata")
    teacher_data = json.loads(
        [m for m in session.requests if isinstance(m, SendDocument)][-1].document.data  # type: ignore[union-attr]
    )
    assert [g["comment"] for g in teacher_data["grades_given"]] == ["Good work, Li"]
    assert [c["name"] for c in teacher_data["cohorts_created"]] == ["Autumn 2026"]
    assert teacher_data["extensions_granted"][0]["project_id"] == "P1"
    assert teacher_data["attempts"] == [] and LI_WORK not in json.dumps(teacher_data)


async def test_forget_asks_first_and_keeping_changes_nothing(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    li = await a_learner_with_history(built, session)
    before = rows_about(built, LI)
    asked = await li.send("/forget")
    assert "cannot be undone" in asked[0]
    assert li.buttons() == ["🗑 Yes, delete everything", "Keep my data"]
    assert await li.click("Keep my data") == ["Nothing was deleted."]
    assert rows_about(built, LI) == before


async def test_forget_deletes_everything_for_real(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    li = await a_learner_with_history(built, session)
    wang = ChatClient(built, session, user_id=WANG, name="Wang")
    wang.open("fin-001")
    await wang.send("Keep your bags with you at all times.")
    assert LI_ANSWER.encode() in file_bytes(built)
    wang_before = rows_about(built, WANG)

    await li.send("/forget")
    done = await li.click("🗑 Yes, delete everything")
    assert "deleted, 1 of them answers" in done[0]

    assert set(rows_about(built, LI).values()) == {0}
    # No copy of the texts left anywhere in the database files (secure delete, WAL emptied).
    raw = file_bytes(built)
    assert LI_ANSWER.encode() not in raw and b"Xq7marker" not in raw and b"Zr9marker" not in raw
    # Everyone else is untouched; what the teacher did stays, still theirs.
    assert rows_about(built, WANG) == wang_before
    assert query(built, "SELECT name FROM cohorts") == [("Autumn 2026",)]
    assert query(built, "SELECT granted_by FROM extensions") == []
    # Li is a stranger now: the next message starts afresh, with nothing carried over.
    progress = (await li.send("/progress"))[0]
    assert "answers: 0" in progress and "LO1</b> ░░░░░░░░░░ 0% (0)" in progress
    assert query(built, "SELECT COUNT(*) FROM attempts WHERE user_id = ?", LI) == [(0,)]
    assert query(built, "SELECT cohort_id FROM users WHERE id = ?", LI) == [(None,)]


async def test_a_forgotten_reviewer_leaves_the_grades_in_the_learners_record(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    await a_learner_with_history(built, session)
    teacher = ChatClient(built, session, user_id=TEACHER, name="Teacher Zhou")
    await teacher.send("/forget")
    await teacher.click("🗑 Yes, delete everything")

    assert set(rows_about(built, TEACHER).values()) == {0}
    grades = query(built, "SELECT reviewer_id, comment FROM grades")
    assert len(grades) == 1 and grades[0][1] == "Good work, Li"
    assert int(str(grades[0][0])) < 0  # nobody's id
    assert query(built, "SELECT created_by FROM cohorts") == [(None,)]
    assert query(built, "SELECT created_by FROM projects") == [(None,)]


async def test_privacy_texts_in_chinese(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    wang = ChatClient(built, session, user_id=WANG, language="zh", name="王")
    await wang.send("/start")
    asked = await wang.send("/forget")
    assert "无法恢复" in asked[0]
    assert (await wang.click("🗑 确认删除全部数据"))[0].startswith("🗑 已删除")
    help_text = (await wang.send("/help"))[0]
    assert "/mydata" in help_text and "/forget" in help_text
