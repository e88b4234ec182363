"""Outgoing traffic in one place. Every request the bot makes goes through `Outgoing`, a
session middleware: messages are paced to Telegram's limits (`RateLimiter`) and a 429 is
waited out (`retry_after`) and sent again. `Notifier` sends the messages nobody asked for
(reminders, digests, grades, extensions) and handles users who blocked the bot."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from transtutor.digest import Digest
from transtutor.reminders import Reminder
from transtutor.storage import Recipient
from transtutor_bot import render_projects, render_reports
from transtutor_bot.i18n import Translator
from transtutor_bot.render import split_message

log = logging.getLogger(__name__)
# A request refused with 429 is retried as Telegram says, until it has waited this long.
MAX_WAIT = 600.0
# Methods that put something into a chat: these count against Telegram's limits.
PACED = {
    "SendMessage",
    "SendPhoto",
    "SendDocument",
    "EditMessageText",
    "EditMessageReplyMarkup",
    "ForwardMessage",
    "CopyMessage",
}


class Bucket:
    """A chat's pace: `per` seconds between sends on average, `burst` at once at most."""

    def __init__(self, per: float, burst: int) -> None:
        self.per = per
        self.slack = per * (burst - 1)
        self.due = 0.0  # when the next send would be on schedule

    def earliest(self, now: float) -> float:
        return max(now, self.due - self.slack)

    def take(self, at: float) -> None:
        self.due = max(self.due, at) + self.per


class Slots:
    """The overall pace: sends take slots on a grid of `per` seconds, one send per slot, so
    no second ever carries more than 1/per (+1) sends; a send held for later (after a 429)
    takes a later slot without holding up the others."""

    def __init__(self, per: float) -> None:
        self.per = per
        self.taken: set[int] = set()
        self.frontier = 0  # every slot from now up to here is taken

    def take(self, earliest: float, now: float) -> float:
        first = math.ceil(now / self.per - 1e-9)
        if len(self.taken) > 10_000:
            self.taken = {i for i in self.taken if i >= first}
        self.frontier = max(self.frontier, first)
        slot = max(math.ceil(earliest / self.per - 1e-9), first)
        if slot <= self.frontier:
            slot = self.frontier
        while slot in self.taken:
            slot += 1
        self.taken.add(slot)
        while self.frontier in self.taken:
            self.frontier += 1
        return max(slot * self.per, earliest)


class RateLimiter:
    """Paces sends: 30 per second overall, 1 per second per private chat with a burst of 2
    (a reply in two parts goes out at once), 20 per minute per group. A send's time is
    reserved at once, so sends to a chat keep their order."""

    def __init__(
        self,
        overall: float = 1 / 30,
        private: tuple[float, int] = (1.0, 2),
        group: tuple[float, int] = (3.0, 1),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.overall = Slots(overall)
        self.private, self.group = private, group
        self.chats: dict[int | str, Bucket] = {}
        self.clock, self.sleep = clock, sleep

    def reserve(self, chat_id: int | str) -> float:
        """Reserve a send to this chat; returns how long to wait before sending."""
        now = self.clock()
        chat = self.chats.get(chat_id)
        if chat is None:
            if len(self.chats) > 10_000:  # forget chats that are idle again
                self.chats = {k: b for k, b in self.chats.items() if b.due > now}
            is_group = isinstance(chat_id, str) or chat_id < 0
            chat = self.chats[chat_id] = Bucket(*(self.group if is_group else self.private))
        at = self.overall.take(chat.earliest(now), now)
        chat.take(at)
        return at - now

    def hold(self, chat_id: int | str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it for `seconds`."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.due = max(chat.due, self.clock() + seconds + chat.slack)

    async def wait(self, chat_id: int | str) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await self.sleep(delay)


class Outgoing(BaseRequestMiddleware):
    """Every request: paced if it sends into a chat; on a 429, wait `retry_after` and retry."""

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self.limiter = limiter or RateLimiter()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None) if type(method).__name__ in PACED else None
        waited = 0.0
        while True:
            if chat_id is not None:
                await self.limiter.wait(chat_id)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                waited += exc.retry_after
                if waited > MAX_WAIT:
                    raise
                log.warning(
                    "flood limit on %s: waiting %s s", type(method).__name__, exc.retry_after
                )
                if chat_id is not None:
                    self.limiter.hold(chat_id, exc.retry_after)  # the next wait() sleeps it
                else:
                    await asyncio.sleep(exc.retry_after)


class Notifier:
    """Messages the bot starts: True if delivered, False if the user cannot be reached."""

    def __init__(self, bot: Bot, zone: ZoneInfo) -> None:
        self.bot = bot
        self.zone = zone

    async def send(self, user_id: int, text: str, **kwargs: Any) -> bool:
        try:
            await self.bot.send_message(user_id, text, **kwargs)
        except TelegramForbiddenError:
            log.info("user %s has blocked the bot; message not delivered", user_id)
            return False
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                log.info("chat %s not found; message not delivered", user_id)
                return False
            raise
        return True

    async def reminder(self, reminder: Reminder) -> bool:
        t = Translator(reminder.recipient.language)
        return await self.send(
            reminder.recipient.user_id, render_projects.reminder(t, reminder, self.zone)
        )

    async def digest(self, recipient: Recipient, digest: Digest) -> bool:
        t = Translator(recipient.language)
        text = render_reports.digest_text(t, digest, self.zone)
        delivered = True
        for part in split_message(text):
            delivered = delivered and await self.send(recipient.user_id, part)
        return delivered
