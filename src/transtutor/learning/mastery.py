"""Mastery of learning outcomes: a recency-weighted average of the evidence.

Each graded attempt gives evidence e in 0..1 for some outcomes (see the scorer). Per outcome we
keep S = sum of decay^k * e_k and W = sum of decay^k over past attempts, k counting how many
newer pieces of evidence followed, so mastery = S / W. With DECAY = 0.8 a piece of evidence
weighs half after three newer ones: recent work counts most, but one lucky answer does not
erase a history. An outcome is *mastered* when mastery >= the course threshold (0.8 by
default) with at least `min_attempts` pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DECAY = 0.8


@dataclass(frozen=True)
class OutcomeMastery:
    outcome: str
    value: float  # 0..1
    attempts: int
    evidence_sum: float = 0.0
    evidence_weight: float = 0.0

    def updated(self, evidence: float) -> OutcomeMastery:
        total = DECAY * self.evidence_sum + evidence
        weight = DECAY * self.evidence_weight + 1.0
        return OutcomeMastery(self.outcome, total / weight, self.attempts + 1, total, weight)

    def mastered(self, threshold: float, min_attempts: int) -> bool:
        return self.attempts >= min_attempts and self.value >= threshold - 1e-9


def empty(outcome: str) -> OutcomeMastery:
    return OutcomeMastery(outcome, 0.0, 0)


def level(mastery: OutcomeMastery) -> int:
    """The exercise difficulty (1..5) that suits this mastery: 0 -> 1, 1 -> 5."""
    return max(1, min(5, 1 + round(4 * mastery.value)))


@dataclass(frozen=True)
class MasteryChange:
    """The outcomes one piece of evidence moved: their records after it, and the values
    before and after (0 for an outcome with no evidence yet)."""

    updated: dict[str, OutcomeMastery]
    before: dict[str, float]
    after: dict[str, float]


def apply(current: dict[str, OutcomeMastery], evidence: dict[str, float]) -> MasteryChange:
    """Add one piece of evidence (outcome -> 0..1) to a learner's mastery."""
    updated = {o: current.get(o, empty(o)).updated(value) for o, value in evidence.items()}
    return MasteryChange(
        updated,
        {o: current[o].value if o in current else 0.0 for o in updated},
        {o: record.value for o, record in updated.items()},
    )


def replay(evidence: Iterable[dict[str, float]]) -> dict[str, OutcomeMastery]:
    """Mastery from all of a learner's evidence, oldest first (after a late project review
    changes what came when)."""
    state: dict[str, OutcomeMastery] = {}
    for piece in evidence:
        for outcome, value in piece.items():
            state[outcome] = state.get(outcome, empty(outcome)).updated(value)
    return state


def values(mastery: dict[str, OutcomeMastery], outcomes: Iterable[str]) -> dict[str, float]:
    """The mastery of these outcomes (0 for one with no evidence)."""
    return {o: mastery[o].value if o in mastery else 0.0 for o in outcomes}
