"""A user's own data: /mydata (a file of everything stored about them) and /forget."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender

from transtutor.people.privacy import Privacy, export_name
from transtutor.people.records import UserRecord
from transtutor_bot import keyboards
from transtutor_bot.i18n import Translator


async def my_data(
    message: Message, bot: Bot, me: UserRecord, t: Translator, privacy: Privacy
) -> None:
    async with ChatActionSender.upload_document(chat_id=message.chat.id, bot=bot):
        data = await privacy.export(me.id)
        await message.answer_document(
            BufferedInputFile(data, export_name(me.id, privacy.clock())),
            caption=t("privacy.mydata_caption"),
        )


async def forget(message: Message, t: Translator) -> None:
    await message.answer(t("privacy.forget_confirm"), reply_markup=keyboards.forget(t))


async def forget_button(
    query: CallbackQuery,
    callback_data: keyboards.Forget,
    me: UserRecord,
    t: Translator,
    privacy: Privacy,
) -> None:
    if callback_data.confirm:
        deleted = await privacy.forget(me.id)
        text = t(
            "privacy.forgotten",
            records=str(sum(deleted.values())),
            answers=str(deleted.get("attempts", 0)),
        )
    else:
        text = t("privacy.kept")
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


def router() -> Router:
    r = Router(name="privacy")
    r.message.filter(F.chat.type == "private")
    r.message.register(my_data, Command("mydata"))
    r.message.register(forget, Command("forget"))
    r.callback_query.register(forget_button, keyboards.Forget.filter())
    return r
