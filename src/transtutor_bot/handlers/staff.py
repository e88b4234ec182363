"""Staff commands: roles (/grant, /roles, /invite, /invites, /invite_cancel) and cohorts
(/cohort_new)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from transtutor.people.access import Access, AccessRejected
from transtutor.people.records import UserRecord
from transtutor_bot import render_people
from transtutor_bot.commands import install_menu_for
from transtutor_bot.filters import HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply


async def start_link(bot: Bot, code: str) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={code}"


async def grant(
    message: Message, command: CommandObject, bot: Bot, t: Translator, access: Access
) -> None:
    parts = (command.args or "").split()
    if len(parts) != 2:
        raise AccessRejected("grant_usage")
    user_id, role = await access.grant(parts[0], parts[1])
    await install_menu_for(bot, user_id, role)
    if role != parts[1].strip().lower():
        await message.answer(t("staff.granted_configured", user_id=user_id, role=role))
        return
    await message.answer(t("staff.granted", user_id=user_id, role=role))


async def roles(message: Message, t: Translator, access: Access) -> None:
    holders = await access.holders()
    await reply(message, render_people.roles_text(t, holders))


async def invites(message: Message, t: Translator, access: Access) -> None:
    await reply(message, render_people.invites_text(t, await access.open_invites(), access.zone))


async def invite_cancel(
    message: Message, command: CommandObject, t: Translator, access: Access
) -> None:
    code = await access.cancel_invite(command.args or "")
    await message.answer(t("staff.invite_cancelled", code=quote(code)))


async def invite(
    message: Message,
    command: CommandObject,
    bot: Bot,
    me: UserRecord,
    t: Translator,
    access: Access,
) -> None:
    role = (command.args or "").strip()
    code = await access.new_invite(role, me.id)
    link = await start_link(bot, code)
    await message.answer(
        t("staff.invite", role=quote(role.lower()), link=link, days=access.invite_ttl.days)
    )


async def cohort_new(
    message: Message,
    command: CommandObject,
    bot: Bot,
    me: UserRecord,
    t: Translator,
    access: Access,
) -> None:
    name = command.args or ""
    code = await access.new_cohort(name, me.id)
    link = await start_link(bot, code)
    await message.answer(
        t("staff.cohort", name=quote(" ".join(name.split())), link=link, code=code)
    )


def router() -> Router:
    r = Router(name="staff")
    r.message.filter(F.chat.type == "private")
    r.message.register(grant, Command("grant"), HasRole("admin"))
    r.message.register(invite, Command("invite"), HasRole("admin"))
    r.message.register(roles, Command("roles"), HasRole("admin"))
    r.message.register(invites, Command("invites"), HasRole("admin"))
    r.message.register(invite_cancel, Command("invite_cancel"), HasRole("admin"))
    r.message.register(cohort_new, Command("cohort_new"), HasRole("instructor"))
    return r
