"""End to end over HTTP: a project with reminders minutes away, a review, and a kill -9."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.bot_process import kill, running_bot
from tests.emulator import BotAPIEmulator

pytestmark = pytest.mark.e2e
TEACHER, AN, BO = 9101, 9102, 9103


def deadline_text() -> str:
    """A deadline whose 2-minute reminder is 20-80 s away (deadlines are whole minutes)."""
    soon = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=3, seconds=20)
    return soon.strftime("%Y-%m-%d %H:%M")


def reminders_to(api: BotAPIEmulator, chat_id: int) -> list[str]:
    return [s.text for s in api.to(chat_id) if s.text.startswith("⏰")]


async def wave_done(db: Path, lead: int) -> bool:
    while True:
        with sqlite3.connect(db) as conn:
            if conn.execute(
                "SELECT 1 FROM reminder_waves WHERE project_id = 'P1' AND lead_minutes = ?", [lead]
            ).fetchone():
                return True
        await asyncio.sleep(0.2)


async def test_reminders_reviews_and_a_crash(tmp_path: Path) -> None:
    async with running_bot(tmp_path, TRANSTUTOR_INSTRUCTORS=str(TEACHER)) as (api, bot):
        teacher, an, bo = (
            api.user(i, "en", n) for i, n in ((TEACHER, "Zhou"), (AN, "An"), (BO, "Bo"))
        )
        for student in (an, bo):
            await api.say(student, "/start")
        await api.reply(BO, 0, "Welcome")
        await api.reply(AN, 0, "Welcome")

        await api.say(an, "/project_new P9 2099-01-01 10:00 Sneaky")
        assert "don't have access" in (await api.reply(AN, 1, "")).text
        await api.say(teacher, f"/project_new P1 {deadline_text()} remind=2m,1m Localise a page")
        await api.reply(TEACHER, 0, "created")
        await api.say(bo, "/submit P1")
        await api.reply(BO, 1, "Hand in")
        await api.say(bo, "Smart Home Hub: set up in three minutes.")
        assert "on time" in (await api.reply(BO, 2, "Received")).text

        # A review while the reminders are pending: the student sees grade and mastery change.
        await api.say(teacher, "/review")
        card = await api.reply(TEACHER, 1, "1/5")
        for level in ("Excellent", "Good", "Good", "Adequate", "Good", "No comment"):
            seen = len(api.to(TEACHER))
            await api.click(teacher, card, level)
            card = await api.reply(TEACHER, seen)
        assert "Ready to send" in card.text
        await api.click(teacher, card, "✅ Send grade")
        grade = await api.reply(BO, 3, "reviewed by Zhou")
        assert "<b>80/100</b>" in grade.text and "Mastery: LO1 0→100%" in grade.text

        first = await api.reply(AN, 2, "⏰", timeout=120)
        assert "<b>P1</b> «Localise a page»" in first.text and "/submit P1" in first.text
        assert await asyncio.wait_for(wave_done(bot.db, 2), 30)

        await kill(bot)  # the 1-minute reminder is still pending
        await bot.start()
        second = await api.reply(AN, 3, "⏰", timeout=150)
        assert "left" in second.text
        assert await asyncio.wait_for(wave_done(bot.db, 1), 30)
        assert len(reminders_to(api, AN)) == 2  # one per lead time, none repeated
        assert reminders_to(api, BO) == []  # handed in: never reminded
