"""What the AI replies look like: the notice, /ai, the second opinion, /drafts, provider use."""

from __future__ import annotations

from transtutor.ai import JudgedError
from transtutor.content.models import ExerciseSet, ExerciseType
from transtutor.learning.assist import Opinion, ProviderUse
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote

MAX_SHOWN_ERRORS = 10
MAX_DRAFT_SHOWN = 600


def notice_text(t: Translator, host: str) -> str:
    return t("ai.notice", host=quote(host or "?"))


def status_text(t: Translator, configured: bool, off: bool, used: int, limit: int) -> str:
    if not configured:
        return t("ai.status_not_configured")
    if off:
        return t("ai.status_off")
    limit_text = str(limit) if limit > 0 else "∞"
    return t("ai.status_on", used=used, limit=limit_text)


def _judged_line(t: Translator, error: JudgedError) -> str:
    severity = t(f"severity.{error.severity}") if t.has(f"severity.{error.severity}") else ""
    category = t(f"category.{error.category}")
    if not t.has(f"category.{error.category}"):
        category = error.category
    span = f"«{quote(error.span)}» — " if error.span else ""
    return f"• {span}{quote(category)}, {severity or quote(error.severity)}"


def opinion_text(t: Translator, opinion: Opinion) -> str:
    judged = opinion.judgement
    lines = [t("ai.opinion_header", model=quote(judged.model))]
    if judged.errors:
        lines += [_judged_line(t, e) for e in judged.errors[:MAX_SHOWN_ERRORS]]
    else:
        lines.append(t("ai.opinion_no_errors"))
    agreed = opinion.agreement
    lines += [
        "",
        t(
            "ai.opinion_agreement",
            matched=agreed.matched,
            ai_only=agreed.ai_only,
            offline_only=agreed.offline_only,
        ),
        t("ai.opinion_score_unchanged"),
    ]
    return "\n".join(lines)


def drafts_text(t: Translator, exercise_set: ExerciseSet) -> str:
    drafted = [
        e
        for e in exercise_set.exercises
        if e.type is ExerciseType.post_edit and e.mt is not None and e.mt_engine
    ]
    if not drafted:
        return t("drafts.none", set_id=quote(exercise_set.id))
    lines = [t("drafts.header", set_id=quote(exercise_set.id), count=len(drafted))]
    for exercise in drafted:
        text = exercise.mt or ""
        shown = text if len(text) <= MAX_DRAFT_SHOWN else text[: MAX_DRAFT_SHOWN - 1] + "…"
        lines += [
            "",
            f"<b>{quote(exercise.id)}</b> — {quote(exercise.mt_engine or '')}",
            quote(shown),
        ]
    return "\n".join(lines)


def usage_text(t: Translator, use: ProviderUse) -> str:
    usage = use.usage
    lines = [
        t(
            "ai.usage",
            host=quote(use.host),
            model=quote(use.model),
            today=usage.requests_today,
            week=usage.requests_week,
            learners=usage.learners_week,
            off=usage.turned_off,
            failed=sum(use.stats.failed.values()),
            calls=use.stats.calls,
        )
    ]
    if use.judge:
        dice = "–" if usage.mean_dice is None else f"{usage.mean_dice:.2f}"
        lines.append(
            t(
                "ai.usage_judge",
                judged=usage.judged,
                matched=usage.matched,
                ai_only=usage.ai_only,
                offline_only=usage.offline_only,
                dice=dice,
            )
        )
    return "\n".join(lines)
