"""What messages look like: exercises, feedback and progress as Telegram HTML text."""

from __future__ import annotations

import html
import re
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import Message

from transtutor.content.models import ExerciseType
from transtutor.practice import Assignment, Feedback, Progress
from transtutor.scoring.checks import ErrorMark
from transtutor.storage import InviteRecord, RoleHolder
from transtutor_bot.i18n import Translator

TELEGRAM_LIMIT = 4096
BAR_CELLS = 10
TAG = re.compile(r"</?(b|i|u|code|pre)>")


def quote(text: str) -> str:
    """User or content text inside HTML: escaped, shown verbatim."""
    return html.escape(text, quote=False)


def plain(text: str, bold: tuple[str, str] = ("", "")) -> str:
    """Our Telegram HTML as terminal text (bold as the given escape codes, or nothing)."""
    text = text.replace("<b>", bold[0]).replace("</b>", bold[1])
    return html.unescape(TAG.sub("", text))


def exercise_text(t: Translator, assignment: Assignment) -> str:
    exercise, exercise_set = assignment.exercise, assignment.exercise_set
    target = t(f"language.{exercise_set.target_lang}")
    stars = "★" * exercise.difficulty + "☆" * (5 - exercise.difficulty)
    lines = [
        t(f"exercise.{exercise.type.value}", target=target),
        t(
            "exercise.meta",
            set=quote(exercise_set.title.get(t.language)),
            id=exercise.id,
            stars=stars,
        ),
        t("exercise.outcomes", outcomes=", ".join(exercise_set.outcomes_of(exercise))),
    ]
    if assignment.review:
        lines.append(t("exercise.review"))
    lines += ["", t("exercise.source"), quote(exercise.source)]
    if exercise.type is not ExerciseType.translate:
        lines += ["", t("exercise.mt"), quote(exercise.mt or "")]
    lines += ["", t(f"exercise.ask_{exercise.type.value}")]
    return "\n".join(lines)


def _verdict(t: Translator, score: float) -> str:
    if score >= 85:
        return t("feedback.excellent")
    if score >= 70:
        return t("feedback.good")
    if score >= 50:
        return t("feedback.fair")
    return t("feedback.poor")


def _number(value: float) -> str:
    return f"{value:.1f}"


def feedback_text(t: Translator, feedback: Feedback) -> str:
    result, exercise = feedback.result, feedback.assignment.exercise
    lines = [t("feedback.score", score=round(result.score), verdict=_verdict(t, result.score))]
    if exercise.type is ExerciseType.error_spot:
        lines.append(t("feedback.span", span=round(result.metrics.get("span", 0))))
    else:
        lines.append(
            t(
                "feedback.metrics",
                chrf=_number(result.metrics["chrf"]),
                bleu=_number(result.metrics["bleu"]),
                ter=_number(result.metrics["ter"]),
            )
        )
    problems = result.feedback(t.language)
    if problems:
        lines += ["", t("feedback.issues"), *(f"• {quote(line)}" for line in problems)]
    elif result.score >= 70:
        lines += ["", t("feedback.all_passed")]
    else:
        # Never "all checks passed" beside a low score.
        lines += ["", t("feedback.no_errors_found")]
    if exercise.type is ExerciseType.error_spot:
        lines += ["", t("feedback.annotated")]
        lines += [
            f"• «{quote(e.span)}» — {t(f'category.{e.category}')}, {t(f'severity.{e.severity}')}"
            for e in exercise.errors
        ]
    elif exercise.references:
        lines += ["", t("feedback.reference"), quote(exercise.references[0])]
    changes = [
        f"{outcome} {round(100 * feedback.mastery_before[outcome])}→{round(100 * after)}%"
        for outcome, after in sorted(feedback.mastery_after.items())
    ]
    if changes:
        lines += ["", t("feedback.mastery", changes=", ".join(changes))]
    lines += ["", t("feedback.next")]
    return "\n".join(lines)


def bar(value: float) -> str:
    filled = round(value * BAR_CELLS)
    return "█" * filled + "░" * (BAR_CELLS - filled)


def outcome_lines(t: Translator, progress: Progress) -> list[str]:
    """One line per outcome: mark, id, bar, percent, evidence count, title."""
    lines = []
    for row in progress.outcomes:
        mark = "✅" if row.mastered else ("▫️" if row.attempts == 0 else "🔸")
        lines.append(
            t(
                "progress.line",
                mark=mark,
                outcome=row.outcome,
                bar=bar(row.value),
                percent=round(100 * row.value),
                attempts=row.attempts,
                title=quote(row.title[t.language]),
            )
        )
    return lines


def progress_text(t: Translator, progress: Progress) -> str:
    lines = [
        t(
            "progress.header",
            attempts=progress.attempts,
            threshold=round(100 * progress.threshold),
            min=progress.min_attempts,
        ),
        "",
        *outcome_lines(t, progress),
        "",
    ]
    if progress.attempts == 0:
        lines.append(t("progress.empty"))
    elif progress.all_mastered:
        lines.append(t("progress.all"))
    elif progress.next_outcome:
        title = next(
            r.title[t.language] for r in progress.outcomes if r.outcome == progress.next_outcome
        )
        lines.append(t("progress.next", outcome=progress.next_outcome, title=quote(title)))
    return "\n".join(lines)


def hint_text(t: Translator, assignment: Assignment) -> str:
    exercise = assignment.exercise
    if exercise.hint:
        return t("hint.text", hint=quote(exercise.hint.get(t.language)))
    if exercise.glossary:
        terms = "; ".join(
            f"{quote(term)} → {quote(' / '.join(options))}"
            for term, options in exercise.glossary_pairs()
        )
        return t("hint.glossary", terms=terms)
    return t("hint.none")


def marks_text(t: Translator, marks: list[ErrorMark]) -> str:
    return "; ".join(
        f"«{quote(m.span)}» ({t(f'category.{m.category}')}, {t(f'severity.{m.severity}')})"
        for m in marks
        if m.category and m.severity
    )


def roles_text(t: Translator, holders: list[RoleHolder]) -> str:
    """/roles: who has which role, and whether configuration or the chat gave it."""
    if not holders:
        return t("roles.none")
    lines = [t("roles.header")]
    for h in holders:
        name = f" {quote(h.name)}" if h.name else ""
        source = t("roles.from_config" if h.source == "config" else "roles.from_chat")
        lines.append(f"• <code>{h.user_id}</code>{name} — {h.role} ({source})")
    lines.append(t("roles.footer"))
    return "\n".join(lines)


def invites_text(t: Translator, invites: list[InviteRecord], zone: ZoneInfo) -> str:
    """/invites: the role invitations still open, with their codes to cancel them."""
    if not invites:
        return t("invites.none")
    lines = [t("invites.header")]
    for i in invites:
        until = i.expires_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if i.expires_at else "—"
        lines.append(t("invites.line", code=quote(i.code), role=i.role, until=until))
    lines.append(t("invites.footer"))
    return "\n".join(lines)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines, then lines, so that no part exceeds Telegram's limit."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


async def reply(message: Message, text: str, **kwargs: Any) -> None:
    """Answer with text of any length: split to Telegram's limit, extras on the last part."""
    parts = split_message(text)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], **kwargs)
