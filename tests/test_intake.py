"""Incoming updates are recorded before they are handled: redeliveries are ignored and what a
crash interrupted is handled at the next start (real dispatcher, real SQLite file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram.methods import SendMessage

from tests.conftest import Built
from transtutor.clock import utcnow
from transtutor_bot.app import App
from transtutor_bot.intake import Intake
from transtutor_bot.terminal_session import OfflineSession, OfflineUser


@pytest.fixture
def app(make_app: Callable[..., Built], tmp_path: Path) -> Built:
    return make_app(db=tmp_path / "intake.db")


def replies(session: OfflineSession) -> list[str]:
    return [m.text for m in session.requests if isinstance(m, SendMessage)]


async def test_a_redelivered_update_is_handled_once(app: tuple[App, OfflineSession]) -> None:
    built, session = app
    intake = Intake(built.dispatcher, built.bot, built.runner, built.store.updates)
    you = OfflineUser(31, "Mei", "en")
    start = you.message(text="/start")
    assert await intake.accept([start]) == 1
    await intake.drain()
    assert await intake.accept([start, you.message(text="/help")]) == 1  # /start again: ignored
    await intake.drain()
    texts = replies(session)
    assert len(texts) == 2 and "Welcome" in texts[0] and "What I can do" in texts[1]
    with sqlite3.connect(built.settings.db) as db:
        kept = db.execute("SELECT data, user_id, done_at IS NOT NULL FROM updates").fetchall()
    assert kept == [("", None, 1), ("", None, 1)]  # handled: ids kept, not messages or senders


async def test_what_a_crash_interrupted_is_handled_at_the_next_start(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    you = OfflineUser(32, "Li", "en")
    update = you.message(text="/start")
    # Recorded (and so confirmed to Telegram), then the process died before handling it.
    fresh = built.runner.db_sync(
        built.store.updates.receive_updates,
        [(update.update_id, 32, update.model_dump_json(exclude_none=True))],
        utcnow(),
    )
    assert fresh == [update.update_id]
    intake = Intake(built.dispatcher, built.bot, built.runner, built.store.updates)
    assert await intake.replay() == 1
    await intake.drain()
    assert any("Welcome" in text for text in replies(session))
    assert built.runner.db_sync(built.store.updates.pending_updates) == []
    assert await intake.replay() == 0


async def test_an_answer_recorded_before_a_crash_gets_its_feedback_not_an_error(
    app: tuple[App, OfflineSession],
) -> None:
    built, session = app
    you = OfflineUser(33, "Bo", "en")
    intake = Intake(built.dispatcher, built.bot, built.runner, built.store.updates)
    await intake.accept([you.message(text="/next")])
    await intake.drain()
    answer = you.message(text="A first attempt at this translation, 26 cities.")
    await intake.accept([answer])
    await intake.drain()
    feedback = replies(session)[-1]
    assert "/100" in feedback
    # As if the process died after the attempt was committed, before the update was done
    # (the reply may or may not have gone out): it is handled again at the next start.
    with sqlite3.connect(built.settings.db) as db:
        db.execute(
            "UPDATE updates SET done_at = NULL, data = ? WHERE update_id = ?",
            [answer.model_dump_json(exclude_none=True), answer.update_id],
        )
    restarted = Intake(built.dispatcher, built.bot, built.runner, built.store.updates)
    assert await restarted.replay() == 1
    await restarted.drain()
    again = replies(session)[-1]
    assert again == feedback  # the same feedback, not "no open exercise"
    with sqlite3.connect(built.settings.db) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
