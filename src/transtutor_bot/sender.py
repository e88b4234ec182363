"""Outgoing traffic in one place. Every request the bot makes goes through `Outgoing`, a
session middleware: messages are paced to Telegram's limits (`RateLimiter`), a 429 is waited
out (`retry_after`) and sent again, and a transient failure (5xx, network) is retried a few
times with backoff. Replies to users go first: sends of a bulk wave (reminders, digests, marked
with `bulk()`) reserve no pace slot more than `BULK_HORIZON` ahead, so a wave of thousands
never queues in front of an answer's feedback; only when replies fill the pace on their own
does a wave still get `BULK_MIN_RATE` sends a second in line with them, so it is never
starved. `Notifier` sends the messages nobody asked for (reminders, digests, grades,
extensions) and handles users who blocked the bot."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetMe, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from transtutor.people.records import Recipient
from transtutor.projects.reminders import Reminder
from transtutor.reports.digest import Digest
from transtutor_bot import render_projects, render_reports
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import split_message

log = logging.getLogger(__name__)
# A request refused with 429 is retried as Telegram says, until it has waited this long.
MAX_WAIT = 600.0
# A 5xx or network failure is retried this many times, after 0.5, 1, 2 ... seconds. (A send
# whose answer was lost on the network may then arrive twice: better than not at all.)
TRANSIENT_RETRIES = 3
TRANSIENT_DELAY = 0.5
# A bulk send takes a pace slot at most this far ahead; otherwise it waits and asks again.
# A reply then waits for at most this much of a wave (plus its own chat's pace).
BULK_HORIZON = 0.25
# ...except when no bulk send got a slot for 1/BULK_MIN_RATE s: then one takes its turn in line
# with the replies, so a wave moves on at this rate even while replies use all of the 30/s.
BULK_MIN_RATE = 5.0
_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("bulk", default=False)
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


@contextmanager
def bulk() -> Iterator[None]:
    """Sends made inside are part of a bulk wave: they give way to replies."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


class Slots:
    """The overall pace: sends take slots on a grid of `per` seconds, one send per slot, so
    no second ever carries more than 1/per (+1) sends; a send held for later (after a 429)
    takes a later slot without holding up the others."""

    def __init__(self, per: float) -> None:
        self.per = per
        self.taken: set[int] = set()
        self.frontier = 0  # every slot from now up to here is taken

    def take(self, earliest: float, now: float, within: float | None = None) -> float | None:
        """Take the first free slot at or after `earliest`; its time. With `within`, only a
        slot less than that many seconds from now (None, and nothing taken, if there is none)."""
        first = math.ceil(now / self.per - 1e-9)
        if len(self.taken) > 10_000:
            self.taken = {i for i in self.taken if i >= first}
        self.frontier = max(self.frontier, first)
        slot = max(math.ceil(earliest / self.per - 1e-9), first)
        if slot <= self.frontier:
            slot = self.frontier
        while slot in self.taken:
            slot += 1
        at = max(slot * self.per, earliest)
        if within is not None and at - now > within:
            return None
        self.taken.add(slot)
        while self.frontier in self.taken:
            self.frontier += 1
        return at


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
        self.bulk_due = 0.0  # from then on, a bulk send is owed its minimum share

    def reserve(self, chat_id: int | str, bulk: bool = False) -> float | None:
        """Reserve a send to this chat; returns how long to wait before sending. A bulk send
        gets a slot only within BULK_HORIZON (else None: nothing reserved, ask again later),
        unless it is owed its BULK_MIN_RATE share."""
        now = self.clock()
        chat = self.chats.get(chat_id)
        if chat is None:
            if len(self.chats) > 10_000:  # forget chats that are idle again
                self.chats = {k: b for k, b in self.chats.items() if b.due > now}
            is_group = isinstance(chat_id, str) or chat_id < 0
            chat = self.chats[chat_id] = Bucket(*(self.group if is_group else self.private))
        within = BULK_HORIZON if bulk and now < self.bulk_due else None
        at = self.overall.take(chat.earliest(now), now, within)
        if at is None:
            return None
        if bulk:
            self.bulk_due = now + 1 / BULK_MIN_RATE
        chat.take(at)
        return at - now

    def hold(self, chat_id: int | str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing more to it for `seconds`."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.due = max(chat.due, self.clock() + seconds + chat.slack)

    async def wait(self, chat_id: int | str, bulk: bool = False) -> None:
        while (delay := self.reserve(chat_id, bulk)) is None:
            await self.sleep(BULK_HORIZON / 2)
        if delay > 0:
            await self.sleep(delay)


class Outgoing(BaseRequestMiddleware):
    """Every request: paced if it sends into a chat; on a 429, wait `retry_after` and retry;
    on a 5xx or a network failure, retry TRANSIENT_RETRIES times with backoff (getUpdates and
    getMe have their own retry loops)."""

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
        failures = 0
        while True:
            if chat_id is not None:
                await self.limiter.wait(chat_id, _bulk.get())
            try:
                return await make_request(bot, method)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if isinstance(method, GetUpdates | GetMe) or failures >= TRANSIENT_RETRIES:
                    raise
                delay = TRANSIENT_DELAY * 2**failures
                failures += 1
                log.warning(
                    "%s failed (%s); retry %d in %.1f s",
                    type(method).__name__,
                    type(exc).__name__,
                    failures,
                    delay,
                )
                await asyncio.sleep(delay)
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
        with bulk():
            return await self.send(
                reminder.recipient.user_id, render_projects.reminder(t, reminder, self.zone)
            )

    async def digest(self, recipient: Recipient, digest: Digest) -> bool:
        t = Translator(recipient.language)
        text = render_reports.digest_text(t, digest, self.zone)
        delivered = True
        with bulk():
            for part in split_message(text):
                delivered = delivered and await self.send(recipient.user_id, part)
        return delivered
