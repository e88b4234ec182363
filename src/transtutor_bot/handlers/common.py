"""Commands every role has: /start, /help, /lang."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from transtutor.content.models import Course
from transtutor.learning.practice import Practice
from transtutor.people.access import Access
from transtutor.people.records import UserRecord
from transtutor_bot import keyboards
from transtutor_bot.commands import help_text, install_menu_for
from transtutor_bot.i18n import LANGUAGES, Translator
from transtutor_bot.render_text import quote


async def start(
    message: Message,
    bot: Bot,
    access: Access,
    command: CommandObject,
    me: UserRecord,
    t: Translator,
    practice: Practice,
    course: Course,
) -> None:
    await message.answer(
        t("start.welcome", course=quote(course.title.get(t.language)), name=quote(me.name))
    )
    if command.args:
        redeemed = await access.redeem(me.id, command.args)
        if redeemed.kind == "role":
            await install_menu_for(bot, me.id, redeemed.value)
            await message.answer(t("start.role_given", role=redeemed.value))
        else:
            await message.answer(t("start.joined", cohort=quote(redeemed.value)))


async def show_help(message: Message, me: UserRecord, t: Translator) -> None:
    await message.answer(help_text(t, me.role))


async def choose_language(
    message: Message, command: CommandObject, me: UserRecord, t: Translator, practice: Practice
) -> None:
    wanted = (command.args or "").strip().lower()
    if not wanted:
        await message.answer(t("lang.choose"), reply_markup=keyboards.languages())
        return
    if wanted not in LANGUAGES:
        await message.answer(t("lang.unknown"))
        return
    await practice.set_language(me.id, wanted)
    await message.answer(Translator(wanted)("lang.set"))


async def language_button(
    query: CallbackQuery, callback_data: keyboards.Language, me: UserRecord, practice: Practice
) -> None:
    if callback_data.code not in LANGUAGES:
        await query.answer()
        return
    await practice.set_language(me.id, callback_data.code)
    text = Translator(callback_data.code)("lang.set")
    await query.answer(text)
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


def router() -> Router:
    r = Router(name="common")
    r.message.register(start, CommandStart())
    r.message.register(show_help, Command("help"))
    r.message.register(choose_language, Command("lang"))
    r.callback_query.register(language_button, keyboards.Language.filter())
    return r
