"""End to end: `transtutor webhook` registers itself and checks Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.emulator import BotAPIEmulator

pytestmark = pytest.mark.e2e
SECRET = "s3cret-header-value"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def post_update(
    http: aiohttp.ClientSession, url: str, update: dict[str, Any], headers: dict[str, str]
) -> int:
    """POST an update to the webhook server; its HTTP status."""
    for _ in range(100):  # the server may still be binding its port
        try:
            async with http.post(url, json=update, headers=headers) as response:
                return response.status
        except aiohttp.ClientConnectorError:
            await asyncio.sleep(0.1)
    raise AssertionError("webhook server never listened")


async def test_webhook_accepts_only_telegram(tmp_path: Path) -> None:
    api = BotAPIEmulator()
    base = await api.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    env.update(
        TRANSTUTOR_BOT_TOKEN="123:WEBHOOK",
        TRANSTUTOR_TELEGRAM_API=base,
        TRANSTUTOR_DB=str(tmp_path / "w.db"),
        TRANSTUTOR_WEBHOOK_URL="https://bot.example.edu",
        TRANSTUTOR_WEBHOOK_SECRET=SECRET,
        TRANSTUTOR_WEBHOOK_HOST="127.0.0.1",
        TRANSTUTOR_WEBHOOK_PORT=str(port),
    )
    with (tmp_path / "bot.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "transtutor_bot.cli", "webhook", env=env, stdout=log, stderr=log
        )
    try:
        await api.wait_for(lambda: "setWebhook" in api.calls, timeout=90)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 9, "type": "private"},
                "from": api.user(9),
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:

            async def post(headers: dict[str, str]) -> int:
                return await post_update(http, url, update, headers)

            assert await post({}) == 401
            assert await post({"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 401
            assert not api.to(9)
            assert await post({"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 200
        welcome = await api.reply(9, 0, "Welcome")
        assert "/next" in welcome.text
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 20)
        await api.stop()
