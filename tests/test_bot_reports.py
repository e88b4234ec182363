"""Coordinator reports through the real dispatcher: /summary, /atrisk, /export, /learner,
the weekly digest, and students refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile

from tests.chat import ChatClient
from tests.conftest import Built
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession

COORDINATOR, ADMIN, LI, WANG = 5, 6, 10, 11


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "reports.db", coordinators=[COORDINATOR], admins=[ADMIN])


def last(session: OfflineSession, kind: type) -> object:
    return next(m for m in reversed(session.requests) if isinstance(m, kind))


def file_bytes(method: SendDocument | SendPhoto) -> bytes:
    sent = method.document if isinstance(method, SendDocument) else method.photo
    assert isinstance(sent, BufferedInputFile)
    return sent.data


async def practise(app: tuple[App, OfflineSession]) -> None:
    li = ChatClient(*app, user_id=LI, name="Li")
    wang = ChatClient(*app, user_id=WANG, language="zh", name="王芳")
    await li.send("/start")
    await wang.send("/start")
    li.open("fin-001")
    await li.send("The central bank cut the reserve requirement ratio.")
    li.open("fin-004")
    await li.send("no idea")


async def test_a_coordinator_sees_the_summary_with_a_chart(
    app: tuple[App, OfflineSession],
) -> None:
    _, session = app
    await practise(app)
    coordinator = ChatClient(*app, user_id=COORDINATOR, name="Dean Xu")
    replies = await coordinator.send("/summary")
    text = replies[0]
    assert "Learners: <b>2</b> · active in the last 7 d: <b>1</b>" in text
    assert "Answers: <b>2</b> (2 in the last 7 d)" in text
    assert "<b>LO1</b>" in text and "<b>LO6</b>" in text and "0/2 (0%)" in text
    assert "No learner is at risk" in text
    photo = last(session, SendPhoto)
    assert isinstance(photo, SendPhoto) and file_bytes(photo).startswith(b"\x89PNG")
    assert replies[-1].startswith("[photo] Mastery by outcome")

    unknown = (await coordinator.send("/summary Evening class"))[0]
    assert "There is no cohort «Evening class»" in unknown and "Cohorts: —" in unknown

    teacher = ChatClient(*app, user_id=COORDINATOR + 100, name="Teacher")
    await ChatClient(*app, user_id=ADMIN, name="Admin").send(
        f"/grant {COORDINATOR + 100} instructor"
    )
    link = (await teacher.send("/cohort_new Evening class"))[0]
    code = link.split("start=")[1].split()[0].strip('<>"')
    await ChatClient(*app, user_id=WANG, language="zh", name="王芳").send(f"/start {code}")
    everyone = (await coordinator.send("/summary"))[0]
    assert "<b>Cohorts</b>: Evening class (1)." in everyone
    one = (await coordinator.send("/summary evening CLASS"))[0]
    assert "cohort Evening class" in one and "Learners: <b>1</b>" in one and "Cohorts" not in one


async def test_exports_parse_with_the_promised_columns(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    await practise(app)
    coordinator = ChatClient(*app, user_id=COORDINATOR, name="Dean Xu")
    await coordinator.send("/export")
    document = last(session, SendDocument)
    assert isinstance(document, SendDocument)
    assert "2 learners · all learners" in (document.caption or "")
    data = file_bytes(document)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["user_id"], r["name"], r["attempts"]) for r in rows] == [
        (str(LI), "Li", "2"),
        (str(WANG), "王芳", "0"),
    ]
    assert set(built.core.library.course.outcome_ids) <= set(rows[0])

    await coordinator.send("/export xlsx")
    workbook = last(session, SendDocument)
    assert isinstance(workbook, SendDocument)
    sheet = openpyxl.load_workbook(io.BytesIO(file_bytes(workbook)))["Learners"]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["user_id", LI, WANG]


async def test_at_risk_and_one_learner(app: tuple[App, OfflineSession]) -> None:
    await practise(app)
    coordinator = ChatClient(*app, user_id=COORDINATOR, language="zh", name="Dean Xu")
    assert "暂无风险学员" in (await coordinator.send("/atrisk"))[0]
    assert "无法识别 «below=200»" in (await coordinator.send("/atrisk below=200"))[0]
    detail = (await coordinator.send(f"/learner {LI}"))[0]
    assert "<b>Li</b>" in detail and f"<code>{LI}</code>" in detail and "最近作答" in detail
    assert "fin-004（翻译）" in detail
    assert "用法：/learner" in (await coordinator.send("/learner Li"))[0]


async def test_students_and_instructors_are_refused(app: tuple[App, OfflineSession]) -> None:
    _, session = app
    await practise(app)
    student = ChatClient(*app, user_id=LI, name="Li")
    for command in ("/summary", "/atrisk", "/export", "/export xlsx", f"/learner {WANG}"):
        before = len(session.requests)
        replies = await student.send(command)
        assert replies == ["⛔ You don't have access to this command."]
        assert not any(isinstance(m, SendDocument | SendPhoto) for m in session.requests[before:])
    assert "/summary" not in (await student.send("/help"))[0]
    coordinator = ChatClient(*app, user_id=COORDINATOR, name="Dean Xu")
    help_text = (await coordinator.send("/help"))[0]
    assert "/summary" in help_text and "/project_new" not in help_text


async def test_the_digest_reaches_coordinators_in_their_language(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    await practise(app)
    await ChatClient(*app, user_id=COORDINATOR, language="zh", name="Dean Xu").send("/start")
    await ChatClient(*app, user_id=ADMIN, name="Admin").send("/start")
    assert await built.core.digests.fire() == 2
    texts = {
        int(m.chat_id): m.text
        for m in session.requests
        if isinstance(m, SendMessage) and int(m.chat_id) in (COORDINATOR, ADMIN)
    }
    assert "每周简报" in texts[COORDINATOR] and "学员：<b>2</b>" in texts[COORDINATOR]
    assert "Weekly digest" in texts[ADMIN] and "More: /summary" in texts[ADMIN]
    assert await built.core.digests.fire() == 0  # this week's is sent
