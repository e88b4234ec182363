"""What coordinators ask in chat and on the command line, answered off the event loop.

Reports read on the runner's reader thread (their own connection), so a summary over the whole
programme never holds up a learner's answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from transtutor.clock import utcnow
from transtutor.content.models import Course
from transtutor.infra.executors import Runner
from transtutor.reports.exports import ExportFile, Format, export
from transtutor.reports.ports import ReportStores
from transtutor.reports.snapshot import (
    AtRisk,
    LearnerDetail,
    ReportRejected,
    RiskRules,
    Snapshot,
    Summary,
    at_risk,
    find_cohort,
    learner_detail,
    read_snapshot,
    summary,
)

RECENT_ATTEMPTS_SHOWN = 5
FORMATS: dict[str, Format] = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx"}


class Coordinator:
    """The coordinator's questions, answered off the event loop on the reports reader."""

    def __init__(
        self,
        runner: Runner,
        reader: ReportStores,
        course: Course,
        rules: RiskRules,
        zone: ZoneInfo,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.reader = reader  # used on the runner's reader thread only
        self.course = course
        self.rules = rules
        self.zone = zone
        self.clock = clock

    def _snapshot(self, cohort: str, rules: RiskRules, user_id: int | None = None) -> Snapshot:
        return read_snapshot(
            self.reader,
            self.course,
            self.clock(),
            rules.inactive_days,
            find_cohort(self.reader.facts, cohort),
            user_id,
        )

    async def snapshot(self, cohort: str = "", rules: RiskRules | None = None) -> Snapshot:
        return await self.runner.read(self._snapshot, cohort, rules or self.rules)

    async def summary(self, cohort: str = "") -> Summary:
        return summary(await self.snapshot(cohort), self.rules)

    async def at_risk(self, request: str = "") -> tuple[Snapshot, RiskRules, list[AtRisk]]:
        """`request`: an optional cohort and rule overrides (`inactive=14 below=60`)."""
        words = request.split()
        rules = self.rules.overridden([w for w in words if "=" in w])
        snapshot = await self.snapshot(" ".join(w for w in words if "=" not in w), rules)
        return snapshot, rules, at_risk(snapshot, rules)

    async def learner(self, text: str) -> LearnerDetail:
        wanted = text.strip()
        if not re.fullmatch(r"\d{1,15}", wanted):
            raise ReportRejected("learner_usage")
        detail = await self.runner.read(self._learner, int(wanted))
        if detail is None:
            raise ReportRejected("unknown_learner", user_id=wanted)
        return detail

    def _learner(self, user_id: int) -> LearnerDetail | None:
        snapshot = self._snapshot("", self.rules, user_id)
        if not snapshot.learners:
            return None
        recent = self.reader.practice.recent_attempts(user_id, RECENT_ATTEMPTS_SHOWN)
        return learner_detail(snapshot, recent, self.rules)

    async def export(self, request: str = "") -> ExportFile:
        """`request`: an optional cohort, then an optional format (`csv`, default, or `xlsx`)."""
        words = request.split()
        fmt: Format = "csv"
        if words and words[-1].lower() in FORMATS:
            fmt = FORMATS[words.pop().lower()]
        return await self.runner.read(self._export, " ".join(words), fmt)

    def _export(self, cohort: str, fmt: Format) -> ExportFile:
        return export(self._snapshot(cohort, self.rules), self.rules, self.zone, fmt)
