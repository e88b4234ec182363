"""Role checks for privileged commands."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from transtutor.people.awaiting import Inputs
from transtutor.people.records import UserRecord


class HasRole(Filter):
    """Passes when the user has one of the roles (admins pass every role check)."""

    def __init__(self, *roles: str) -> None:
        self.roles = {*roles, "admin"}

    async def __call__(self, event: TelegramObject, me: UserRecord | None = None, **_: Any) -> bool:
        return me is not None and me.role in self.roles


class Awaits(Filter):
    """Passes when the user's next message is awaited for `kind` (see transtutor.people.awaiting);
    for reviews, only at the comment step."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(
        self,
        event: TelegramObject,
        me: UserRecord | None = None,
        inputs: Inputs | None = None,
        **_: Any,
    ) -> bool:
        if me is None or inputs is None:
            return False
        waiting = inputs.get(me.id)
        if waiting is None or waiting.kind != self.kind:
            return False
        return self.kind != "review" or waiting.data.get("stage") == "comment"
