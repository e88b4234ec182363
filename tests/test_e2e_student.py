"""End to end: the real `transtutor run` process against the Bot API emulator over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot_process import BotProcess, running_bot
from tests.emulator import BotAPIEmulator

pytestmark = pytest.mark.e2e


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[BotAPIEmulator, BotProcess]]:
    async with running_bot(tmp_path) as running:
        yield running


def score_of(text: str) -> int:
    found = re.search(r"<b>(\d+)/100</b>", text)
    assert found, text
    return int(found[1])


async def test_a_student_practises(world: tuple[BotAPIEmulator, BotProcess]) -> None:
    api, bot = world
    student = api.user(501, "en", "Mei")
    chat = student["id"]

    await api.say(student, "/start")
    welcome = await api.reply(chat, 0, "Welcome")
    assert "/next" in welcome.text

    # Next: the exercise shows its source text verbatim.
    await api.say(student, "/next")
    exercise = await api.reply(chat, 1, "Source")
    exercise_id = re.search(r"· ([a-z]+-\d+) ·", exercise.text)[1]  # type: ignore[index]
    db = sqlite3.connect(bot.db)
    data = db.execute("SELECT data FROM exercises WHERE id = ?", [exercise_id]).fetchone()[0]
    import json

    stored = json.loads(data)
    assert stored["source"] in exercise.text

    # A good answer: the first reference.
    await api.say(student, stored["references"][0])
    good = await api.reply(chat, 2, "/100")
    assert score_of(good.text) >= 90
    assert re.search(r"chrF [\d.]+ · BLEU [\d.]+ · TER [\d.]+", good.text)

    # A poor answer to the next exercise names what failed.
    await api.say(student, "/next")
    second = await api.reply(chat, 3, "Source")
    await api.say(student, "no idea sorry")
    poor = await api.reply(chat, 4, "/100")
    assert score_of(poor.text) < 40
    assert "To improve" in poor.text and "• " in poor.text
    assert second.message_id != poor.message_id

    # Hint and skip.
    await api.say(student, "/next")
    await api.reply(chat, 5, "Source")
    await api.say(student, "/hint")
    await api.reply(chat, 6, "💡")
    await api.say(student, "/skip")
    await api.reply(chat, 7, "Skipped")

    # Progress lists each outcome with a percentage.
    await api.say(student, "/progress")
    progress = await api.reply(chat, 8, "Your progress")
    assert re.search(r"LO1</b> [█░]{10} \d+%", progress.text)

    # Switch to Chinese: replies come in Chinese.
    await api.say(student, "/lang zh")
    await api.reply(chat, 9, "中文")
    await api.say(student, "/progress")
    await api.reply(chat, 10, "你的学习进度")

    # The database holds both graded attempts.
    assert db.execute("SELECT COUNT(*) FROM attempts WHERE user_id = 501").fetchone()[0] == 2
    db.close()


async def test_error_spot_with_buttons_over_http(world: tuple[BotAPIEmulator, BotProcess]) -> None:
    api, bot = world
    student = api.user(777, "en", "Ana")
    chat = student["id"]
    await api.say(student, "/start")
    await api.reply(chat, 0, "Welcome")
    # Open a known error_spot exercise the way the bot would, then answer it through the chat.
    with sqlite3.connect(bot.db) as db:
        version = db.execute(
            "SELECT MAX(version) FROM exercise_sets WHERE id = 'fintech-zh-en'"
        ).fetchone()[0]
        db.execute(
            "INSERT OR REPLACE INTO sessions (user_id, token, set_id, set_version, exercise_id, "
            "state, opened_at) VALUES (777, 1, 'fintech-zh-en', ?, 'fin-010', '{}', '2026-01-01')",
            [version],
        )
    await api.say(student, "large enterprises")
    ask = await api.reply(chat, 1, "Which kind of error")
    await api.click(student, ask, "Accuracy: mistranslation")
    severity = await api.wait_for(
        lambda: next(
            (s for s in api.to(chat)[2:] if s.buttons() and s.buttons()[0][0] == "minor"), None
        )
    )
    await api.click(student, severity, "major")
    more = await api.wait_for(
        lambda: next(
            (s for s in api.to(chat)[2:] if any(t == "✅ Score my answer" for t, _ in s.buttons())),
            None,
        )
    )
    await api.click(student, more, "✅ Score my answer")
    result = await api.reply(chat, 2, "/100")
    assert score_of(result.text) == 100


async def test_bad_token_or_setting_stops_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    env.update(TRANSTUTOR_BOT_TOKEN="not-a-token-secret", TRANSTUTOR_DB=str(tmp_path / "x.db"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "transtutor_bot.cli",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    text = stderr.decode()
    assert process.returncode == 2
    assert text.strip().startswith("configuration error: TRANSTUTOR_BOT_TOKEN")
    assert "not-a-token-secret" not in text and len(text.strip().splitlines()) == 1
