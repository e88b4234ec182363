"""A test client for the real dispatcher: send messages, press buttons by their text, read replies.

It drives the application built by the composition root, with an OfflineSession standing in for
Telegram, so every handler, middleware, keyboard and the storage run for real.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    Document,
    InlineKeyboardMarkup,
    PhotoSize,
    Sticker,
    Update,
)

from transtutor.clock import utcnow
from transtutor_bot.app import App
from transtutor_bot.terminal_session import OfflineSession, OfflineUser

_ids = itertools.count(1000)


class ChatClient:
    def __init__(
        self,
        app: App,
        session: OfflineSession,
        user_id: int = 100,
        language: str = "en",
        name: str = "Lin",
    ) -> None:
        self.app = app
        self.session = session
        self.you = OfflineUser(user_id, name, language)
        self.user = self.you.user
        self.last_markup: InlineKeyboardMarkup | None = None
        self.last_markup_message = 0

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        start = len(self.session.requests)
        await self.app.dispatcher.feed_update(self.app.bot, update)
        made = self.session.requests[start:]
        for method in made:
            for text in (getattr(method, "text", None), getattr(method, "caption", None)):
                if isinstance(text, str) and getattr(method, "parse_mode", None) is not None:
                    check_telegram_html(text)
            markup = getattr(method, "reply_markup", None)
            if isinstance(method, SendMessage | EditMessageText):
                self.last_markup = markup if isinstance(markup, InlineKeyboardMarkup) else None
                self.last_markup_message = getattr(method, "message_id", None) or 1
        return made

    async def send(self, text: str) -> list[str]:
        return await self.send_raw(text=text)

    async def send_raw(self, **content: Any) -> list[str]:
        return texts(await self._feed(self.you.message(**content)))

    async def sticker(self) -> list[str]:
        sticker = Sticker(
            file_id="s",
            file_unique_id="s",
            type="regular",
            width=1,
            height=1,
            is_animated=False,
            is_video=False,
        )
        return await self.send_raw(sticker=sticker)

    async def photo(self) -> list[str]:
        return await self.send_raw(
            photo=[PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)]
        )

    async def document(
        self,
        name: str = "essay.docx",
        content: bytes = b"x",
        caption: str | None = None,
        size: int | None = None,
    ) -> list[str]:
        file_id = f"f{next(_ids)}"
        self.session.files[file_id] = content
        document = Document(
            file_id=file_id,
            file_unique_id=file_id,
            file_name=name,
            file_size=len(content) if size is None else size,
        )
        return await self.send_raw(document=document, caption=caption)

    def buttons(self) -> list[str]:
        if self.last_markup is None:
            return []
        return [b.text for row in self.last_markup.inline_keyboard for b in row]

    def button_data(self, text: str) -> str:
        assert self.last_markup is not None, "no buttons to press"
        found = [b for row in self.last_markup.inline_keyboard for b in row if b.text == text]
        assert found, f"no button {text!r} in {self.buttons()}"
        return found[0].callback_data or ""

    async def click(self, text: str, data: str | None = None) -> list[str]:
        """Press a button of the last keyboard by its text (or an old one by its data)."""
        if data is None:
            data = self.button_data(text)
        return texts(await self._feed(self.you.press(data, self.last_markup_message)))

    def open(self, exercise_id: str) -> None:
        """Make a specific bundled exercise the open one (tests choose what to answer)."""
        for exercise_set in self.app.core.library.sets.values():
            if any(e.id == exercise_id for e in exercise_set.exercises):
                version = self.app.runner.db_sync(
                    self.app.store.content.set_versions, exercise_set.id
                )[-1]
                self.app.runner.db_sync(
                    self.app.store.learners.touch_user,
                    self.user.id,
                    self.user.full_name,
                    "en",
                    utcnow(),
                )
                self.app.runner.db_sync(
                    self.app.store.practice.open_exercise,
                    self.user.id,
                    exercise_set.id,
                    version,
                    exercise_id,
                    utcnow(),
                )
                return
        raise KeyError(exercise_id)

    def photos(self) -> list[SendPhoto]:
        return [m for m in self.session.requests if isinstance(m, SendPhoto)]


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for a condition on state nothing can signal (the bot's database, the requests
    an offline session records)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.05)


def texts(methods: list[TelegramMethod[Any]]) -> list[str]:
    found = []
    for method in methods:
        if isinstance(method, SendMessage | EditMessageText) or (
            isinstance(method, AnswerCallbackQuery) and method.text
        ):
            found.append(method.text)
        elif isinstance(method, SendPhoto):
            found.append(f"[photo] {method.caption or ''}")
        elif isinstance(method, SendDocument):
            found.append(f"[document] {method.caption or ''}")
    return found


# What Telegram's HTML parse mode accepts; anything else makes the whole message fail to send.
TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_ENTITY = re.compile(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in TELEGRAM_TAGS, f"Telegram rejects the tag <{tag}>"
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes nothing ({self.open})"
        self.open.pop()

    def handle_entityref(self, name: str) -> None:
        assert name in ("lt", "gt", "amp", "quot"), f"Telegram rejects &{name};"


def check_telegram_html(text: str) -> None:
    """Fail if Telegram would refuse `text` in HTML parse mode (unknown or unbalanced tags,
    a bare '&' or an unknown entity): a reply that echoes user input must escape it."""
    assert _ENTITY.search(text) is None, f"bare '&' in {text[:200]!r}"
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    assert not parser.open, f"unclosed tags {parser.open} in {text[:200]!r}"
