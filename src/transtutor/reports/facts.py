"""What the reports know about each learner, read from the store in a few set-wise queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from transtutor.learning.mastery import OutcomeMastery


@dataclass(frozen=True)
class WorkFacts:
    """A learner's latest submission to one project and its reviews."""

    submitted_at: datetime
    late: bool
    reviews: int
    score: float | None  # mean of the review grades, 0..100


@dataclass(frozen=True)
class LearnerFacts:
    id: int
    name: str
    role: str
    cohort_id: int | None
    cohort: str | None
    language: str
    joined: datetime
    attempts: int
    recent_attempts: int  # since the `since` the facts were read with
    last_attempt: datetime | None
    last_submission: datetime | None
    last_active: datetime | None  # the later of the two above
    mastery: dict[str, OutcomeMastery]
    work: dict[str, WorkFacts]  # project id -> latest submission
