"""Score one submission: metrics, rubric checks, feedback and outcome evidence in one value.

How the score is made (also in the README, "Scoring"):

1. base: for translate and post_edit, the adequacy metric (chrF+, beta 3, against all
   references) mapped through CALIBRATION, a fixed increasing piecewise-linear curve that turns
   "as close to a reference as good human translations get" into 85-100 and off-topic text into
   under 10. For error_spot, 100 x how well the marked words overlap the annotated errors.
2. each applicable rubric criterion with value v (1 met .. 0 not met) and weight w multiplies
   the base by (1 - w x (1 - v)): a failed criterion of weight 0.2 takes 20% off.
3. the result is rounded to one decimal; an empty answer scores 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from itertools import pairwise
from typing import Any, Literal

from transtutor.content.models import (
    Exercise,
    ExerciseSet,
    ExerciseType,
    Rubric,
    default_rubric,
)
from transtutor.errors import UnknownRubric
from transtutor.scoring.checks import CHECKS, Attempt, ErrorMark, Finding, applies
from transtutor.scoring.text import quote

# (adequacy, base score) knots; tuned on the development data (see benchmarks/agreement.py):
# median adequacy of translations experts found flawless is 72 -> 87; random other
# sentences of the same talk reach 15-25 -> 4-15.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0, 0),
    (20, 5),
    (40, 45),
    (60, 75),
    (75, 90),
    (100, 100),
)
PASS_AT = 0.999

Status = Literal["pass", "partial", "fail"]


def calibrate(adequacy: float) -> float:
    for (x0, y0), (x1, y1) in pairwise(CALIBRATION):
        if adequacy <= x1:
            return y0 + (y1 - y0) * (max(adequacy, x0) - x0) / (x1 - x0)
    return 100.0


@dataclass(frozen=True)
class CriterionResult:
    id: str
    check: str
    status: Status
    value: float
    weight: float
    outcomes: list[str]
    items: list[str]
    feedback: dict[str, str]  # language -> line; empty when the criterion passed


@dataclass(frozen=True)
class ScoreResult:
    score: float
    type: str
    metrics: dict[str, float]
    criteria: list[CriterionResult]
    evidence: dict[str, float]
    rubric: str
    signatures: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status != "pass"]

    def feedback(self, lang: str) -> list[str]:
        """One line per criterion not fully met, in the learner's language."""
        return [c.feedback[lang] for c in self.failed if c.feedback.get(lang)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreResult:
        """Back from `to_dict()` (keys it did not write are ignored)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["criteria"] = [CriterionResult(**c) for c in values["criteria"]]
        return cls(**values)


def _status(value: float, fail_below: float) -> Status:
    if value >= PASS_AT:
        return "pass"
    return "fail" if value <= fail_below else "partial"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, finding: Finding) -> str:
    values = _Blank(items=quote(finding.items), **{k: str(v) for k, v in finding.details.items()})
    return template.format_map(values).strip()


class Scorer:
    """Scores submissions against references and a rubric. Stateless apart from the rubrics,
    so one instance serves every thread."""

    def __init__(self, rubrics: dict[str, Rubric]) -> None:
        self.rubrics = rubrics

    def rubric(self, rubric_id: str | None, language_pair: str) -> Rubric:
        if rubric_id:
            if rubric_id not in self.rubrics:
                raise UnknownRubric(rubric_id)
            return self.rubrics[rubric_id]
        rubric = default_rubric(self.rubrics, language_pair)
        if rubric is None:
            raise UnknownRubric(f"no rubric for {language_pair}")
        return rubric

    def score_exercise(
        self,
        exercise: Exercise,
        exercise_set: ExerciseSet,
        candidate: str,
        marks: list[ErrorMark] | None = None,
    ) -> ScoreResult:
        attempt = Attempt(
            type=exercise.type,
            source=exercise.source,
            candidate=candidate,
            references=list(exercise.references),
            source_lang=exercise_set.source_lang,
            target_lang=exercise_set.target_lang,
            mt=exercise.mt,
            glossary=exercise.glossary_pairs(),
            forbidden=list(exercise.forbidden),
            errors=list(exercise.errors),
            marks=list(marks or []),
        )
        rubric = self.rubric(exercise_set.rubric, exercise_set.language_pair)
        return self.score(attempt, rubric, exercise_set.outcomes_of(exercise))

    def score(self, attempt: Attempt, rubric: Rubric, outcomes: list[str]) -> ScoreResult:
        if attempt.type is ExerciseType.error_spot:
            base, metrics, signatures = self._spot_base(attempt)
        else:
            base, metrics, signatures = self._translation_base(attempt)
        criteria = [] if base is None else self._criteria(attempt, rubric, outcomes)
        score = 0.0 if base is None else base
        for result in criteria:
            score *= 1 - result.weight * (1 - result.value)
        score = round(score, 1)
        return ScoreResult(
            score=score,
            type=attempt.type.value,
            metrics=metrics,
            criteria=criteria,
            evidence=_evidence(score, outcomes, criteria),
            rubric=rubric.id,
            signatures=signatures,
        )

    def _translation_base(
        self, attempt: Attempt
    ) -> tuple[float | None, dict[str, float], dict[str, str]]:
        if not attempt.candidate.strip():
            return None, {"bleu": 0.0, "chrf": 0.0, "ter": 100.0, "adequacy": 0.0}, {}
        values = attempt.suite.score(attempt.candidate, attempt.references)
        return calibrate(values.adequacy), values.as_dict(), attempt.suite.signatures

    def _spot_base(self, attempt: Attempt) -> tuple[float | None, dict[str, float], dict[str, str]]:
        if not attempt.marks:
            return None, {"span": 0.0}, {}
        matched = attempt.matched_errors
        recall = sum(overlap for _, _, overlap in matched) / len(matched)
        used = sum(1 for _, mark, _ in matched if mark is not None)
        precision = used / len(attempt.marks)
        span = 0.0 if recall == 0 else recall * (0.5 + 0.5 * precision)
        return 100 * span, {"span": round(100 * span, 1)}, {}

    def _criteria(
        self, attempt: Attempt, rubric: Rubric, outcomes: list[str]
    ) -> list[CriterionResult]:
        results = []
        for criterion in rubric.criteria:
            if not applies(criterion.check, attempt.type):
                continue
            finding = CHECKS[criterion.check](attempt, criterion.params)
            if not finding.applicable:
                continue
            status = _status(finding.value, float(criterion.params.get("fail_below", 0.5)))
            feedback = (
                {}
                if status == "pass"
                else {lang: render(criterion.feedback.get(lang), finding) for lang in ("en", "zh")}
            )
            results.append(
                CriterionResult(
                    id=criterion.id,
                    check=criterion.check.value,
                    status=status,
                    value=round(finding.value, 3),
                    weight=criterion.weight,
                    # A criterion naming no outcome evidences the exercise's own outcomes.
                    outcomes=list(criterion.outcomes or outcomes),
                    items=finding.items,
                    feedback=feedback,
                )
            )
        return results


def _evidence(
    score: float, outcomes: list[str], criteria: list[CriterionResult]
) -> dict[str, float]:
    """Per outcome 0..1: the overall score for the exercise's outcomes, each criterion's value
    (at most score/100) for the outcomes the rubric ties it to; averaged where both speak."""
    collected: dict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        collected[outcome].append(score / 100)
    for criterion in criteria:
        for outcome in criterion.outcomes:
            # Passing a check in a poor answer is no evidence of skill: cap it by the score.
            collected[outcome].append(min(criterion.value, score / 100))
    return {o: round(sum(v) / len(v), 3) for o, v in collected.items()}
