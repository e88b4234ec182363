"""Whatever no other router took: unknown commands, stickers, photos, stray files."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from transtutor_bot.commands import PRIVILEGED
from transtutor_bot.i18n import Translator


async def unknown_command(message: Message, t: Translator) -> None:
    command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    # A staff command used without the role is refused without saying what it does.
    await message.answer(
        t("reject.not_allowed" if command in PRIVILEGED else "reject.unknown_command")
    )


async def document(message: Message, t: Translator) -> None:
    await message.answer(t("reject.document"))


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("reject.not_text"))


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("spot.stale"))


def router() -> Router:
    r = Router(name="fallback")
    r.message.filter(F.chat.type == "private")  # in groups the bot stays quiet
    r.message.register(unknown_command, F.text.startswith("/"))
    r.message.register(document, F.document)
    r.message.register(not_text)
    r.callback_query.register(stale_button)
    return r
