"""`transtutor summary` and `transtutor export`: the coordinator's reports without Telegram.

They ask the same report service as the chat commands, on the configured database, and print
the same texts (as plain text) or write the same files.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from transtutor.errors import CommandFailed
from transtutor.reports import snapshot as reports
from transtutor.reports.coordinator import Coordinator
from transtutor.reports.snapshot import ReportRejected
from transtutor_bot import render_reports
from transtutor_bot.bootstrap import open_reports
from transtutor_bot.config import Settings
from transtutor_bot.error_messages import message_for
from transtutor_bot.i18n import Translator
from transtutor_bot.render_text import plain

T = TypeVar("T")


def ask(
    settings: Settings, language: str, question: Callable[[Coordinator], Coroutine[Any, Any, T]]
) -> T:
    """Run one report question; a refusal (unknown cohort ...) is shown in `language`."""
    database, coordinator = open_reports(settings)
    try:
        return asyncio.run(question(coordinator))
    except ReportRejected as exc:
        if exc.reason == "bad_rule":  # the chat's message names the chat's syntax
            key, _, value = str(exc.params.get("rule", "")).partition("=")
            raise CommandFailed(
                f"--{key} {value}: use --inactive DAYS (1-999), --below PERCENT (1-100) "
                f"or --after DAYS, e.g. --inactive 14 --below 60 --after 21"
            ) from None
        raise CommandFailed(plain(message_for(exc, Translator(language)) or str(exc))) from None
    finally:
        database.close()


def summary(
    settings: Settings,
    cohort: str,
    language: str,
    with_at_risk: bool,
    chart: Path | None,
    overrides: str = "",
) -> int:
    """The /summary message (and optionally the /atrisk list and the chart). `overrides`:
    at-risk rules for this list (`inactive=14 below=60`), as the chat's /atrisk takes them."""
    t = Translator(language)
    # One read of the database serves both the summary and the at-risk list.
    request = f"{cohort} {overrides}".strip()
    snapshot, rules, risky = ask(settings, language, lambda c: c.at_risk(request))
    found = reports.summary(snapshot, rules, risky)
    print(plain(render_reports.summary_text(t, found, settings.zone)))
    if with_at_risk:
        print()
        text = render_reports.at_risk_text(t, snapshot, rules, risky, settings.zone, cli=True)
        print(plain(text))
    if chart is not None:
        from transtutor_bot.charts import summary_chart

        chart.write_bytes(summary_chart(found))
        print(f"chart saved to {chart}", file=sys.stderr)
    return 0


def export(settings: Settings, cohort: str, fmt: str, output: Path | None) -> int:
    """The /export file: CSV (UTF-8 with BOM) or XLSX; `-` writes to standard output."""
    made = ask(settings, "en", lambda c: c.export(f"{cohort} {fmt}"))
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(made.data)
        return 0
    path = output or Path(made.name)
    if path.is_dir():
        path = path / made.name
    path.write_bytes(made.data)
    print(f"{made.learners} learner(s) -> {path}", file=sys.stderr)
    return 0
