"""Incoming updates: recorded before they are handled, handled once.

aiogram's own long polling confirms an update to Telegram (the next getUpdates offset) as soon
as it has handed it to a task, so a crash would lose the work in flight; and it does not drop a
repeated update_id. Here every batch is committed to the `updates` table first, and only then
confirmed; an update_id seen before is not handled again; each update is marked done when its
handler has finished (its text is dropped then). At start, updates recorded but never finished
(the bot was killed on them) are handled first. Handlers run as tasks, at most `MAX_IN_FLIGHT` at
once: beyond that the bot stops fetching, and Telegram keeps the rest.

Updates are fetched as raw JSON and decoded one by one: an update this aiogram cannot read (a
newer Bot API's, or a malformed one) is logged by id and type only, recorded as skipped and
confirmed with the rest, so one bad update never stops the others or the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.methods import GetUpdates
from aiogram.types import Update
from pydantic import ValidationError

from transtutor.clock import utcnow
from transtutor.infra.executors import Runner

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 200
POLL_TIMEOUT = 20
# After this long in conflict (HTTP 409) without a single good getUpdates, polling stops.
CONFLICT_GIVE_UP = 300.0


class RawUpdates(GetUpdates):
    """getUpdates answered as plain JSON objects, decoded one by one (see `decode`): aiogram's
    own GetUpdates fails the whole batch on one update it cannot read."""

    __returning__ = list[Any]


class PollingConflict(Exception):
    """Telegram keeps answering 409: another process polls with this token, or a webhook is set."""


def update_kind(raw: dict[str, Any]) -> str:
    """The update's type (its one field besides update_id), for logs that hold no content."""
    return next((k for k in raw if k != "update_id"), "empty")


def decode(raw: object, bot: Bot) -> Update | None:
    """One update from its JSON, or None (logged by id and type only) if it cannot be read."""
    try:
        return Update.model_validate(raw, context={"bot": bot})
    except ValidationError:
        kind = update_kind(raw) if isinstance(raw, dict) else type(raw).__name__
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        log.warning("update %s (%s) cannot be read: skipped", update_id, kind)
        return None


def raw_update_id(raw: object) -> int | None:
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


def sender_of(update: Update) -> int | None:
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:  # an update type this aiogram does not know
        return None
    return user.id if user is not None else None


class UpdateLog(Protocol):
    """Where updates are recorded before they are handled (the store's `updates`)."""

    def receive_updates(
        self, updates: list[tuple[int, int | None, str]], now: datetime
    ) -> list[int]: ...
    def skip_updates(self, updates: list[tuple[int, str]], now: datetime) -> None: ...
    def finish_update(self, update_id: int, now: datetime) -> None: ...
    def pending_updates(self) -> list[tuple[int, str]]: ...


class Intake:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, runner: Runner, updates: UpdateLog
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.runner = runner
        self.updates = updates
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.tasks: set[asyncio.Task[None]] = set()

    async def accept(self, updates: Iterable[Update]) -> int:
        """Record a batch, then start handling the updates not seen before; how many."""
        batch = list(updates)
        rows = [(u.update_id, sender_of(u), u.model_dump_json(exclude_none=True)) for u in batch]
        fresh = set(await self.runner.db(self.updates.receive_updates, rows, utcnow()))
        for update in batch:
            if update.update_id in fresh:
                await self._start(update)
            else:
                log.info("update %s was delivered again: ignored", update.update_id)
        return len(fresh)

    async def accept_raw(self, raws: list[Any]) -> int:
        """A batch as JSON: the readable updates accepted, the others recorded as skipped."""
        updates, skipped = [], []
        for raw in raws:
            update = decode(raw, self.bot)
            if update is not None:
                updates.append(update)
            elif (update_id := raw_update_id(raw)) is not None:
                kind = update_kind(raw) if isinstance(raw, dict) else "?"
                skipped.append((update_id, kind))
        if skipped:
            await self.runner.db(self.updates.skip_updates, skipped, utcnow())
        return await self.accept(updates) if updates else 0

    async def replay(self) -> int:
        """Handle what was recorded but not finished before the last stop."""
        pending = await self.runner.db(self.updates.pending_updates)
        for update_id, data in pending:
            log.info("update %s was not finished before the last stop: handling it now", update_id)
            update = decode(json.loads(data), self.bot)
            if update is None:
                await self.runner.db(
                    self.updates.skip_updates, [(update_id, "unreadable")], utcnow()
                )
                continue
            await self._start(update)
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
            await self.runner.db(self.updates.finish_update, update.update_id, utcnow())

    async def drain(self, timeout: float = 20.0) -> None:
        """Let the handlers in flight finish (on a clean stop)."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)


async def poll(dispatcher: Dispatcher, bot: Bot, runner: Runner, updates: UpdateLog) -> None:
    """Long polling with record-first intake until SIGTERM/SIGINT."""
    intake = Intake(dispatcher, bot, runner, updates)
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
    conflict_since: float | None = None
    loop = asyncio.get_running_loop()
    allowed = dispatcher.resolve_used_update_types()
    while True:
        try:
            raws = await bot(
                RawUpdates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=allowed)
            )
        except TelegramConflictError as exc:
            now = loop.time()
            if conflict_since is None:
                conflict_since = now
                log.warning("%s; retrying", conflict_line(exc.message))
            elif now - conflict_since > CONFLICT_GIVE_UP:
                raise PollingConflict(conflict_line(exc.message)) from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
            continue
        except (TelegramNetworkError, TelegramServerError, ClientDecodeError) as exc:
            # ClientDecodeError: an answer that is not the Bot API's JSON (a proxy's error page).
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
            continue
        if conflict_since is not None:
            log.info("the conflict is over: polling again")
            conflict_since = None
        delay = 1.0
        ids = [i for i in map(raw_update_id, raws) if i is not None]
        if raws:
            await intake.accept_raw(raws)  # committed before the next call confirms them
        if ids:
            offset = max(offset or 0, max(ids) + 1)


def conflict_line(description: str) -> str:
    """What a 409 from getUpdates means, and what to do about it, in one line."""
    if "webhook" in description.lower():
        return (
            "Telegram refuses getUpdates because a webhook is set for this bot token (HTTP 409): "
            "another deployment runs `transtutor webhook`; stop it (this process removed the "
            "webhook at start, so something set it again)"
        )
    return (
        "another process is getting updates with this bot token (HTTP 409 Conflict): run one "
        "`transtutor run` per token, or stop the other one"
    )
