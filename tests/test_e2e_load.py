"""Load and faults end to end: 200 simulated students practise at once against the real
`transtutor run` process while the Bot API emulator refuses some sends with 429; then the
same with a SIGKILL in the middle of the load and of a reminder wave.

The figures (throughput, latency) are printed: `python -m pytest -s tests/test_e2e_load.py`.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.bot_process import kill, running_bot
from tests.load import (
    FIRST_STUDENT,
    Figures,
    inject_429,
    is_reminder,
    practise_together,
    scored,
)
from tests.test_e2e_reliability import eventually
from transtutor.clock import utcnow
from transtutor.projects.records import ProjectRecord
from transtutor.store import Store

pytestmark = pytest.mark.e2e
STUDENTS = 200


def attempts_by_student(db: Path) -> dict[int, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT user_id, COUNT(*) FROM attempts GROUP BY user_id").fetchall()
    return {r[0]: r[1] for r in rows}


def unfinished(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM updates WHERE done_at IS NULL").fetchone()[0])


async def test_200_students_practise_at_once_through_429s(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, bot):
        api.fail_with_429, refused = inject_429(0.05)
        figures = await practise_together(api, STUDENTS, rounds=2)
        await eventually(lambda: unfinished(bot.db) == 0, timeout=60)
        print("\nload:", figures.report(len(refused)))

        assert len(refused) >= 20  # the emulator did push back
        attempts = attempts_by_student(bot.db)
        for chat in figures.feedback:
            replies = [s for s in api.to(chat) if not is_reminder(s)]
            assert len(replies) == 4, [r.text[:40] for r in replies]  # every reply, once
            assert len({r.message_id for r in replies}) == 4
            # Every answer the student saw scored is in the database, and no other.
            assert attempts.get(chat, 0) == scored(api, chat) == figures.feedback[chat]
        assert sum(figures.feedback.values()) >= STUDENTS  # most exercises are scored ones


def freeze_at_reminder(number: int) -> Any:
    """From the `number`-th reminder on, hold every request unanswered and undelivered (the
    network is gone): the bot is then killed with its wave and replies in flight."""
    counter = itertools.count(1)
    frozen: list[bool] = []

    def hold(method: str, params: dict[str, Any]) -> bool:
        reminder = method == "sendMessage" and str(params.get("text", "")).startswith("⏰")
        if not frozen and reminder and next(counter) == number:
            frozen.append(True)
        return bool(frozen)

    return hold


def confirmed_reminders(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM deliveries WHERE key = 'reminder:P1:1' "
                "AND sent_at IS NOT NULL"
            ).fetchone()[0]
        )


async def test_a_kill_during_load_and_a_reminder_wave_loses_nothing(tmp_path: Path) -> None:
    # A project whose 1-minute reminder falls due about a minute after the start: by then the
    # students have joined and are practising.
    db = tmp_path / "e2e.db"
    store = Store.open(db)
    now = utcnow()
    project = ProjectRecord("P1", "Localise a page", now + timedelta(seconds=110), (1,), "", ())
    store.projects.create_project(project, None, now)
    store.close()

    async with running_bot(tmp_path) as (api, bot):
        api.fail_with_429, refused = inject_429(0.04)
        api.hold = freeze_at_reminder(60)
        users = [api.user(FIRST_STUDENT + i, "en", f"S{i}") for i in range(STUDENTS)]
        chats = [u["id"] for u in users]
        for user in users:
            await api.say(user, "/start")
        await api.wait_for(lambda: all(api.to(c) for c in chats), timeout=120)

        stop = asyncio.Event()
        figures = Figures()
        load = asyncio.create_task(practise_together(api, STUDENTS, None, stop, figures))
        await api.wait_for(lambda: api.held, timeout=180)  # mid-wave, mid-load
        seen = {chat: scored(api, chat) for chat in chats}
        reminded = sum(1 for c in chats for s in api.to(c) if is_reminder(s))
        # Kill once every send the emulator answered is confirmed: a send Telegram accepted in
        # the last instant before a kill, unconfirmed, would be sent again (see delivery.py).
        await eventually(lambda: confirmed_reminders(bot.db) == reminded, timeout=30)
        await kill(bot)

        # Nothing confirmed is lost: every answer a student saw scored is in the database.
        attempts = attempts_by_student(bot.db)
        assert all(attempts.get(chat, 0) >= seen[chat] for chat in chats)
        assert sum(seen.values()) > 0 and 0 < reminded < STUDENTS

        api.hold = lambda method, params: False
        api.release()
        await bot.start()  # the students keep practising and waiting meanwhile

        def reminders_done() -> bool:
            return all(any(is_reminder(s) for s in api.to(c)) for c in chats)

        await api.wait_for(reminders_done, timeout=180)
        stop.set()
        await asyncio.wait_for(load, timeout=240)
        await eventually(lambda: unfinished(bot.db) == 0, timeout=60)
        print("\nload with a kill:", figures.report(len(refused)))

        # Every pending reminder was delivered exactly once, the held one included.
        for chat in chats:
            assert len([s for s in api.to(chat) if is_reminder(s)]) == 1, chat
        # Every answer scored before or after the kill is in the database.
        attempts = attempts_by_student(bot.db)
        assert all(attempts.get(chat, 0) >= scored(api, chat) for chat in chats)
        assert confirmed_reminders(bot.db) == STUDENTS
