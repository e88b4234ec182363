"""The error handler of the dispatcher: domain errors become replies (see `error_messages`),
anything else is logged without the user's text and answered with an apology."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from transtutor.learning.practice import Practice
from transtutor_bot.error_messages import message_for
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import reply

log = logging.getLogger(__name__)


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
