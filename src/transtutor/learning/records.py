"""A learner's open exercise and their attempts, as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OpenExercise:
    """The exercise a learner is answering; `token` changes with every new exercise."""

    token: int
    set_id: str
    set_version: int
    exercise_id: str
    state: dict[str, Any]


@dataclass(frozen=True)
class RecordedAttempt:
    set_id: str
    set_version: int
    exercise_id: str
    result: dict[str, Any]  # ScoreResult.to_dict() + evidence + mastery before/after


@dataclass(frozen=True)
class NewAttempt:
    """A scored answer to store."""

    user_id: int
    set_id: str
    set_version: int
    exercise_id: str
    type: str
    answer: str
    score: float
    result: dict[str, Any]
    at: datetime
    update_id: int | None = None


@dataclass(frozen=True)
class PastAttempt:
    set_id: str
    exercise_id: str
    score: float
    at: str


@dataclass(frozen=True)
class AttemptLine:
    exercise_id: str
    type: str
    score: float
    at: datetime


@dataclass(frozen=True, order=True)
class Evidence:
    """One piece of a learner's evidence; sorted, they are in time order."""

    at: str
    kind: int  # 0 attempt, 1 project (an attempt and a review at the same second: attempt first)
    ref: int  # the attempt's or the submission's id
    outcomes: dict[str, float] = field(compare=False)


@dataclass(frozen=True)
class LastAttempt:
    """A learner's most recent scored answer, as /explain and the second opinion read it."""

    id: int
    set_id: str
    set_version: int
    exercise_id: str
    answer: str
    result: dict[str, Any]


@dataclass(frozen=True)
class AiUsage:
    """Provider use for the coordinator: counts only, never texts or who asked what."""

    requests_today: int
    requests_week: int
    learners_week: int
    turned_off: int
    judged: int  # attempts given a second opinion
    matched: int
    ai_only: int
    offline_only: int
    mean_dice: float | None
