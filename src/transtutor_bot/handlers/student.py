"""The practice loop: /next, answers, error spotting, /hint, /skip, /progress."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message, Update

from transtutor.awards.awarding import Awards
from transtutor.content.models import ERROR_CATEGORIES
from transtutor.infra.executors import Runner
from transtutor.learning.assist import Assist
from transtutor.learning.practice import Marked, Practice
from transtutor.people.records import UserRecord
from transtutor_bot import keyboards, render_practice
from transtutor_bot.charts import progress_chart
from transtutor_bot.handlers import ai
from transtutor_bot.handlers.credentials import announce
from transtutor_bot.i18n import Translator
from transtutor_bot.owed import send_feedback
from transtutor_bot.render_text import quote, reply
from transtutor_bot.sender import Notifier


async def next_exercise(
    message: Message, me: UserRecord, t: Translator, practice: Practice
) -> None:
    assignment = await practice.next_exercise(me.id)
    await reply(message, render_practice.exercise_text(t, assignment))


async def hint(message: Message, me: UserRecord, t: Translator, practice: Practice) -> None:
    assignment = await practice.current(me.id)
    await message.answer(render_practice.hint_text(t, assignment))


async def skip(message: Message, me: UserRecord, t: Translator, practice: Practice) -> None:
    skipped = await practice.skip(me.id)
    await message.answer(t("skip.done", id=skipped.exercise.id))


async def progress(
    message: Message,
    command: CommandObject,
    me: UserRecord,
    t: Translator,
    practice: Practice,
    runner: Runner,
    bot: Bot,
) -> None:
    summary = await practice.progress(me.id)
    await message.answer(render_practice.progress_text(t, summary))
    if (command.args or "").strip().lower() in ("chart", "图表", "图"):
        await bot.send_chat_action(message.chat.id, "upload_photo")  # drawing takes a moment
        png = await runner.cpu(progress_chart, summary, t("progress.chart_title"))
        await message.answer_photo(
            BufferedInputFile(png, "progress.png"), caption=t("progress.chart_caption")
        )


async def answer(
    message: Message,
    event_update: Update,
    me: UserRecord,
    t: Translator,
    practice: Practice,
    awards: Awards,
    notifier: Notifier,
    assist: Assist,
) -> None:
    # Scoring takes milliseconds: no "typing" action, which would cost a Bot API call per answer.
    outcome = await practice.answer(me.id, message.text or "", event_update.update_id)
    if isinstance(outcome, Marked):
        await message.answer(
            t("spot.category", words=quote(outcome.mark.span)),
            reply_markup=keyboards.categories(t, outcome.assignment.token),
        )
        return
    text = render_practice.feedback_text(t, outcome)
    await send_feedback(lambda: reply(message, text), practice, me.id, event_update.update_id)
    await announce(awards, notifier, me.id, t.language)
    if assist.judge_on:  # only now, the feedback sent: it never waits for the provider
        assist.spawn(ai.second_opinion(message, me.id, t, assist, outcome))


async def spot_category(
    query: CallbackQuery,
    callback_data: keyboards.SpotCategory,
    me: UserRecord,
    t: Translator,
    practice: Practice,
) -> None:
    index = callback_data.index
    category = ERROR_CATEGORIES[index] if 0 <= index < len(ERROR_CATEGORIES) else "?"
    assignment = await practice.classify(me.id, callback_data.token, category=category)
    await query.answer()
    words = quote(assignment.marks[-1].span)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            t("spot.severity", words=words, category=t(f"category.{category}")),
            reply_markup=keyboards.severities(t, callback_data.token),
        )


async def spot_severity(
    query: CallbackQuery,
    callback_data: keyboards.SpotSeverity,
    me: UserRecord,
    t: Translator,
    practice: Practice,
) -> None:
    assignment = await practice.classify(
        me.id, callback_data.token, severity=callback_data.severity
    )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            t("spot.more", marks=render_practice.marks_text(t, assignment.marks)),
            reply_markup=keyboards.more_or_finish(t, callback_data.token),
        )


async def spot_more(
    query: CallbackQuery,
    callback_data: keyboards.SpotMore,
    event_update: Update,
    me: UserRecord,
    t: Translator,
    practice: Practice,
    awards: Awards,
    notifier: Notifier,
) -> None:
    if not callback_data.finish:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(t("spot.ask_more"))
        return
    feedback = await practice.finish_marking(me.id, callback_data.token, event_update.update_id)
    await query.answer()
    if isinstance(query.message, Message):
        shown = query.message
        text = render_practice.feedback_text(t, feedback)

        async def send() -> None:
            await shown.edit_reply_markup(reply_markup=None)
            await reply(shown, text)

        await send_feedback(send, practice, me.id, event_update.update_id)
    await announce(awards, notifier, me.id, t.language)


def router() -> Router:
    r = Router(name="student")
    r.message.filter(F.chat.type == "private")  # in groups the bot stays quiet
    r.message.register(next_exercise, Command("next"))
    r.message.register(hint, Command("hint"))
    r.message.register(skip, Command("skip"))
    r.message.register(progress, Command("progress"))
    r.message.register(answer, F.text, ~F.text.startswith("/"))
    r.callback_query.register(spot_category, keyboards.SpotCategory.filter())
    r.callback_query.register(spot_severity, keyboards.SpotSeverity.filter())
    r.callback_query.register(spot_more, keyboards.SpotMore.filter())
    return r
