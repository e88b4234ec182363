"""AI assistance in the chat: /explain, /ai on|off, the second opinion after feedback, and
/drafts for instructors. Every provider failure is one line (see `error_messages`)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from transtutor.ai import AiUnavailable, Reason
from transtutor.content.authoring import Authoring
from transtutor.learning.assist import Assist
from transtutor.learning.practice import Feedback, clean_answer
from transtutor.people.records import UserRecord
from transtutor_bot import render_ai
from transtutor_bot.filters import HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply

# Failures of the second opinion that need no line after every answer.
QUIET = frozenset({Reason.disabled_by_user, Reason.circuit_open, Reason.not_configured})


async def explain(
    message: Message, bot: Bot, me: UserRecord, t: Translator, assist: Assist
) -> None:
    await assist.check(me.id)  # not configured, turned off, paused: say so before anything
    if await assist.take_notice(me.id):
        await message.answer(
            render_ai.notice_text(t, assist.provider.settings.host) + "\n\n" + t("ai.again")
        )
        return
    await bot.send_chat_action(message.chat.id, "typing")
    explanation = await assist.explain(me.id, t.language)
    # The model's text as plain text: it is not our HTML, and fits one message as it is.
    await message.answer(explanation.text, parse_mode=None)


async def switch(
    message: Message, command: CommandObject, me: UserRecord, t: Translator, assist: Assist
) -> None:
    wanted = (command.args or "").strip().lower()
    if wanted in ("on", "off", "开", "关"):
        on = wanted in ("on", "开")
        await assist.turn(me.id, on)
        await message.answer(t("ai.turned_on" if on else "ai.turned_off"))
        return
    off = await assist.is_off(me.id)
    used = await assist.used_today(me.id)
    await message.answer(
        render_ai.status_text(t, assist.configured, off, used, assist.provider.settings.daily_limit)
    )


async def second_opinion(
    message: Message, user_id: int, t: Translator, assist: Assist, feedback: Feedback
) -> None:
    """After the feedback was sent (in the background): the model's annotation beside the
    offline findings. The first time, the learner is told what is sent, and nothing is."""
    due = await assist.opinion_due(user_id)
    if due is None:
        return
    if not due:
        await message.answer(render_ai.notice_text(t, assist.provider.settings.host))
        return
    assignment = feedback.assignment
    try:
        opinion = await assist.second_opinion(
            user_id,
            assignment.exercise_set,
            assignment.exercise,
            clean_answer(message.text or ""),
            feedback.result.errors,
        )
    except AiUnavailable as exc:
        if exc.reason not in QUIET and assist.failure_due(user_id):
            await message.answer(t("ai.opinion_failed", line=quote(exc.line(t.language))))
        return
    if opinion is not None:
        await reply(message, render_ai.opinion_text(t, opinion))


async def drafts(
    message: Message, command: CommandObject, me: UserRecord, t: Translator, authoring: Authoring
) -> None:
    set_id, _, rest = (command.args or "").strip().partition(" ")
    if not set_id:
        await message.answer(t("drafts.usage"))
        return
    exercise_id, _, text = rest.strip().partition(" ")
    if exercise_id:  # /drafts <set_id> <exercise_id> <new draft text>: replace one
        if not text.strip():
            await message.answer(t("drafts.usage"))
            return
        receipt = await authoring.replace_draft(set_id, exercise_id, text.strip(), me.id)
        await message.answer(
            t("drafts.replaced", set_id=quote(set_id), exercise_id=quote(exercise_id))
            + " "
            + t(
                "upload.unchanged" if receipt.unchanged else "drafts.version",
                set_id=quote(receipt.set_id),
                version=receipt.version,
            )
        )
        return
    exercise_set = await authoring.latest(set_id)
    if exercise_set is None:
        await message.answer(t("sets.not_found", set_id=quote(set_id[:64])))
        return
    await reply(message, render_ai.drafts_text(t, exercise_set))


def router() -> Router:
    r = Router(name="ai")
    r.message.filter(F.chat.type == "private")
    r.message.register(explain, Command("explain"))
    r.message.register(switch, Command("ai"))
    r.message.register(drafts, Command("drafts"), HasRole("instructor"))
    return r
