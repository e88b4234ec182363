"""The one place where domain errors become messages in the user's language."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from transtutor.errors import ImportRejected, Rejected
from transtutor.learning.practice import NoExercises, NoOpenExercise, Practice, StaleStep
from transtutor.people.access import UnknownCode
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote, reply

log = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 25


def message_for(exception: Exception, t: Translator) -> str | None:
    if isinstance(exception, Rejected):
        params = {k: quote(str(v)) for k, v in exception.params.items()}
        return t(f"{exception.prefix}.{exception.reason}", **params)
    if isinstance(exception, ImportRejected):
        problems = exception.problems
        lines = [t("upload.rejected", count=len(problems), file=quote(problems[0].file))]
        lines += [f"• {quote(str(p))}" for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(t("upload.more", count=len(problems) - MAX_PROBLEMS_SHOWN))
        return "\n".join(lines)
    if isinstance(exception, NoOpenExercise):
        return t("reject.no_exercise")
    if isinstance(exception, StaleStep):
        return t("reject.stale")
    if isinstance(exception, NoExercises):
        return t("exercise.none")
    if isinstance(exception, UnknownCode):
        return t("start.bad_code", code=quote(str(exception)[:64]))
    return None


async def on_error(
    event: ErrorEvent, t: Translator | None = None, practice: Practice | None = None
) -> None:
    t = t or Translator("en")
    text = message_for(event.exception, t)
    update = event.update
    if text is None:
        # Unexpected: log the type and where, never the user's text.
        log.error(
            "update %s failed: %r",
            update.update_id,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
        user = update.message or update.callback_query
        recorded = (
            practice is not None
            and user is not None
            and user.from_user is not None
            and await practice.owe_feedback(user.from_user.id, update.update_id)
        )
        # Never say an answer was not recorded when it was: then its feedback is owed.
        text = t("error.internal_recorded" if recorded else "error.internal")
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    elif update.message is not None:
        await reply(update.message, text)


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(on_error)
    return r
