"""Inline keyboards and their typed callback data."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from transtutor.content.models import ERROR_CATEGORIES, REVIEW_LEVELS, SEVERITIES
from transtutor_bot.i18n import LANGUAGES, Translator


class SpotCategory(CallbackData, prefix="cat"):
    token: int
    index: int  # position in ERROR_CATEGORIES


class SpotSeverity(CallbackData, prefix="sev"):
    token: int
    severity: str


class SpotMore(CallbackData, prefix="more"):
    token: int
    finish: bool


class Language(CallbackData, prefix="lang"):
    code: str


class Forget(CallbackData, prefix="forget"):
    confirm: bool


def categories(t: Translator, token: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, category in enumerate(ERROR_CATEGORIES):
        builder.button(
            text=t(f"category.{category}"), callback_data=SpotCategory(token=token, index=index)
        )
    builder.adjust(2)
    return builder.as_markup()


def severities(t: Translator, token: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for severity in SEVERITIES:
        builder.button(
            text=t(f"severity.{severity}"),
            callback_data=SpotSeverity(token=token, severity=severity),
        )
    builder.adjust(3)
    return builder.as_markup()


def more_or_finish(t: Translator, token: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("spot.another"), callback_data=SpotMore(token=token, finish=False))
    builder.button(text=t("spot.done"), callback_data=SpotMore(token=token, finish=True))
    builder.adjust(2)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    names = {"en": "English", "zh": "中文"}
    for code in LANGUAGES:
        builder.button(text=names[code], callback_data=Language(code=code))
    return builder.as_markup()


class SubmitTo(CallbackData, prefix="sub"):
    project: str


class Rate(CallbackData, prefix="rv"):
    submission: int
    criterion: int
    level: int


class ReviewStep(CallbackData, prefix="ra"):
    submission: int
    action: str  # back | no_comment | send


def projects_to_submit(project_ids: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for project_id in project_ids:
        builder.button(text=project_id, callback_data=SubmitTo(project=project_id))
    builder.adjust(3)
    return builder.as_markup()


def review_card(t: Translator, submission: int, stage: str, criterion: int) -> InlineKeyboardMarkup:
    """Level buttons for the criterion being rated, or the comment / send choices."""
    builder = InlineKeyboardBuilder()
    sizes = []
    if stage == "rate":
        for level, name in enumerate(REVIEW_LEVELS):
            builder.button(
                text=t(f"level.{name}"),
                callback_data=Rate(submission=submission, criterion=criterion, level=level),
            )
        sizes = [3, 2]
    elif stage == "comment":
        builder.button(
            text=t("review.no_comment"),
            callback_data=ReviewStep(submission=submission, action="no_comment"),
        )
        sizes = [1]
    else:
        builder.button(
            text=t("review.send"), callback_data=ReviewStep(submission=submission, action="send")
        )
        sizes = [1]
    if stage != "rate" or criterion > 0:
        builder.button(
            text=t("review.back"), callback_data=ReviewStep(submission=submission, action="back")
        )
        sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def forget(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("privacy.forget_yes"), callback_data=Forget(confirm=True))
    builder.button(text=t("privacy.forget_no"), callback_data=Forget(confirm=False))
    builder.adjust(1)
    return builder.as_markup()
