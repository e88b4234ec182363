"""Who is writing: the user's record, role and language, handed to every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from transtutor.learning.practice import Practice
from transtutor_bot.i18n import Translator, language_of


class Identity(BaseMiddleware):
    """Outer update middleware: registers the user and injects `me` and `t`."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        me = await self.practice.meet(user.id, user.full_name, language_of(user.language_code))
        data["me"] = me
        data["t"] = Translator(me.language)
        return await handler(event, data)
