"""What messages look like: exercises, feedback and progress as Telegram HTML text."""

from __future__ import annotations

from transtutor.content.models import ExerciseType
from transtutor.learning.practice import Assignment, Feedback
from transtutor.learning.progress import Progress
from transtutor.scoring.checks import ErrorMark
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote

BAR_CELLS = 10


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
    if exercise.type is ExerciseType.ai_critique:
        engine = quote(exercise.mt_engine or t("ai.engine_unnamed"))
        lines += ["", t("exercise.ai_output", engine=engine), quote(exercise.mt or "")]
    elif exercise.type is not ExerciseType.translate:
        label = (
            t("exercise.mt_by", engine=quote(exercise.mt_engine))
            if exercise.mt_engine
            else t("exercise.mt")
        )
        lines += ["", label, quote(exercise.mt or "")]
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
    if exercise.spotting:
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
    if exercise.spotting:
        lines += ["", t("feedback.annotated")]
        lines += [
            f"• «{quote(e.span)}» — {t(f'category.{e.category}')}, {t(f'severity.{e.severity}')}"
            for e in exercise.errors
        ]
    elif exercise.references:
        lines += ["", t("feedback.reference"), quote(exercise.references[0])]
    moved = mastery_line(t, feedback.mastery_before, feedback.mastery_after)
    if moved:
        lines += ["", moved]
    lines += ["", t("feedback.next")]
    return "\n".join(lines)


def mastery_line(t: Translator, before: dict[str, float], after: dict[str, float]) -> str:
    """ "Mastery: LO1 40→55%, ..." for the outcomes an answer or a grade moved ("" if none)."""
    changes = [
        f"{outcome} {round(100 * before.get(outcome, 0.0))}→{round(100 * value)}%"
        for outcome, value in sorted(after.items())
    ]
    return t("feedback.mastery", changes=", ".join(changes)) if changes else ""


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
