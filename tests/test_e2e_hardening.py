"""End to end over HTTP, the real `transtutor run` (and `webhook`) process against the Bot API
emulator: what Telegram, the network or an operator can throw at the bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.bot_process import TOKEN, BotProcess, kill, running_bot
from tests.emulator import BotAPIEmulator
from tests.test_e2e_reliability import eventually
from tests.test_e2e_webhook import free_port, post_update

pytestmark = pytest.mark.e2e
MEI, LEI, ADMIN, HELPER = 8301, 8302, 8303, 8304
# Names and texts that must never reach the log, at any level.
SECRET_NAME = "Zhuangsecretname"
SECRET_TEXT = "Quokkasecretphrase"


def private_logs(log: Path) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace")
    return [s for s in (SECRET_NAME, SECRET_TEXT, TOKEN) if s in text]


def message(user: dict[str, Any], text: str, message_id: int = 1) -> dict[str, Any]:
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/")
        else []
    )
    return {
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            "text": text,
            "entities": entities,
        }
    }


def unreadable(user: dict[str, Any]) -> dict[str, Any]:
    """A callback query without `chat_instance`, which aiogram refuses to decode."""
    return {
        "callback_query": {
            "id": "77",
            "from": user,
            "data": f"x:{SECRET_TEXT}",
            "message": message(user, SECRET_TEXT)["message"],
        }
    }


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


async def test_an_unreadable_update_is_skipped_and_the_rest_of_its_batch_answered(
    tmp_path: Path,
) -> None:
    api = BotAPIEmulator()
    base = await api.start()
    mei = api.user(MEI, "en", SECRET_NAME)
    lei = api.user(LEI, "zh", "Lei")
    # One getUpdates batch: a good update, one aiogram cannot read, another good one.
    await api.push_raw(message(mei, "/help"))
    bad = await api.push_raw(unreadable(mei))
    await api.push_raw(message(lei, "/help", 2))
    bot = BotProcess(base, tmp_path / "e2e.db", tmp_path / "bot.log", TRANSTUTOR_LOG_LEVEL="DEBUG")
    await bot.start()
    try:
        await api.reply(MEI, 0, "What I can do", timeout=90)
        await api.reply(LEI, 0, "我能做什么")
        await api.wait_for(lambda: all(u["update_id"] > bad for u in api.updates))  # confirmed
        assert rows(bot.db, "SELECT update_id, skipped FROM updates WHERE skipped IS NOT NULL") == [
            (bad, "callback_query")
        ]
        assert rows(bot.db, f"SELECT data FROM updates WHERE update_id = {bad}") == [("",)]

        # It does not stop the bot after a restart either (it is not fetched again). Killed
        # once the answered updates are marked done: one answered but not yet marked would
        # rightly be handled again after the crash.
        await eventually(
            lambda: rows(bot.db, "SELECT COUNT(*) FROM updates WHERE done_at IS NULL") == [(0,)]
        )
        await kill(bot)
        await bot.start()
        await api.say(mei, "/next")
        await api.reply(MEI, 1, "Source", timeout=90)
        assert bot.process is not None and bot.process.returncode is None
        assert len(api.to(MEI)) == 2, [s.text[:60] for s in api.to(MEI)]
    finally:
        await bot.stop()
        await api.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert f"update {bad} (callback_query) cannot be read: skipped" in log
    assert "Traceback" not in log
    assert private_logs(bot.log) == []


async def test_the_webhook_answers_200_to_an_unreadable_update_and_skips_it(
    tmp_path: Path,
) -> None:
    api = BotAPIEmulator()
    base = await api.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    env.update(
        TRANSTUTOR_BOT_TOKEN=TOKEN,
        TRANSTUTOR_TELEGRAM_API=base,
        TRANSTUTOR_DB=str(tmp_path / "w.db"),
        TRANSTUTOR_WEBHOOK_URL="https://bot.example.edu",
        TRANSTUTOR_WEBHOOK_SECRET="s3cret",
        TRANSTUTOR_WEBHOOK_HOST="127.0.0.1",
        TRANSTUTOR_WEBHOOK_PORT=str(port),
        TRANSTUTOR_LOG_LEVEL="DEBUG",
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "transtutor_bot.cli", "webhook", env=env, stdout=log, stderr=log
        )
    mei = api.user(MEI, "en", SECRET_NAME)
    try:
        await api.wait_for(lambda: "setWebhook" in api.calls, timeout=90)
        url = f"http://127.0.0.1:{port}/telegram"
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        async with aiohttp.ClientSession() as http:
            bad = {"update_id": 5, **unreadable(mei)}
            assert await post_update(http, url, bad, headers) == 200
            good = {"update_id": 6, **message(mei, "/help")}
            assert await post_update(http, url, good, headers) == 200
        await api.reply(MEI, 0, "What I can do")
        assert rows(
            tmp_path / "w.db", "SELECT update_id, skipped FROM updates WHERE skipped IS NOT NULL"
        ) == [(5, "callback_query")]
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 20)
        await api.stop()
    assert "Traceback" not in log_path.read_text(encoding="utf-8")
    assert private_logs(log_path) == []


async def test_a_conflict_and_server_errors_at_start_give_one_clear_line(tmp_path: Path) -> None:
    api = BotAPIEmulator()
    base = await api.start()
    calls = {"getMe": 0, "getUpdates": 0}

    def refuse(method: str, params: dict[str, Any]) -> tuple[int, str] | None:
        if method not in calls:
            return None
        calls[method] += 1
        if method == "getMe" and calls[method] <= 2:
            return 502, "Bad Gateway"
        if method == "getUpdates" and calls[method] <= 3:
            return 409, "Conflict: terminated by other getUpdates request"
        return None

    api.fail_with = refuse
    bot = BotProcess(base, tmp_path / "e2e.db", tmp_path / "bot.log")
    await bot.start()
    try:
        await api.wait_for(lambda: calls["getUpdates"] > 3, timeout=120)
        mei = api.user(MEI)
        await api.say(mei, "/help")
        await api.reply(MEI, 0, "What I can do", timeout=60)
    finally:
        await bot.stop()
        await api.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert log.count("another process is getting updates with this bot token (HTTP 409") == 1
    assert "Bot API not reachable (the server answered: Bad Gateway)" in log
    assert "Traceback" not in log


async def test_a_second_bot_on_the_same_database_refuses(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, first):
        assert first.process is not None
        second = BotProcess(api.base_url, first.db, tmp_path / "second.log")
        await second.start()
        assert second.process is not None
        assert await asyncio.wait_for(second.process.wait(), 60) == 2
        line = (tmp_path / "second.log").read_text(encoding="utf-8").strip()
        assert f"is in use by another transtutor process (pid {first.process.pid} on " in line
        assert len(line.splitlines()) == 1

        # The lock dies with its process, even killed: the next bot starts at once.
        await kill(first)
        calls = len(api.calls)
        await first.start()
        await api.wait_for(lambda: "getUpdates" in api.calls[calls:], timeout=90)
        mei = api.user(MEI)
        await api.say(mei, "/help")
        await api.reply(MEI, 0, "What I can do")


async def test_a_deconfigured_admin_loses_the_role_at_restart(tmp_path: Path) -> None:
    async with running_bot(tmp_path, TRANSTUTOR_ADMINS=str(ADMIN)) as (api, bot):
        admin = api.user(ADMIN, "en", "Admin")
        await api.say(admin, f"/grant {HELPER} instructor")
        await api.reply(ADMIN, 0, "is now instructor")
        await api.say(admin, "/roles")
        listed = await api.reply(ADMIN, 1, "Roles")
        assert f"{ADMIN}" in listed.text and "configuration" in listed.text
        assert f"{HELPER}" in listed.text and "given in chat" in listed.text

        await bot.stop()
        bot.env.pop("TRANSTUTOR_ADMINS")
        calls = len(api.calls)
        await bot.start()
        await api.wait_for(lambda: "getUpdates" in api.calls[calls:], timeout=90)
        await api.say(admin, f"/grant {MEI} admin")
        refused = await api.reply(ADMIN, 2)
        assert "is now" not in refused.text
        assert rows(
            bot.db, f"SELECT id, role FROM users WHERE id IN ({ADMIN}, {HELPER}, {MEI})"
        ) == [
            (ADMIN, "student"),
            (HELPER, "instructor"),  # given in chat: kept
        ]


async def test_feedback_whose_send_fails_is_delivered_and_never_called_unrecorded(
    tmp_path: Path,
) -> None:
    async with running_bot(tmp_path) as (api, bot):
        mei = api.user(MEI, "en", "Mei")
        failures = {"left": 0}

        def flaky(method: str, params: dict[str, Any]) -> tuple[int, str] | None:
            to_mei = method == "sendMessage" and int(params.get("chat_id") or 0) == MEI
            if to_mei and failures["left"] > 0:
                failures["left"] -= 1
                return 502, "Bad Gateway"
            return None

        api.fail_with = flaky
        await api.say(mei, "/next")
        await api.reply(MEI, 0, "Source")
        failures["left"] = 2  # fails twice, then goes through: the sender's retries carry it
        await api.say(mei, "A translation of the source text.")
        first = await api.reply(MEI, 1, "/100")
        assert failures["left"] == 0

        await api.say(mei, "/next")
        await api.reply(MEI, 2, "Source")
        failures["left"] = 10  # Telegram down for longer than the retries: the feedback is owed
        await api.say(mei, "Another translation of the source text.")
        await api.wait_for(lambda: failures["left"] == 6)
        await eventually(
            lambda: rows(bot.db, "SELECT COUNT(*) FROM attempts WHERE feedback_owed = 1") == [(1,)]
        )
        failures["left"] = 0
        await api.say(mei, "/help")
        owed = await api.reply(MEI, 3)
        assert "feedback on your earlier answer" in owed.text and "/100" in owed.text
        await api.reply(MEI, 4, "What I can do")
        texts = [s.text for s in api.to(MEI)]
        assert not any("not recorded" in text for text in texts), texts
        assert "/100" in first.text
        assert rows(bot.db, "SELECT COUNT(*) FROM attempts WHERE feedback_owed = 1") == [(0,)]
        assert rows(bot.db, "SELECT COUNT(*) FROM attempts") == [(2,)]


async def test_sigterm_leaves_no_unclosed_session(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (_, bot):
        assert bot.process is not None
        bot.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.process.wait(), 30) == 0
    assert "Unclosed" not in bot.log.read_text(encoding="utf-8")


async def test_a_rejected_token_is_one_line_and_leaves_no_unclosed_session(
    tmp_path: Path,
) -> None:
    api = BotAPIEmulator()
    base = await api.start()
    api.fail_with = lambda method, params: (401, "Unauthorized")
    bot = BotProcess(base, tmp_path / "e2e.db", tmp_path / "bot.log")
    await bot.start()
    try:
        assert bot.process is not None
        assert await asyncio.wait_for(bot.process.wait(), 90) == 2
    finally:
        await api.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert "Telegram rejected the bot token (TRANSTUTOR_BOT_TOKEN)" in log
    assert "Unclosed" not in log and "Traceback" not in log
