"""Projects, submissions and reviews as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from transtutor.projects.grading import Rating


@dataclass(frozen=True)
class ProjectRecord:
    id: str
    title: str
    deadline: datetime  # aware
    leads: tuple[int, ...]  # reminder lead times in minutes, longest first
    rubric: str
    outcomes: tuple[str, ...]
    cohort_id: int | None = None


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    project_id: str
    user_id: int
    text: str | None
    file_id: str | None
    file_name: str | None
    submitted_at: datetime
    late: bool


@dataclass(frozen=True)
class ReviewRecord:
    reviewer_id: int
    reviewer_name: str
    ratings: list[Rating]
    score: float
    comment: str
    at: str


def reminder_key(project_id: str, lead_minutes: int | None) -> str:
    """The delivery key of a reminder (with lead None: the prefix of all of a project's)."""
    return f"reminder:{project_id}:" + ("" if lead_minutes is None else str(lead_minutes))
