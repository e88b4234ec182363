"""A learner's progress on the course outcomes, as /progress and the reports show it."""

from __future__ import annotations

from dataclasses import dataclass

from transtutor.content.models import Course
from transtutor.learning.mastery import OutcomeMastery, empty


@dataclass(frozen=True)
class OutcomeProgress:
    outcome: str
    title: dict[str, str]
    value: float
    attempts: int
    mastered: bool


@dataclass(frozen=True)
class Progress:
    outcomes: list[OutcomeProgress]
    attempts: int
    next_outcome: str | None
    threshold: float
    min_attempts: int

    @property
    def all_mastered(self) -> bool:
        return all(o.mastered for o in self.outcomes)


def summarize(course: Course, mastery: dict[str, OutcomeMastery], attempts: int) -> Progress:
    rows = []
    for outcome in course.outcomes:
        record = mastery.get(outcome.id, empty(outcome.id))
        rows.append(
            OutcomeProgress(
                outcome.id,
                outcome.title.model_dump(),
                record.value,
                record.attempts,
                record.mastered(course.mastery_threshold, course.min_attempts),
            )
        )
    open_rows = [r for r in rows if not r.mastered]
    weakest = min(open_rows, key=lambda r: (r.value, r.attempts), default=None)
    return Progress(
        rows,
        attempts,
        weakest.outcome if weakest else None,
        course.mastery_threshold,
        course.min_attempts,
    )
