"""Feedback that could not be sent is owed, never lost.

An answer is scored and stored before its reply is sent. When the reply fails even after the
sender's retries (Telegram down, the network gone), the attempt is marked as owing its
feedback, and `OwedFeedback` gives it the next time the learner writes, before anything else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import TelegramObject

from transtutor.learning.practice import Practice
from transtutor.people.records import UserRecord
from transtutor_bot import render_practice
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import split_message

log = logging.getLogger(__name__)
TRANSIENT = (TelegramServerError, TelegramNetworkError)


async def send_feedback(
    send: Callable[[], Awaitable[None]], practice: Practice, user_id: int, update_id: int
) -> None:
    """Send an answer's feedback; if Telegram cannot take it now, owe it."""
    try:
        await send()
    except TRANSIENT as exc:
        await practice.owe_feedback(user_id, update_id)
        log.warning("feedback for update %s not sent (%s): owed", update_id, type(exc).__name__)


class OwedFeedback(BaseMiddleware):
    """Outer update middleware, after Identity: owed feedback first, then the update."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        me: UserRecord | None = data.get("me")
        if me is not None and me.feedback_owed:
            await self._deliver(data["bot"], me, data["t"])
        return await handler(event, data)

    async def _deliver(self, bot: Bot, me: UserRecord, t: Translator) -> None:
        sent = []
        try:
            for attempt_id, feedback in await self.practice.owed_feedback(me.id):
                text = t("feedback.owed") + "\n\n" + render_practice.feedback_text(t, feedback)
                for part in split_message(text):
                    await bot.send_message(me.id, part)
                sent.append(attempt_id)
        except TRANSIENT as exc:
            log.warning("owed feedback to %s not sent yet (%s)", me.id, type(exc).__name__)
        if sent:
            await self.practice.feedback_sent(me.id, sent)
