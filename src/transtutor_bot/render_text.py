"""Text helpers every reply uses: escaping, Telegram's length limit, terminal plain text."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # the CLI renders without importing aiogram
    from aiogram.types import Message

TELEGRAM_LIMIT = 4096
TAG = re.compile(r"</?(b|i|u|code|pre)>")


def quote(text: str) -> str:
    """User or content text inside HTML: escaped, shown verbatim."""
    return html.escape(text, quote=False)


def when(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the course writes it: '2026-12-01 18:00' in the course time zone."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def day(moment: datetime, zone: ZoneInfo) -> str:
    """The date a moment falls on in the course time zone: '2026-12-01'."""
    return moment.astimezone(zone).strftime("%Y-%m-%d")


def plain(text: str, bold: tuple[str, str] = ("", "")) -> str:
    """Our Telegram HTML as terminal text (bold as the given escape codes, or nothing)."""
    text = text.replace("<b>", bold[0]).replace("</b>", bold[1])
    return html.unescape(TAG.sub("", text))


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines, then lines, so that no part exceeds Telegram's limit."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


async def reply(message: Message, text: str, **kwargs: Any) -> None:
    """Answer with text of any length: split to Telegram's limit, extras on the last part."""
    parts = split_message(text)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], **kwargs)
