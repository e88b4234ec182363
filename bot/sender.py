"""Outgoing traffic in one place: flood-limit retries for every request, and the sender of
messages nobody asked for (reminders, digests, grades, extensions), which handles blocked
users."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from transtutor.digest import Digest
from transtutor.reminders import Reminder
from transtutor.storage import Recipient
from transtutor_bot import render_projects, render_reports
from transtutor_bot.i18n import Translator
from transtutor_bot.render import split_message

log = logging.getLogger(__name__)
MAX_RETRIES = 5


class RetryAfter(BaseRequestMiddleware):
    """On a 429, wait the `retry_after` Telegram asks for and send again (a few times)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for _ in range(MAX_RETRIES):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                log.warning(
                    "flood limit on %s: waiting %s s", type(method).__name__, exc.retry_after
                )
                await asyncio.sleep(exc.retry_after)
        return await make_request(bot, method)


class Notifier:
    """Messages the bot starts: True if delivered, False if the user cannot be reached."""

    def __init__(self, bot: Bot, zone: ZoneInfo) -> None:
        self.bot = bot
        self.zone = zone

    async def send(self, user_id: int, text: str, **kwargs: Any) -> bool:
        try:
            await self.bot.send_message(user_id, text, **kwargs)
        except TelegramForbiddenError:
            log.info("user %s has blocked the bot; message not delivered", user_id)
            return False
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                log.info("chat %s not found; message not delivered", user_id)
                return False
            raise
        return True

    async def reminder(self, reminder: Reminder) -> bool:
        t = Translator(reminder.recipient.language)
        return await self.send(
            reminder.recipient.user_id, render_projects.reminder(t, reminder, self.zone)
        )

    async def digest(self, recipient: Recipient, digest: Digest) -> bool:
        t = Translator(recipient.language)
        text = render_reports.digest_text(t, digest, self.zone)
        delivered = True
        for part in split_message(text):
            delivered = delivered and await self.send(recipient.user_id, part)
        return delivered
