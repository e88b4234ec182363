"""Mastery of learning outcomes: a recency-weighted average of the evidence.

Each graded attempt gives evidence e in 0..1 for some outcomes (see the scorer). Per outcome we
keep S = sum of decay^k * e_k and W = sum of decay^k over past attempts, k counting how many
newer pieces of evidence followed, so mastery = S / W. With DECAY = 0.8 a piece of evidence
weighs half after three newer ones: recent work counts most, but one lucky answer does not
erase a history. An outcome is *mastered* when mastery >= the course threshold (0.8 by
default) with at least `min_attempts` pieces of evidence.
"""

from __future__ import annotations

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
