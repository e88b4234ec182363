"""Role checks for privileged commands."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from transtutor.storage import UserRecord


class HasRole(Filter):
    """Passes when the user has one of the roles (admins pass every role check)."""

    def __init__(self, *roles: str) -> None:
        self.roles = {*roles, "admin"}

    async def __call__(self, event: TelegramObject, me: UserRecord | None = None, **_: Any) -> bool:
        return me is not None and me.role in self.roles
