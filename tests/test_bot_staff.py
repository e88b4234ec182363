"""Roles and cohorts through the real dispatcher: grants, invitations, join links, refusals."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.methods import DeleteMyCommands, SetMyCommands

from tests.chat import ChatClient
from tests.conftest import Built
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession

ADMIN, INSTRUCTOR, STUDENT = 1, 2, 3


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "staff.db", admins=[ADMIN], instructors=[INSTRUCTOR])


def role_of(app: tuple[App, OfflineSession], user_id: int) -> str | None:
    with sqlite3.connect(app[0].settings.db) as conn:
        row = conn.execute("SELECT role FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else None


async def test_a_student_is_refused_every_staff_command(app: tuple[App, OfflineSession]) -> None:
    student = ChatClient(*app, user_id=STUDENT)
    for command in ("/grant 3 admin", "/invite admin", "/cohort_new Sneaky"):
        reply = (await student.send(command))[0]
        assert reply == "⛔ You don't have access to this command."
    assert role_of(app, STUDENT) == "student"
    with sqlite3.connect(app[0].settings.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM cohorts").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM invites").fetchone()[0] == 0
    assert "/grant" not in (await student.send("/help"))[0]


async def test_admin_grants_a_role_and_the_menu_follows(app: tuple[App, OfflineSession]) -> None:
    admin = ChatClient(*app, user_id=ADMIN)
    assert "/grant" in (await admin.send("/help"))[0]
    assert "User 77 is now coordinator" in (await admin.send("/grant 77 coordinator"))[0]
    assert role_of(app, 77) == "coordinator"
    menus = [
        m
        for m in app[1].requests
        if isinstance(m, SetMyCommands) and getattr(m.scope, "chat_id", None) == 77
    ]
    assert menus
    assert "User 77 is now student" in (await admin.send("/grant 77 student"))[0]
    assert any(isinstance(m, DeleteMyCommands) for m in app[1].requests)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/grant", "Usage: /grant"),
        ("/grant abc instructor", "not a Telegram user id"),
        ("/grant 5 wizard", "is not a role"),
        ("/invite student", "is not a role"),
    ],
)
async def test_bad_grants_explain_and_change_nothing(
    app: tuple[App, OfflineSession], command: str, expected: str
) -> None:
    admin = ChatClient(*app, user_id=ADMIN)
    assert expected in (await admin.send(command))[0]
    assert role_of(app, 5) is None


async def test_instructor_creates_a_cohort_and_a_student_joins(
    app: tuple[App, OfflineSession],
) -> None:
    instructor = ChatClient(*app, user_id=INSTRUCTOR)
    reply = (await instructor.send("/cohort_new Spring 2027"))[0]
    link = re.search(r"https://t\.me/transtutor_bot\?start=(\w+)", reply)
    assert link and "Spring 2027" in reply
    student = ChatClient(*app, user_id=STUDENT)
    replies = await student.send(f"/start {link[1]}")
    assert "You joined the cohort <b>Spring 2027</b>" in replies[-1]
    assert "Usage: /cohort_new" in (await instructor.send("/cohort_new"))[0]


async def test_role_invitation_works_once(app: tuple[App, OfflineSession]) -> None:
    admin = ChatClient(*app, user_id=ADMIN)
    reply = (await admin.send("/invite instructor"))[0]
    code = re.search(r"start=(r-\w+)", reply)[1]  # type: ignore[index]
    first = ChatClient(*app, user_id=10)
    assert "You are now instructor" in (await first.send(f"/start {code}"))[-1]
    assert role_of(app, 10) == "instructor"
    assert "Cohort" in (await first.send("/cohort_new Evening"))[0]
    second = ChatClient(*app, user_id=11)
    assert "not valid" in (await second.send(f"/start {code}"))[-1]
    assert role_of(app, 11) == "student"
