"""The real `transtutor run` process, started against the Bot API emulator for e2e tests."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.emulator import BotAPIEmulator

TOKEN = "123456:TEST-token-never-logged"


class BotProcess:
    def __init__(self, api: str, db: Path, log: Path, **env: str) -> None:
        self.api, self.db, self.log, self.env = api, db, log, env
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
        env.update(
            TRANSTUTOR_BOT_TOKEN=TOKEN, TRANSTUTOR_TELEGRAM_API=self.api, TRANSTUTOR_DB=str(self.db)
        )
        env.update(self.env)
        with self.log.open("ab") as handle:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "transtutor_bot.cli",
                "run",
                env=env,
                stdout=handle,
                stderr=handle,
            )

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@asynccontextmanager
async def running_bot(
    tmp_path: Path, **env: str
) -> AsyncIterator[tuple[BotAPIEmulator, BotProcess]]:
    """An emulator and a bot process polling it; on exit, checks the token never hit the log."""
    api = BotAPIEmulator()
    base = await api.start()
    bot = BotProcess(base, tmp_path / "e2e.db", tmp_path / "bot.log", **env)
    await bot.start()
    try:
        await api.wait_for(lambda: "getUpdates" in api.calls, timeout=90)
        yield api, bot
    finally:
        await bot.stop()
        await api.stop()
        log = bot.log.read_text(encoding="utf-8", errors="replace")
        assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def kill(bot: BotProcess) -> None:
    """SIGKILL: no shutdown handlers, no flushing: what a crash or an OOM kill does."""
    assert bot.process is not None
    bot.process.kill()
    await bot.process.wait()
