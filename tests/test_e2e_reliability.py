"""End to end over HTTP: Telegram redelivering an update does not make the bot answer twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.bot_process import running_bot
from tests.chat import eventually

pytestmark = pytest.mark.e2e
MEI = 8101


async def test_a_redelivered_answer_is_recorded_and_answered_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, bot):
        mei = api.user(MEI, "en", "Mei")
        await api.say(mei, "/next")
        await api.reply(MEI, 0, "Source")
        answer = await api.say(mei, "A translation of the source text.")
        await api.reply(MEI, 1)
        with sqlite3.connect(bot.db) as db:
            assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1

        await api.redeliver(answer)  # as if the bot's confirmation never reached Telegram
        await api.say(mei, "/help")
        await api.reply(MEI, 2, "What I can do")
        assert len(api.to(MEI)) == 3  # exercise, feedback, help: nothing for the redelivery
        with sqlite3.connect(bot.db) as db:
            assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
            assert db.execute("SELECT COUNT(*) FROM updates").fetchone()[0] == 3

        def pending() -> int:
            with sqlite3.connect(bot.db) as db:
                return int(
                    db.execute("SELECT COUNT(*) FROM updates WHERE done_at IS NULL").fetchone()[0]
                )

        await eventually(lambda: pending() == 0)  # /help is marked done just after its reply
