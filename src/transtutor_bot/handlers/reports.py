"""Coordinator commands: /summary, /atrisk, /export, /learner."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.chat_action import ChatActionSender

from transtutor.infra.executors import Runner
from transtutor.learning.assist import Assist
from transtutor.reports.coordinator import Coordinator
from transtutor_bot import render_ai, render_reports
from transtutor_bot.charts import summary_chart
from transtutor_bot.filters import HasRole
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import reply


async def summary(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    coordinator: Coordinator,
    runner: Runner,
    assist: Assist,
) -> None:
    async with ChatActionSender.upload_photo(chat_id=message.chat.id, bot=bot):
        found = await coordinator.summary(command.args or "")
        text = render_reports.summary_text(t, found, coordinator.zone)
        if assist.configured:  # the provider's use, for the coordinator (counts only)
            text += "\n\n" + render_ai.usage_text(t, await assist.usage())
        await reply(message, text)
        if found.learners:
            png = await runner.cpu(summary_chart, found)
            await message.answer_photo(
                BufferedInputFile(png, "summary.png"), caption=t("report.chart_caption")
            )


async def at_risk(
    message: Message, command: CommandObject, t: Translator, coordinator: Coordinator
) -> None:
    snapshot, rules, found = await coordinator.at_risk(command.args or "")
    await reply(message, render_reports.at_risk_text(t, snapshot, rules, found, coordinator.zone))


async def export(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    coordinator: Coordinator,
) -> None:
    async with ChatActionSender.upload_document(chat_id=message.chat.id, bot=bot):
        made = await coordinator.export(command.args or "")
        await message.answer_document(
            BufferedInputFile(made.data, made.name),
            caption=render_reports.export_caption(t, made.learners, made.cohort, coordinator.zone),
        )


async def learner(
    message: Message, command: CommandObject, t: Translator, coordinator: Coordinator
) -> None:
    detail = await coordinator.learner(command.args or "")
    text = render_reports.learner_text(t, detail, coordinator.zone, coordinator.rules.inactive_days)
    await reply(message, text)


def router() -> Router:
    r = Router(name="reports")
    r.message.filter(F.chat.type == "private", HasRole("coordinator"))
    r.message.register(summary, Command("summary"))
    r.message.register(at_risk, Command("atrisk"))
    r.message.register(export, Command("export"))
    r.message.register(learner, Command("learner"))
    return r
