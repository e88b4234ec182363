"""Projects: instructors create them and grant extensions; students see deadlines and hand in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from transtutor.people.awaiting import Inputs
from transtutor.people.records import UserRecord
from transtutor.projects.projects import Projects
from transtutor.reports.coordinator import Coordinator
from transtutor_bot import keyboards, render_projects
from transtutor_bot.filters import Awaits, HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply, when
from transtutor_bot.sender import Notifier

# Commands that belong to a submission or review in progress; any other command ends the wait
# for that input (the user moved on), so the next plain text is an exercise answer again.
KEEP_WAITING = ("/submit", "/cancel", "/help", "/deadlines")


async def project_new(
    message: Message, command: CommandObject, me: UserRecord, t: Translator, projects: Projects
) -> None:
    project = await projects.create(command.args or "", me.id)
    rubric = projects.rubric_of(project)
    await message.answer(
        render_projects.created(t, project, projects.zone, rubric.title.get(t.language))
    )


async def project_list(
    message: Message, t: Translator, projects: Projects, coordinator: Coordinator
) -> None:
    # The same numbers as /summary's projects: one model of a project's progress.
    found = (await coordinator.summary()).projects
    await reply(message, render_projects.project_list(t, found, projects.zone))


async def extend(
    message: Message,
    command: CommandObject,
    me: UserRecord,
    t: Translator,
    projects: Projects,
    notifier: Notifier,
) -> None:
    project, student, deadline = await projects.extend(command.args or "", me.id)
    shown = when(deadline, projects.zone)
    await message.answer(
        t(
            "project.extended",
            user_id=student.id,
            deadline=shown,
            zone=projects.zone.key,
            project_id=project.id,
        )
    )
    their = Translator(student.language)
    await notifier.send(
        student.id,
        their(
            "project.extended_student",
            project_id=project.id,
            title=quote(project.title),
            deadline=shown,
            zone=projects.zone.key,
        ),
    )


async def deadlines(message: Message, me: UserRecord, t: Translator, projects: Projects) -> None:
    found = await projects.standings(me.id, me.cohort_id)
    await reply(message, render_projects.standings(t, found, projects.zone, projects.clock()))


async def submit(
    message: Message, command: CommandObject, me: UserRecord, t: Translator, projects: Projects
) -> None:
    wanted = (command.args or "").strip()
    if not wanted:
        # Offer what can still be handed in: projects not handed in yet or not yet due.
        now = projects.clock()
        found = [
            s
            for s in await projects.standings(me.id, me.cohort_id)
            if s.submission is None or now < s.deadline
        ]
        if not found:
            await message.answer(t("submit.none_open"))
            return
        if len(found) > 1:
            ids = [s.project.id for s in found]
            await message.answer(t("submit.choose"), reply_markup=keyboards.projects_to_submit(ids))
            return
        wanted = found[0].project.id
    standing = await projects.begin(me.id, wanted)
    await message.answer(render_projects.ask_for_work(t, standing, projects.zone, projects.clock()))


async def submit_button(
    query: CallbackQuery,
    callback_data: keyboards.SubmitTo,
    me: UserRecord,
    t: Translator,
    projects: Projects,
) -> None:
    standing = await projects.begin(me.id, callback_data.project)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            render_projects.ask_for_work(t, standing, projects.zone, projects.clock())
        )


async def hand_in(
    message: Message, event_update: Update, me: UserRecord, t: Translator, projects: Projects
) -> None:
    document = message.document
    file = (document.file_id, document.file_name or "work") if document else None
    receipt = await projects.submit(
        me.id, None if document else (message.text or ""), file, event_update.update_id
    )
    await message.answer(render_projects.receipt(t, receipt, projects.zone))


async def wrong_kind(message: Message, t: Translator) -> None:
    await message.answer(t("submit.wrong_kind"))


async def cancel(message: Message, me: UserRecord, t: Translator, inputs: Inputs) -> None:
    await message.answer(t("cancel.done" if await inputs.clear(me.id) else "cancel.nothing"))


async def end_wait_on_other_commands(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    me: UserRecord | None = data.get("me")
    inputs: Inputs = data["inputs"]
    if (
        me is not None
        and isinstance(event, Message)
        and (event.text or "").startswith("/")
        and not (event.text or "").split()[0].split("@")[0].lower().startswith(KEEP_WAITING)
        and inputs.get(me.id) is not None
    ):
        await inputs.clear(me.id)
    return await handler(event, data)


def router() -> Router:
    # Child routers with one router-level filter each, so that an ordinary exercise answer
    # passing through costs two filter checks here, not one per handler.
    commands = Router(name="project-commands")
    commands.message.filter(F.text.startswith("/"))
    commands.message.register(cancel, Command("cancel"))
    commands.message.register(deadlines, Command("deadlines"))
    commands.message.register(submit, Command("submit"))
    commands.message.register(project_new, Command("project_new"), HasRole("instructor"))
    commands.message.register(project_list, Command("projects"), HasRole("instructor"))
    commands.message.register(extend, Command("extend"), HasRole("instructor"))
    work = Router(name="project-work")
    work.message.filter(Awaits("submission"))
    work.message.register(hand_in, F.document | (F.text & ~F.text.startswith("/")))
    work.message.register(wrong_kind, ~F.text)

    r = Router(name="projects")
    r.message.filter(F.chat.type == "private")
    r.message.outer_middleware(end_wait_on_other_commands)
    r.callback_query.register(submit_button, keyboards.SubmitTo.filter())
    r.include_routers(commands, work)
    return r
