"""Project grades: how reviewers' ratings become a grade and evidence of outcome mastery.

A reviewer rates every criterion of the project's review rubric on five levels (0 not met ..
4 excellent); a criterion's value is level / 4 and a review's grade is the weighted mean of the
values, 0-100.

Two reviewers (the teacher and the industry mentor) may review the same submission; both
reviews are kept. The submission's grade takes, per criterion, the mean of the reviewers'
values, so it is the mean of their grades. Each outcome's evidence is the weighted mean of the
values of the criteria that name it. A submission is one piece of evidence per outcome, dated at
its first review: a second review revises that piece rather than adding another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from transtutor.content.models import REVIEW_LEVELS, ReviewRubric

LEVEL_MAX = len(REVIEW_LEVELS) - 1
MAX_REVIEWERS = 2


@dataclass(frozen=True)
class Rating:
    criterion: str
    level: int  # 0..LEVEL_MAX
    weight: float
    outcomes: tuple[str, ...]

    @property
    def value(self) -> float:
        return self.level / LEVEL_MAX


@dataclass(frozen=True)
class Combined:
    score: float  # 0..100
    evidence: dict[str, float]  # outcome -> 0..1
    reviews: int


def ratings(rubric: ReviewRubric, levels: Sequence[int]) -> list[Rating]:
    """One rating per criterion of the rubric, in order."""
    if len(levels) != len(rubric.criteria) or any(not 0 <= x <= LEVEL_MAX for x in levels):
        raise ValueError("one level 0..4 per criterion is needed")
    return [
        Rating(c.id, level, c.weight, tuple(c.outcomes))
        for c, level in zip(rubric.criteria, levels, strict=True)
    ]


def combine(reviews: Iterable[Sequence[Rating]]) -> Combined:
    """The submission's grade and evidence from all its reviews (the documented rule above)."""
    values: dict[str, list[float]] = {}
    meta: dict[str, Rating] = {}
    count = 0
    for review in reviews:
        count += 1
        for rating in review:
            values.setdefault(rating.criterion, []).append(rating.value)
            meta.setdefault(rating.criterion, rating)
    if not values:
        return Combined(0.0, {}, 0)
    mean = {c: sum(v) / len(v) for c, v in values.items()}
    total_weight = sum(meta[c].weight for c in mean)
    score = 100 * sum(meta[c].weight * mean[c] for c in mean) / total_weight
    by_outcome: dict[str, list[tuple[float, float]]] = {}
    for criterion, value in mean.items():
        for outcome in meta[criterion].outcomes:
            by_outcome.setdefault(outcome, []).append((meta[criterion].weight, value))
    evidence = {
        outcome: sum(w * v for w, v in pairs) / sum(w for w, _ in pairs)
        for outcome, pairs in by_outcome.items()
    }
    return Combined(score, evidence, count)


def to_json(review: Sequence[Rating]) -> list[dict[str, Any]]:
    return [asdict(r) for r in review]


def from_json(data: Iterable[dict[str, Any]]) -> list[Rating]:
    return [
        Rating(d["criterion"], int(d["level"]), float(d["weight"]), tuple(d["outcomes"]))
        for d in data
    ]
