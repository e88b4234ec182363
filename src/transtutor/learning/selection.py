"""Which exercise helps a learner most right now.

1. Target the weakest outcome that is not yet mastered (lowest mastery; fewer attempts first;
   then course order). When every outcome is mastered, the weakest one still gets practice.
2. Among the exercises that give evidence for it, prefer a difficulty near the learner's level
   on that outcome (mastery 0 -> 1, mastery 1 -> 5).
3. No repeats: an exercise already answered is not offered again, except for spaced review of
   a failed one (best score under REVIEW_BELOW) once REVIEW_AFTER has passed or REVIEW_GAP other
   attempts were made since; a due review goes before a fresh exercise of the same fit.
   Exercises skipped in the last day are offered last.
4. Ties are broken by a hash of learner and exercise: varied between learners, stable for one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from transtutor.content.models import Course, Exercise, ExerciseSet
from transtutor.learning.mastery import OutcomeMastery, empty, level
from transtutor.learning.records import PastAttempt

REVIEW_BELOW = 60.0
REVIEW_AFTER = timedelta(days=1)
REVIEW_GAP = 5


@dataclass(frozen=True)
class Pick:
    exercise_set: ExerciseSet
    version: int
    exercise: Exercise
    outcome: str
    review: bool


def _tie(user_id: int, exercise_id: str) -> int:
    return int.from_bytes(
        hashlib.blake2s(f"{user_id}:{exercise_id}".encode(), digest_size=4).digest()
    )


def choose(
    user_id: int,
    course: Course,
    sets: Sequence[tuple[ExerciseSet, int]],
    mastery: dict[str, OutcomeMastery],
    history: Sequence[PastAttempt],
    skipped: set[tuple[str, str]],
    now: datetime,
) -> Pick | None:
    """The next exercise for this learner, or None if the course has no exercises."""
    seen: dict[tuple[str, str], tuple[float, int, str]] = {}  # best score, last index, last time
    for index, attempt in enumerate(history):
        key = (attempt.set_id, attempt.exercise_id)
        best = max(attempt.score, seen[key][0]) if key in seen else attempt.score
        seen[key] = (best, index, attempt.at)

    def available(exercise_set: ExerciseSet, exercise: Exercise) -> tuple[bool, bool]:
        """(may be offered, is a review)."""
        key = (exercise_set.id, exercise.id)
        if key not in seen:
            return True, False
        best, last_index, last_at = seen[key]
        if best >= REVIEW_BELOW:
            return False, False
        due = (
            len(history) - 1 - last_index >= REVIEW_GAP
            or now - datetime.fromisoformat(last_at) >= REVIEW_AFTER
        )
        return due, due

    by_outcome: dict[str, list[tuple[ExerciseSet, int, Exercise, bool]]] = {}
    for exercise_set, version in sets:
        for exercise in exercise_set.exercises:
            ok, review = available(exercise_set, exercise)
            if not ok:
                continue
            for outcome in exercise_set.outcomes_of(exercise):
                by_outcome.setdefault(outcome, []).append((exercise_set, version, exercise, review))

    order = {o: i for i, o in enumerate(course.outcome_ids)}
    targets = sorted(
        (o for o in by_outcome if o in order),
        key=lambda o: (
            mastery.get(o, empty(o)).mastered(course.mastery_threshold, course.min_attempts),
            mastery.get(o, empty(o)).value,
            mastery.get(o, empty(o)).attempts,
            order[o],
        ),
    )
    if not targets:
        return _oldest_failed(user_id, sets, seen)
    outcome = targets[0]
    wanted = level(mastery.get(outcome, empty(outcome)))
    exercise_set, version, exercise, review = min(
        by_outcome[outcome],
        key=lambda c: (
            (c[0].id, c[2].id) in skipped,
            abs(c[2].difficulty - wanted),
            not c[3],  # a due review before a fresh exercise at the same distance
            _tie(user_id, c[2].id),
        ),
    )
    return Pick(exercise_set, version, exercise, outcome, review)


def _oldest_failed(
    user_id: int,
    sets: Sequence[tuple[ExerciseSet, int]],
    seen: dict[tuple[str, str], tuple[float, int, str]],
) -> Pick | None:
    """Everything has been answered well or is not yet due: review the weakest answer."""
    candidates = [
        (
            seen.get((s.id, e.id), (0.0, 0, ""))[0],
            seen.get((s.id, e.id), (0.0, 0, ""))[1],
            _tie(user_id, e.id),
            s,
            v,
            e,
        )
        for s, v in sets
        for e in s.exercises
    ]
    if not candidates:
        return None
    *_, exercise_set, version, exercise = min(candidates, key=lambda c: c[:3])
    outcomes = exercise_set.outcomes_of(exercise)
    return Pick(exercise_set, version, exercise, outcomes[0] if outcomes else "", True)
