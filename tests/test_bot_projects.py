"""Projects through the real dispatcher: creating, handing in, deadlines, extensions, reviews."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendDocument, SendMessage

from tests.chat import ChatClient
from tests.conftest import Built
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession

TEACHER, MENTOR, LI, WANG = 1, 2, 10, 11
SHANGHAI = ZoneInfo("Asia/Shanghai")


def course_time(delta: timedelta) -> str:
    return (datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "projects.db", instructors=[TEACHER, MENTOR])


def sent_to(session: OfflineSession, chat_id: int) -> list[str]:
    return [
        m.text for m in session.requests if isinstance(m, SendMessage) and int(m.chat_id) == chat_id
    ]


def query(app: App, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(app.settings.db) as db:
        return db.execute(sql, args).fetchall()


async def test_a_project_from_creation_to_two_reviews(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    teacher = ChatClient(*app, user_id=TEACHER, name="Teacher Zhou")
    mentor = ChatClient(*app, user_id=MENTOR, name="Mentor Chen")
    li = ChatClient(*app, user_id=LI, name="Li")
    wang = ChatClient(*app, user_id=WANG, language="zh", name="Wang")
    await li.send("/start")
    await wang.send("/start")

    due = course_time(timedelta(days=3))
    created = (await teacher.send(f"/project_new P1 {due} remind=24h,1h Localise a product page"))[
        0
    ]
    assert "Project <b>P1</b> «Localise a product page» created" in created
    assert f"Deadline: {due} (Asia/Shanghai)" in created and "1 d, 1 h before" in created
    assert (
        "A project «P1» already exists" in (await teacher.send(f"/project_new P1 {due} Again"))[0]
    )

    listing = (await li.send("/deadlines"))[0]
    assert "<b>P1</b>" in listing and "not handed in — 2 d 23 h left" in listing

    asked = (await li.send("/submit p1"))[0]
    assert "send your work now" in asked and f"Due {due}" in asked
    receipt = (await li.send("My localised page: Smart Home Hub — setup in 3 minutes."))[0]
    assert "Received your work for <b>P1</b>" in receipt and "on time" in receipt
    assert "Received" not in " ".join(await li.send("Another message"))  # back to practice

    await wang.send("/submit P1")
    zh_receipt = (await wang.document("p1-wang.docx", b"PK\x03\x04 docx bytes"))[0]
    assert "已收到你的 <b>P1</b>" in zh_receipt and "按时提交" in zh_receipt
    rows = query(built, "SELECT user_id, text IS NOT NULL, file_name, late FROM submissions")
    assert sorted(rows) == [(LI, 1, None, 0), (WANG, 0, "p1-wang.docx", 0)]

    # The teacher reviews Li's text: one criterion per step, with a way back.
    opened = await teacher.send("/review")
    assert "Student: Li (id 10)" in opened[0] and "My localised page" in opened[0]
    assert "1 more waiting after this one." in opened[0]
    assert "1/5 · Accuracy and completeness" in opened[1]
    assert teacher.buttons() == ["Not met", "Weak", "Adequate", "Good", "Excellent"]
    await teacher.click("Good")
    assert "⬅ Back" in teacher.buttons()
    await teacher.click("⬅ Back")
    for level in ("Excellent", "Good", "Good", "Adequate", "Excellent"):
        card = (await teacher.click(level))[-1]
    assert "All criteria rated — grade <b>85/100</b>" in card
    confirm = (await teacher.send("Clear and idiomatic; check the <b>unit</b> names."))[0]
    assert "💬 Clear and idiomatic; check the &lt;b&gt;unit&lt;/b&gt; names." in confirm
    done = await teacher.click("✅ Send grade")
    assert "✅ Sent to Li: 85/100" in done[0] and "1 more waiting: /review" in done[0]
    told = sent_to(session, LI)[-1]
    assert "reviewed by Teacher Zhou: <b>85/100</b>" in told
    assert "• Accuracy and completeness: Excellent" in told and "💬 Clear and idiomatic" in told
    assert "Mastery: LO1 0→100%, LO2 0→75%, LO3 0→75%, LO4 0→50%, LO6 0→100%" in told

    # The mentor reviews the same work; both grades are kept and combined (their mean).
    opened = await mentor.send("/review P1")
    assert "Another reviewer has graded this one" in opened[0]
    for level in ("Good", "Good", "Good", "Good", "Good"):
        await mentor.click(level)
    await mentor.click("No comment")
    done = await mentor.click("✅ Send grade")
    assert "Grade from 2 review(s): 80/100" in done[0]
    told = sent_to(session, LI)[-1]
    assert "reviewed by Mentor Chen: <b>75/100</b>" in told
    assert "Your grade from 2 reviews (their mean): <b>80/100</b>" in told
    assert "Mastery: LO1 100→88%" in told  # revised, not a second piece of evidence
    [(value, pieces)] = query(
        built, "SELECT value, attempts FROM mastery WHERE user_id = ? AND outcome_id = 'LO1'", LI
    )
    assert (value, pieces) == (pytest.approx(0.875), 1)
    assert len(query(built, "SELECT * FROM grades")) == 2

    # Wang's file reaches the reviewer as the document itself.
    await teacher.send("/review")
    documents = [m for m in session.requests if isinstance(m, SendDocument)]
    assert documents and documents[-1].document == next(
        r[0] for r in query(built, "SELECT file_id FROM submissions WHERE user_id = ?", WANG)
    )
    assert "Student: Wang (id 11)" in (documents[-1].caption or "")
    assert (await teacher.send("/cancel"))[0] == "Cancelled."
    assert "1/5 · Accuracy" in (await mentor.send("/review"))[-1]  # Wang's, still waiting

    graded = (await li.send("/deadlines"))[0]
    assert "grade 80/100 (2 review(s))" in graded

    # /projects counts as /summary does: both students handed in, Li's work is reviewed.
    listed = (await teacher.send("/projects"))[0]
    assert "handed in 2/2 · reviewed 1" in listed


async def test_extension_moves_the_students_deadline(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    teacher = ChatClient(*app, user_id=TEACHER)
    li = ChatClient(*app, user_id=LI, name="Li")
    await li.send("/start")
    await teacher.send(f"/project_new P2 {course_time(timedelta(days=1))} Glossary")
    later = course_time(timedelta(days=4))
    reply = (await teacher.send(f"/extend P2 {LI} {later}"))[0]
    assert f"User {LI} now has until {later} (Asia/Shanghai) for P2" in reply
    assert f"Your deadline for <b>P2</b> «Glossary» is now {later}" in sent_to(session, LI)[-1]
    assert "(extended)" in (await li.send("/deadlines"))[0]
    jobs = {job.id for job in built.core.reminders.scheduler.get_jobs()}
    assert f"reminder:P2:{LI}:60" in jobs and "reminder:P2:0:60" in jobs


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/project_new", "Usage: /project_new"),
        ("/project_new P3 tomorrow 18:00 Title", "«tomorrow 18:00» is not a date and time"),
        ("/project_new P3 2020-01-01 10:00 Title", "2020-01-01 10:00 has already passed"),
        ("/project_new P3 2099-01-01 10:00 remind=soon Title", "«soon» is not a reminder time"),
        (
            "/project_new P3 2099-01-01 10:00 rubric=nope Title",
            "Unknown review rubric. Known: project-review",
        ),
        (
            "/project_new <b>x</b> 2099-01-01 10:00 Title",
            "«&lt;b&gt;x&lt;/b&gt;» cannot be a project id",
        ),
        ("/extend P9 10 2099-01-01 10:00", "There is no project «P9»"),
        ("/extend", "Usage: /extend"),
    ],
)
async def test_bad_project_commands_say_what_is_wrong(
    app: tuple[App, OfflineSession], command: str, expected: str
) -> None:
    teacher = ChatClient(*app, user_id=TEACHER)
    assert expected in (await teacher.send(command))[0]
    assert query(app[0], "SELECT COUNT(*) FROM projects WHERE id != 'P0'") == [(0,)]


async def test_students_cannot_use_instructor_project_commands(
    app: tuple[App, OfflineSession],
) -> None:
    li = ChatClient(*app, user_id=LI)
    for command in (
        "/project_new P1 2099-01-01 10:00 X",
        "/projects",
        "/extend P1 10 2099-01-01 10:00",
        "/review",
    ):
        assert (await li.send(command))[0] == "⛔ You don't have access to this command."
    assert query(app[0], "SELECT COUNT(*) FROM projects") == [(0,)]


async def test_a_command_ends_the_wait_for_project_work(app: tuple[App, OfflineSession]) -> None:
    teacher = ChatClient(*app, user_id=TEACHER)
    li = ChatClient(*app, user_id=LI)
    await teacher.send(f"/project_new P1 {course_time(timedelta(days=2))} Essay")
    await li.send("/submit")  # the only project: no need to name it
    await li.sticker()
    assert "Send your work as a document or a text message" in li.session.requests[-1].text  # type: ignore[attr-defined]
    await li.send("/next")
    answer = await li.send("This is my translation.")
    assert not any("Received your work" in text for text in answer)
    assert query(app[0], "SELECT COUNT(*) FROM submissions") == [(0,)]
    assert (await li.send("/cancel"))[0] == "There is nothing to cancel."
