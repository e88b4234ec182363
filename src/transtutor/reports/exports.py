"""The learner table coordinators download: CSV (UTF-8 with BOM, for Excel on Chinese Windows)
or XLSX. One row per learner; one column per outcome (mastery in percent, 0-100); attempts,
last activity and, per project, status and grade; the at-risk reasons.

Column headers are stable English identifiers (scripts read them); times are in the course
time zone. Learners choose their own names, so text that a spreadsheet would run as a formula
(`=`, `+`, `-`, `@` first) must stay text: in CSV it is prefixed with an apostrophe (the only
way a CSV can say so); in XLSX it is stored as a text cell, shown exactly as written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from transtutor.reports.snapshot import Reason, RiskRules, Snapshot, outcome_summaries, risk_reasons

Cell = str | int | float | datetime | None
Format = Literal["csv", "xlsx"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    learners: int
    cohort: str | None


def reason_text(reason: Reason) -> str:
    """A short English form for files (the chat renders reasons in the user's language)."""
    if reason.kind == "never":
        return f"no activity since joining {reason.days} d ago"
    if reason.kind == "inactive":
        return f"inactive {reason.days} d"
    if reason.kind == "below":
        return f"mean mastery {100 * reason.mean:.0f}% (weakest {reason.weakest})"
    return f"missed {reason.project}"


def learner_table(snapshot: Snapshot, rules: RiskRules) -> Table:
    outcomes = snapshot.outcomes
    header = [
        "user_id",
        "name",
        "cohort",
        "language",
        "joined",
        "last_active",
        "attempts",
        f"attempts_{snapshot.window_days}d",
        *outcomes,
        "outcomes_mastered",
    ]
    for project in snapshot.projects:
        header += [f"{project.id} status", f"{project.id} grade"]
    header.append("at_risk")
    rows: list[list[Cell]] = []
    for learner in snapshot.learners:
        row: list[Cell] = [
            learner.id,
            learner.name,
            learner.cohort or "",
            learner.language,
            learner.joined,
            learner.last_active,
            learner.attempts,
            learner.recent_attempts,
        ]
        row += [
            round(100 * learner.mastery[o].value, 1) if o in learner.mastery else 0.0
            for o in outcomes
        ]
        row.append(sum(snapshot.mastered(learner, o) for o in outcomes))
        statuses = {s.project.id: s for s in snapshot.work(learner)}
        for project in snapshot.projects:
            status = statuses.get(project.id)
            if status is None:  # a project of another cohort
                row += ["", None]
            else:
                score = None if status.score is None else round(status.score, 1)
                row += [status.state, score]
        row.append("; ".join(reason_text(r) for r in risk_reasons(snapshot, learner, rules)))
        rows.append(row)
    return Table(header, rows)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(table: Table, zone: ZoneInfo) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(
            [
                c.astimezone(zone).strftime(TIME_FORMAT)
                if isinstance(c, datetime)
                else _safe(c)
                if isinstance(c, str)
                else ""
                if c is None
                else c
                for c in row
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table, snapshot: Snapshot, zone: ZoneInfo) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Learners")
    sheet.freeze_panes = "C2"
    for letter, width in (("A", 14), ("B", 24), ("C", 16), ("E", 17), ("F", 17)):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)

    def heading(values: list[str]) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        return cells

    def text(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        return cell

    sheet.append(heading(table.header))
    for row in table.rows:
        values: list[Any] = []
        for c in row:
            if isinstance(c, datetime):
                values.append(c.astimezone(zone).replace(tzinfo=None, microsecond=0))
            else:
                values.append(text(c) if isinstance(c, str) else c)
        sheet.append(values)

    outcomes = book.create_sheet("Outcomes")
    outcomes.append(
        heading(["outcome", "title_en", "title_zh", "mean_mastery", "mastered", "mastered_share"])
    )
    for o in outcome_summaries(snapshot)[0]:
        outcomes.append(
            [
                o.outcome,
                o.title.get("en", ""),
                o.title.get("zh", ""),
                round(100 * o.mean, 1),
                o.mastered,
                round(100 * o.share, 1),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(snapshot: Snapshot, rules: RiskRules, zone: ZoneInfo, fmt: Format) -> ExportFile:
    table = learner_table(snapshot, rules)
    data = to_csv(table, zone) if fmt == "csv" else to_xlsx(table, snapshot, zone)
    scope = snapshot.cohort.name if snapshot.cohort else "all"
    stamp = snapshot.now.astimezone(zone).strftime("%Y%m%d-%H%M")
    slug = "".join(ch if ch.isalnum() else "-" for ch in scope).strip("-")[:40] or "cohort"
    name = f"{snapshot.course.id}-{slug}-{stamp}.{fmt}"
    return ExportFile(
        name, data, len(table.rows), snapshot.cohort.name if snapshot.cohort else None
    )
