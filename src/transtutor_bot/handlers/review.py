"""/review: an instructor grades project submissions criterion by criterion with buttons."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from transtutor.awards.awarding import Awards
from transtutor.people.records import UserRecord
from transtutor.projects.grading import combine, ratings
from transtutor.projects.review import Graded, Review, Reviewing
from transtutor_bot import keyboards, render_projects
from transtutor_bot.filters import Awaits, HasRole
from transtutor_bot.handlers.credentials import announce
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import TELEGRAM_LIMIT, quote
from transtutor_bot.sender import Notifier

log = logging.getLogger(__name__)


def _card(t: Translator, r: Reviewing) -> tuple[str, InlineKeyboardMarkup]:
    score = combine([ratings(r.rubric, r.levels)]).score if r.stage != "rate" else None
    return (
        render_projects.review_card(t, r, score),
        keyboards.review_card(t, r.submission.id, r.stage, r.criterion_index),
    )


async def start_review(
    message: Message,
    command: CommandObject,
    bot: Bot,
    me: UserRecord,
    t: Translator,
    review: Review,
) -> None:
    reviewing = await review.start(me.id, (command.args or "").strip())
    if reviewing is None:
        await message.answer(t("review.none"))
        return
    header = render_projects.review_header(t, reviewing, review.projects.zone)
    work = reviewing.submission
    if work.file_id:
        await bot.send_document(message.chat.id, work.file_id, caption=header)
    elif len(header) + len(quote(work.text or "")) + 2 <= TELEGRAM_LIMIT:
        await message.answer(f"{header}\n\n{quote(work.text or '')}")
    else:  # too long for one message: the text as a file keeps it whole
        await message.answer_document(
            BufferedInputFile((work.text or "").encode(), f"{reviewing.project.id}-{work.id}.txt"),
            caption=header,
        )
    text, markup = _card(t, reviewing)
    await message.answer(text, reply_markup=markup)


async def _show(query: CallbackQuery, t: Translator, reviewing: Reviewing) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = _card(t, reviewing)
        await query.message.edit_text(text, reply_markup=markup)


async def rate(
    query: CallbackQuery,
    callback_data: keyboards.Rate,
    me: UserRecord,
    t: Translator,
    review: Review,
) -> None:
    reviewing = await review.rate(
        me.id, callback_data.submission, callback_data.criterion, callback_data.level
    )
    await _show(query, t, reviewing)


async def step(
    query: CallbackQuery,
    callback_data: keyboards.ReviewStep,
    me: UserRecord,
    t: Translator,
    review: Review,
    notifier: Notifier,
    awards: Awards,
) -> None:
    if callback_data.action == "back":
        await _show(query, t, await review.back(me.id, callback_data.submission))
    elif callback_data.action == "no_comment":
        await _show(query, t, await review.skip_comment(me.id, callback_data.submission))
    else:
        graded = await review.send(me.id, callback_data.submission)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(_sent_text(t, graded))
        await _tell_student(graded, me, t, notifier, query)
        student = graded.reviewing.student
        await announce(awards, notifier, student.id, student.language)


async def comment(message: Message, me: UserRecord, t: Translator, review: Review) -> None:
    reviewing = await review.comment(me.id, message.text)
    text, markup = _card(t, reviewing)
    await message.answer(text, reply_markup=markup)


def _sent_text(t: Translator, graded: Graded) -> str:
    r = graded.reviewing
    lines = [
        t(
            "review.sent",
            student=quote(r.student.name or str(r.student.id)),
            score=round(graded.score),
            combined=round(graded.combined.score),
            reviews=graded.combined.reviews,
        )
    ]
    lines.append(t("review.more", count=r.queued) if r.queued else t("review.done_all"))
    return "\n".join(lines)


async def _tell_student(
    graded: Graded, reviewer: UserRecord, t: Translator, notifier: Notifier, query: CallbackQuery
) -> None:
    student = graded.reviewing.student
    their = Translator(student.language)
    text = render_projects.grade_for_student(their, graded, reviewer.name)
    try:
        delivered = await notifier.send(student.id, text)
    except TelegramAPIError as exc:  # network errors included
        log.warning("grade for %s not delivered (%s)", student.id, type(exc).__name__)
        delivered = False
    if not delivered and isinstance(query.message, Message):
        # The grade is stored either way; the student also sees it in /deadlines.
        await query.message.answer(t("review.not_told"))


def router() -> Router:
    r = Router(name="review")
    r.message.filter(F.chat.type == "private", HasRole("instructor"))
    r.callback_query.filter(HasRole("instructor"))
    r.message.register(start_review, Command("review"))
    r.message.register(comment, Awaits("review"), F.text, ~F.text.startswith("/"))
    r.callback_query.register(rate, keyboards.Rate.filter())
    r.callback_query.register(step, keyboards.ReviewStep.filter())
    return r
