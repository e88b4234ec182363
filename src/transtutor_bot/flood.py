"""Per-user flood throttling: one user sending far faster than a person types (a script, a
stuck key, a pasted list of commands) is slowed down before their updates cost any work, and
everyone else is served as usual.

Each user has a `Bucket` like the outgoing pacer's: a burst of `burst` updates, then one per
`per` seconds. An update beyond that is dropped; the user is told once per `warn_every`
seconds (a button press is answered so its spinner stops).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import Chat, TelegramObject, Update, User

from transtutor_bot.i18n import Translator, language_of
from transtutor_bot.sender import Bucket

log = logging.getLogger(__name__)


class FloodGuard(BaseMiddleware):
    """Outer update middleware, first in line (before the user is even looked up)."""

    def __init__(
        self,
        per: float = 1.0,
        burst: int = 20,
        warn_every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per, self.burst, self.warn_every = per, burst, warn_every
        self.clock = clock
        self.users: dict[int, Bucket] = {}
        self.warned: dict[int, float] = {}

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        bucket = self.users.get(user_id)
        if bucket is None:
            if len(self.users) > 10_000:  # forget users whose bucket is full again
                self.users = {k: b for k, b in self.users.items() if b.due > now}
                self.warned = {k: w for k, w in self.warned.items() if k in self.users}
            bucket = self.users[user_id] = Bucket(self.per, self.burst)
        if bucket.earliest(now) > now:
            return False
        bucket.take(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        now = self.clock()
        if now < self.warned.get(user_id, -self.warn_every):
            return False
        self.warned[user_id] = now + self.warn_every
        return True

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot or self.allow(user.id):
            return await handler(event, data)
        log.info("user %s is flooding: update dropped", user.id)
        bot: Bot = data["bot"]
        text = Translator(language_of(user.language_code))("flood.slow_down")
        warn = self.should_warn(user.id)
        assert isinstance(event, Update)
        if event.callback_query is not None:
            await bot.answer_callback_query(event.callback_query.id, text=text if warn else None)
            return None
        chat: Chat | None = data.get("event_chat")
        if warn and chat is not None and chat.type == "private":
            await bot.send_message(chat.id, text)
        return None
