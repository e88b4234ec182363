"""Who is writing: the user's record, role and language, handed to every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from transtutor.learning.practice import Practice
from transtutor_bot.config import Settings
from transtutor_bot.i18n import Translator, language_of


class Roles:
    """The roles the configuration gives; applied to the database at every start
    (`Storage.apply_configured_roles`), where they win while configured."""

    def __init__(self, settings: Settings) -> None:
        self._configured: dict[int, str] = {}
        for role, ids in (
            ("coordinator", settings.coordinators),
            ("instructor", settings.instructors),
            ("admin", settings.admins),
        ):
            for user_id in ids:
                self._configured[user_id] = role  # later, stronger roles win

    @property
    def privileged_ids(self) -> dict[int, str]:
        return dict(self._configured)


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
