"""Incoming updates: recorded before they are handled, handled once.

aiogram's own long polling confirms an update to Telegram (the next getUpdates offset) as soon
as it has handed it to a task, so a crash would lose the work in flight; and it does not drop a
repeated update_id. Here every batch is committed to the `updates` table first, and only then
confirmed; an update_id seen before is not handled again; each update is marked done when its
handler has finished (its text is dropped then). At start, updates recorded but never finished
(the bot was killed on them) are handled first. Handlers run as tasks, at most `MAX_IN_FLIGHT` at
once: beyond that the bot stops fetching, and Telegram keeps the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterable

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import Update

from transtutor.runtime import Runner
from transtutor.storage import Storage, utcnow

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 200
POLL_TIMEOUT = 20


def sender_of(update: Update) -> int | None:
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:  # an update type this aiogram does not know
        return None
    return user.id if user is not None else None


class Intake:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, runner: Runner) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.runner = runner
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.tasks: set[asyncio.Task[None]] = set()

    async def accept(self, updates: Iterable[Update]) -> int:
        """Record a batch, then start handling the updates not seen before; how many."""
        batch = list(updates)
        rows = [(u.update_id, sender_of(u), u.model_dump_json(exclude_none=True)) for u in batch]
        fresh = set(await self.runner.db(Storage.receive_updates, rows, utcnow()))
        for update in batch:
            if update.update_id in fresh:
                await self._start(update)
            else:
                log.info("update %s was delivered again: ignored", update.update_id)
        return len(fresh)

    async def replay(self) -> int:
        """Handle what was recorded but not finished before the last stop."""
        pending = await self.runner.db(Storage.pending_updates)
        for update_id, data in pending:
            log.info("update %s was not finished before the last stop: handling it now", update_id)
            await self._start(Update.model_validate_json(data, context={"bot": self.bot}))
        return len(pending)

    async def _start(self, update: Update) -> None:
        await self.slots.acquire()
        task = asyncio.create_task(self._handle(update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # the errors router answered what it could; never handle it again
            log.exception("update %s failed", update.update_id)
        finally:
            self.slots.release()
            await self.runner.db(Storage.finish_update, update.update_id, utcnow())

    async def drain(self, timeout: float = 20.0) -> None:
        """Let the handlers in flight finish (on a clean stop)."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)


async def poll(dispatcher: Dispatcher, bot: Bot, runner: Runner) -> None:
    """Long polling with record-first intake until SIGTERM/SIGINT."""
    intake = Intake(dispatcher, bot, runner)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await dispatcher.emit_startup(bot=bot)
    try:
        await intake.replay()
        fetching = asyncio.create_task(_fetch(intake, dispatcher, bot))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({fetching, stopped}, return_when=asyncio.FIRST_COMPLETED)
        fetching.cancel()
        stopped.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fetching
        log.info("polling stopped")
        await intake.drain()
    finally:
        await dispatcher.emit_shutdown(bot=bot)


async def _fetch(intake: Intake, dispatcher: Dispatcher, bot: Bot) -> None:
    offset: int | None = None
    delay = 1.0
    allowed = dispatcher.resolve_used_update_types()
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT, allowed_updates=allowed
            )
        except (TelegramNetworkError, TelegramServerError) as exc:
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
            continue
        delay = 1.0
        if updates:
            await intake.accept(updates)  # committed before the next call confirms them
            offset = max(offset or 0, max(u.update_id for u in updates) + 1)
