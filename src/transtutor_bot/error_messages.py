"""The one place where domain errors become messages in the user's language (chat and CLI)."""

from __future__ import annotations

from transtutor.ai import AiUnavailable
from transtutor.errors import ImportRejected, Rejected
from transtutor.learning.assist import NothingToExplain
from transtutor.learning.practice import NoExercises, NoOpenExercise, StaleStep
from transtutor.people.access import UnknownCode
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import quote

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
    if isinstance(exception, AiUnavailable):
        return quote(exception.line(t.language))
    if isinstance(exception, NothingToExplain):
        return t("ai.nothing_to_explain")
    if isinstance(exception, UnknownCode):
        return t("start.bad_code", code=quote(str(exception)[:64]))
    return None
