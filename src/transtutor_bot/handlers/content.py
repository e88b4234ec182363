"""Instructors' content: exercise-set uploads, /sets, /retire."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from transtutor.content.authoring import Authoring, check_upload
from transtutor_bot.filters import HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply


async def upload(message: Message, bot: Bot, t: Translator, authoring: Authoring) -> None:
    document = message.document
    assert document is not None
    name = check_upload(document.file_name, document.file_size)  # before any download
    await bot.send_chat_action(message.chat.id, "typing")
    downloaded = await bot.download(document.file_id)
    data = downloaded.read() if downloaded is not None else b""
    imported = await authoring.import_upload(data, name, message.caption, message.chat.id)
    receipt = imported.receipt
    if receipt.unchanged:
        await message.answer(t("upload.unchanged", set_id=receipt.set_id, version=receipt.version))
        return
    await message.answer(
        t(
            "upload.imported",
            set_id=receipt.set_id,
            version=receipt.version,
            title=quote(imported.title),
            pair=imported.language_pair,
            count=receipt.exercise_count,
            encoding=imported.encoding,
        )
    )
    if imported.drafts:
        await message.answer(t("upload.drafts", count=imported.drafts, set_id=receipt.set_id))
    if imported.held_back:
        held = ", ".join(f"{h.exercise_id} ({h.reason})" for h in imported.held_back)
        await message.answer(t("upload.held_back", exercises=quote(held)))


async def list_sets(message: Message, t: Translator, authoring: Authoring) -> None:
    sets = await authoring.sets()
    if not sets:
        await message.answer(t("sets.empty"))
        return
    lines = [t("sets.header"), ""]
    for info in sets:
        lines.append(
            t(
                "sets.line",
                set_id=info.id,
                version=info.version,
                title=quote(info.title.get(t.language, info.title.get("en", ""))),
                pair=info.language_pair,
                count=info.exercise_count,
                date=info.imported_at[:10],
                retired=t("sets.retired_mark") if info.retired else "",
            )
        )
    lines += ["", t("sets.hint")]
    await reply(message, "\n".join(lines))


async def retire(
    message: Message, command: CommandObject, t: Translator, authoring: Authoring
) -> None:
    set_id = (command.args or "").strip()
    if set_id and await authoring.retire(set_id):
        await message.answer(t("sets.retired", set_id=quote(set_id)))
    else:
        await message.answer(t("sets.not_found", set_id=quote(set_id[:64])))


def router() -> Router:
    r = Router(name="content")
    r.message.filter(F.chat.type == "private", HasRole("instructor"))
    r.message.register(upload, F.document)
    r.message.register(list_sets, Command("sets"))
    r.message.register(retire, Command("retire"))
    return r
