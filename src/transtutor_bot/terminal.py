"""`transtutor try`: the real dispatcher and handlers, chatting in a terminal instead of Telegram.

Type what you would send in Telegram (/next, an answer, /progress ...). When a message has
buttons they are numbered: type the number to press one. Ctrl-D or /quit ends.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    InlineKeyboardMarkup,
    Update,
)

from transtutor_bot.app import App, build_app
from transtutor_bot.config import Settings
from transtutor_bot.render_text import plain
from transtutor_bot.terminal_session import OfflineSession, OfflineUser


class Terminal:
    def __init__(self, settings: Settings, language: str, name: str, out: Any = sys.stdout) -> None:
        self.out = out
        self.bold = out.isatty()
        self.session = OfflineSession(listener=self.show)
        self.app: App = build_app(settings, session=self.session)
        self.you = OfflineUser(1, name, language)
        self.buttons: list[tuple[str, str, int]] = []  # text, callback data, message id
        self.files_dir: Path | None = None  # made on the first file the bot sends
        self.db = settings.db
        for note in self.app.core.library.notes:
            self.write(f"note: {note}")

    def write(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def plain(self, text: str) -> str:
        return plain(text, ("\033[1m", "\033[0m") if self.bold else ("", ""))

    def show(self, method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendMessage | EditMessageText):
            self.write("\n" + self.plain(method.text or ""))
            self.keyboard(method.reply_markup, getattr(method, "message_id", None))
        elif isinstance(method, EditMessageReplyMarkup):
            self.keyboard(method.reply_markup, method.message_id)
        elif isinstance(method, SendPhoto | SendDocument):
            sent = method.photo if isinstance(method, SendPhoto) else method.document
            name = getattr(sent, "filename", None) or (
                "picture.png" if isinstance(method, SendPhoto) else "file"
            )
            path = self.save(name, getattr(sent, "data", b""))
            kind = "picture" if isinstance(method, SendPhoto) else "file"
            self.write(f"\n[{kind} saved to {path}] {self.plain(method.caption or '')}".rstrip())
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            self.write(f"\n({self.plain(method.text)})")

    def save(self, name: str, data: bytes) -> Path:
        """Keep a file the bot sent: in transtutor-files/ beside the database (a temporary
        folder for an in-memory one), never overwriting an earlier file of the same name."""
        if self.files_dir is None:
            if str(self.db) == ":memory:":
                self.files_dir = Path(tempfile.mkdtemp(prefix="transtutor-files-"))
            else:
                self.files_dir = Path(self.db).resolve().parent / "transtutor-files"
                self.files_dir.mkdir(exist_ok=True)
        safe = Path(name).name or "file"
        path = self.files_dir / safe
        number = 1
        while path.exists():
            number += 1
            path = self.files_dir / f"{Path(safe).stem}-{number}{Path(safe).suffix}"
        path.write_bytes(data)
        return path

    def keyboard(self, markup: Any, message_id: int | None) -> None:
        self.buttons = []
        if not isinstance(markup, InlineKeyboardMarkup):
            return
        labels = []
        for row in markup.inline_keyboard:
            for button in row:
                self.buttons.append((button.text, button.callback_data or "", message_id or 0))
                labels.append(f"[{len(self.buttons)}] {button.text}")
        self.write("   ".join(labels))

    def update_for(self, line: str) -> Update:
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            text, data, message_id = self.buttons[int(line) - 1]
            self.write(f"> {text}")
            return self.you.press(data, message_id, text)
        return self.you.message(text=line)

    async def run(self, lines: Any) -> None:
        dispatcher, bot = self.app.dispatcher, self.app.bot
        await dispatcher.emit_startup(bot=bot)
        self.write("transtutor try — type /next to start, /help for commands, Ctrl-D to quit.")
        try:
            await dispatcher.feed_update(bot, self.update_for("/start"))
            loop = asyncio.get_running_loop()
            interactive = hasattr(lines, "isatty") and lines.isatty()
            while True:
                if interactive:
                    print("\nyou> ", end="", file=self.out, flush=True)
                line = await loop.run_in_executor(None, lines.readline)
                if not line or line.strip() in ("/quit", "/exit"):
                    break
                if line.strip():
                    await dispatcher.feed_update(bot, self.update_for(line.strip()))
        finally:
            await dispatcher.emit_shutdown(bot=bot)
            self.app.close()


def run_terminal(settings: Settings, language: str, name: str) -> None:
    terminal = Terminal(settings, language, name)
    asyncio.run(terminal.run(sys.stdin))
