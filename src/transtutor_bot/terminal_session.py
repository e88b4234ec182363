"""A Bot API session that talks to no server: for `transtutor try` and handler tests.

Every request is recorded (and handed to `listener`); sends return a plausible Message so the
real dispatcher, handlers and keyboards run unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Chat, File, Message, Update, User

BOT_USER = User(id=42, is_bot=True, first_name="transtutor", username="transtutor_bot")


class OfflineSession(BaseSession):
    def __init__(self, listener: Callable[[TelegramMethod[Any]], None] | None = None) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.files: dict[str, bytes] = {}  # file_id -> content, for getFile and downloads
        self.listener = listener
        self._ids = itertools.count(1)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        if self.listener is not None:
            self.listener(method)
        return self._result(method)  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetFile):
            content = self.files.get(method.file_id, b"")
            return File(
                file_id=method.file_id,
                file_unique_id=method.file_id,
                file_size=len(content),
                file_path=method.file_id,
            )
        if isinstance(
            method,
            SendMessage | SendPhoto | SendDocument | EditMessageText | EditMessageReplyMarkup,
        ):
            chat_id = int(getattr(method, "chat_id", 0) or 0)
            return Message(
                message_id=getattr(method, "message_id", None) or next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private"),
                from_user=BOT_USER,
                text=getattr(method, "text", None),
                caption=getattr(method, "caption", None),
                reply_markup=getattr(method, "reply_markup", None),
            )
        return True

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files.get(url.rsplit("/", 1)[-1], b"")


_ids = itertools.count(1)


class OfflineUser:
    """A Telegram user in a private chat, forging the updates they would send (fresh ids)."""

    def __init__(self, user_id: int, name: str, language: str | None = "en") -> None:
        self.user = User(id=user_id, is_bot=False, first_name=name, language_code=language)
        self.chat = Chat(id=user_id, type="private")

    def message(self, **content: Any) -> Update:
        """A message with the given content: `text=...`, `document=...`, `sticker=...`."""
        message = Message(
            message_id=next(_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **content,
        )
        return Update(update_id=next(_ids), message=message)

    def press(self, data: str, message_id: int, text: str = "") -> Update:
        """A press on a button with callback `data` under the bot's message `message_id`."""
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=BOT_USER,
            text=text or "buttons",
        )
        query = CallbackQuery(
            id=str(next(_ids)),
            from_user=self.user,
            chat_instance="offline",
            data=data,
            message=message,
        )
        return Update(update_id=next(_ids), callback_query=query)
