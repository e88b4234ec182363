"""Score one submission: metrics, detected errors, rubric checks, feedback and outcome
evidence in one value.

How the score is made (also in the README, "Scoring"):

1. closeness Q: for translate and post_edit, the surface metric (chrF+, beta 3, against all
   references) mapped through CALIBRATION, and the meaning (embedding similarity with the
   closest reference) mapped through MEANING_CALIBRATION; English targets blend the two
   (SURFACE_SHARE), Chinese targets take the higher (character n-grams cannot tell a Chinese
   paraphrase from an error). For error_spot, 100 x how well the marks overlap the errors.
2. errors: `transtutor.scoring.detect` finds accuracy errors by MQM category and severity;
   the rubric's numbers, names, untranslated, length, glossary, forbidden-term and punctuation
   findings become errors too. English targets score 100 x F x K / (K + P + D), P the sum
   of the errors' MQM weights, D the divergence (reference words x (1 - Q/100) x the major
   weight: the errors a long answer far from its reference is likely to hold) and
   F = min(1, Q / FAR_BELOW); Chinese
   targets Q x K / (K + P). See `transtutor.scoring.severity`. A non-translation keeps at
   most its surface closeness.
3. the other rubric criteria (post-editing, error_spot category and severity), value v and
   weight w, multiply by (1 - w x (1 - v)).
4. the result is rounded to one decimal; an empty answer scores 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields, replace
from itertools import pairwise
from typing import Any, Literal

from transtutor.content.models import (
    CheckKind,
    Exercise,
    ExerciseSet,
    ExerciseType,
    Rubric,
    default_rubric,
)
from transtutor.errors import UnknownRubric
from transtutor.scoring import detect as dt
from transtutor.scoring import lexicon as lx
from transtutor.scoring import meaning, synonyms
from transtutor.scoring import severity as sv
from transtutor.scoring.checks import CHECKS, Attempt, ErrorMark, Finding, applies
from transtutor.scoring.comparison import Comparison
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
# (embedding similarity x 100, closeness) knots: error-free MT of the dev data has a median
# similarity of 0.94 to its reference (10th percentile 0.84), unrelated sentences 0.08 (90th
# percentile 0.29).
MEANING_CALIBRATION: tuple[tuple[float, float], ...] = (
    (0, 0),
    (30, 0),
    (60, 50),
    (75, 80),
    (85, 92),
    (100, 100),
)
# English targets: share of the surface metric in Q (the rest is meaning). Measured with the
# whole scorer: 0.7 agrees a little better with the dev MQM ratings (tau 0.158 vs 0.156), 0.5
# is fairer to correct answers worded unlike the reference (the course's second references
# against the first: median 80.2 vs 74.8, 10th percentile 64.5 vs 57.5). Both beat every plain
# sacrebleu metric (chrF 0.147); we take the fairer.
SURFACE_SHARE = 0.5
# English targets: an answer whose closeness Q is below this is far from every reference
# and keeps at most Q / FAR_BELOW of its score, so that a short answer with nothing right
# still scores near 0 (the divergence alone would leave it about 45). Error-free MT of the
# dev data has Q >= 52.6 in 99 lines of 100; applied there it moves tau by 0.0007.
FAR_BELOW = 50.0
PASS_AT = 0.999
# Checks whose findings are scored as detected errors (by severity) rather than by weight.
ERROR_CHECKS = frozenset(
    {
        CheckKind.numbers,
        CheckKind.entities,
        CheckKind.untranslated,
        CheckKind.length_ratio,
        CheckKind.glossary,
        CheckKind.forbidden_terms,
        CheckKind.punctuation,
    }
)
# Error branch -> the checks whose outcomes it gives evidence for.
BRANCH_CHECKS = {
    "accuracy": {
        CheckKind.numbers,
        CheckKind.entities,
        CheckKind.untranslated,
        CheckKind.length_ratio,
    },
    "terminology": {CheckKind.glossary, CheckKind.forbidden_terms},
    "fluency": {CheckKind.punctuation},
}

Status = Literal["pass", "partial", "fail"]


def calibrate(adequacy: float, knots: tuple[tuple[float, float], ...] = CALIBRATION) -> float:
    for (x0, y0), (x1, y1) in pairwise(knots):
        if adequacy <= x1:
            return y0 + (y1 - y0) * (max(adequacy, x0) - x0) / (x1 - x0)
    return 100.0


def closeness(surface: float, similarity: float, target_lang: str) -> float:
    """Q, 0..100: how close the answer is to a reference, in form and in meaning."""
    form = calibrate(surface)
    sense = calibrate(100 * similarity, MEANING_CALIBRATION)
    if target_lang == "zh":
        return max(form, sense)
    return SURFACE_SHARE * form + (1 - SURFACE_SHARE) * sense


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
    # Detected errors, most severe first: kind, category, severity, found, expected, source,
    # weight and feedback {en, zh} (see `transtutor.scoring.severity.as_record`).
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status != "pass"]

    def feedback(self, lang: str) -> list[str]:
        """One line per detected error (most severe first), then one per other criterion not
        fully met, in the learner's language."""
        lines = [e["feedback"][lang] for e in self.errors if e["feedback"].get(lang)]
        detected = {k.value for k in ERROR_CHECKS}
        return lines + [
            c.feedback[lang]
            for c in self.failed
            if c.feedback.get(lang) and c.check not in detected
        ]

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
        errors: list[dt.DetectedError] = []
        divergence = 0.0
        if base is not None and attempt.type is not ExerciseType.error_spot:
            errors = attempt_errors(attempt, criteria)
            off = any(e.category == "Non-translation" for e in errors)
            if off:
                # Its meaning may survive in another language; its form does not.
                base = min(base, calibrate(metrics.get("adequacy", 0.0)))
            if attempt.target_lang == "en":
                # English targets: how far the answer is from the references counts as the
                # errors it is likely to hold, by the length of the references (see
                # `severity.divergence`); tuned on zh->en MQM ratings, which Chinese targets
                # have none of, so there Q scales the score as before. A non-translation
                # keeps at most its surface closeness.
                divergence = sv.divergence(base, _reference_words(attempt))
                base = base if off else 100.0 * min(1.0, base / FAR_BELOW)
        score = 0.0 if base is None else base
        for result in criteria:
            if CheckKind(result.check) not in ERROR_CHECKS:
                score *= 1 - result.weight * (1 - result.value)
        score = round(score * sv.factor(errors, divergence), 1)
        return ScoreResult(
            score=score,
            type=attempt.type.value,
            metrics=metrics,
            criteria=criteria,
            evidence=_evidence(score, outcomes, criteria, errors, rubric),
            rubric=rubric.id,
            signatures=signatures,
            errors=[sv.as_record(e) for e in errors],
        )

    def _translation_base(
        self, attempt: Attempt
    ) -> tuple[float | None, dict[str, float], dict[str, str]]:
        if not attempt.candidate.strip():
            return (
                None,
                {"bleu": 0.0, "chrf": 0.0, "ter": 100.0, "adequacy": 0.0, "meaning": 0.0},
                {},
            )
        values = attempt.suite.score(attempt.candidate, attempt.references)
        similarity = max(meaning.similarity(attempt.candidate, r) for r in attempt.references)
        if attempt.target_lang == "en":
            # A near-synonym of a reference word costs neither form nor meaning: both are
            # also measured with it written as the reference's word, and the better kept.
            worded = synonyms.as_reference_words(
                Comparison(
                    attempt.source,
                    attempt.candidate,
                    attempt.references,
                    attempt.source_lang,
                    attempt.target_lang,
                )
            )
            if worded != attempt.candidate:
                adequacy = attempt.suite.adequacy_score(worded, attempt.references)
                values = replace(values, adequacy=max(values.adequacy, adequacy))
                similarity = max(
                    similarity, *(meaning.similarity(worded, r) for r in attempt.references)
                )
        metrics = {**values.as_dict(), "meaning": round(100 * similarity, 2)}
        signatures = {**attempt.suite.signatures, "meaning": MEANING_SIGNATURE}
        return closeness(values.adequacy, similarity, attempt.target_lang), metrics, signatures

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


MEANING_SIGNATURE = "USE-multilingual-v3|cosine|max-over-refs"


def _reference_words(attempt: Attempt) -> float:
    """The mean number of words of the references."""
    counts = [len(lx.tokens(r, attempt.target_lang)) for r in attempt.references]
    return sum(counts) / len(counts) if counts else 0.0


def attempt_errors(attempt: Attempt, criteria: list[CriterionResult]) -> list[dt.DetectedError]:
    """Every error of a translation or post-edit: the detector's, and the rubric findings
    that are errors (numbers, names, untranslated text, length, terminology, punctuation)."""
    found = dt.detect(
        attempt.source,
        attempt.candidate,
        attempt.references,
        attempt.source_lang,
        attempt.target_lang,
    )
    if any(e.category == "Non-translation" for e in found):
        return found
    by_check = {CheckKind(c.check): c for c in criteria}
    if CheckKind.numbers in by_check:
        # "9 p.m." for 上午九点 is one error: the detector's opposite (p.m. / morning) already
        # says what the wrong time says.
        said = [e.found for e in found if e.severity == "critical" and e.found]
        found += [
            e
            for e in dt.numbers(attempt.candidate, attempt.references, attempt.source)
            if not (e.severity == "critical" and any(word in e.found for word in said))
        ]
    found += _check_errors(by_check, found, _term_sources(attempt))
    return dt.sort_errors(_said_by_terms(found))


def _term_sources(attempt: Attempt) -> dict[str, str]:
    """The glossary's first rendering of each term -> the term in the source language."""
    return {options[0]: term for term, options in attempt.glossary if options}


def _said_by_terms(errors: list[dt.DetectedError]) -> list[dt.DetectedError]:
    """A glossary term not used is one error: the detector's lines about the words inside
    its source term (语言 and 模型 of 大语言模型) would say it again."""
    terms = [e.source for e in errors if e.kind == "terminology" and e.source]
    return [
        e
        for e in errors
        if not (
            e.kind in ("mistranslation", "omission")
            and e.source
            and any(e.source in term for term in terms)
        )
    ]


def _check_errors(
    by_check: dict[CheckKind, CriterionResult],
    found: list[dt.DetectedError],
    term_sources: dict[str, str],
) -> list[dt.DetectedError]:
    errors: list[dt.DetectedError] = []
    named = {e.expected.casefold() for e in found if e.kind == "entity"}
    if (c := by_check.get(CheckKind.entities)) and c.status != "pass":
        errors += [
            dt.DetectedError("entity", "Accuracy/Omission", "major", "", item)
            for item in c.items
            if item.casefold() not in named
        ]
    if (c := by_check.get(CheckKind.untranslated)) and c.status != "pass":
        level: dt.Severity = "major" if c.status == "fail" else "minor"
        errors.append(
            dt.DetectedError("untranslated", "Accuracy/Untranslated", level, ", ".join(c.items))
        )
    if (c := by_check.get(CheckKind.glossary)) and c.status != "pass":
        errors += [
            dt.DetectedError(
                "terminology", "Terminology/Glossary", "major", "", item, term_sources.get(item, "")
            )
            for item in c.items
        ]
    if (c := by_check.get(CheckKind.forbidden_terms)) and c.status != "pass":
        errors += [
            dt.DetectedError("forbidden", "Terminology/Inappropriate", "major", item)
            for item in c.items
        ]
    if (c := by_check.get(CheckKind.punctuation)) and c.status != "pass":
        errors += [
            dt.DetectedError("punctuation", "Fluency/Punctuation", "minor", item, punctuation=True)
            for item in c.items
        ]
    if (c := by_check.get(CheckKind.length_ratio)) and c.status == "fail":
        short = c.items and _ratio(c.items[0]) < 1
        same = "Accuracy/Omission" if short else "Accuracy/Addition"
        if not any(e.category == same and e.severity != "minor" for e in [*found, *errors]):
            kind = "too_short" if short else "too_long"
            errors.append(dt.DetectedError(kind, same, "major", c.items[0]))
    return errors


def _ratio(item: str) -> float:
    try:
        return float(item.rstrip("%")) / 100
    except ValueError:
        return 1.0


def _evidence(
    score: float,
    outcomes: list[str],
    criteria: list[CriterionResult],
    errors: list[dt.DetectedError],
    rubric: Rubric,
) -> dict[str, float]:
    """Per outcome 0..1: the overall score for the exercise's outcomes; for the outcomes the
    rubric ties to accuracy, terminology and fluency checks, score/100 times the share kept
    after that branch's errors (K / (K + their MQM weights)); for the other criteria, their
    value, at most score/100 (passing a check in a poor answer is no evidence of skill);
    averaged where several speak."""
    collected: dict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        collected[outcome].append(score / 100)
    cap = score / 100
    for branch, checks in BRANCH_CHECKS.items():
        # As in _criteria: a criterion naming no outcome speaks for the exercise's own.
        tied = {o for c in rubric.criteria if c.check in checks for o in c.outcomes or outcomes}
        in_branch = [e for e in errors if e.branch == branch]
        applicable = any(CheckKind(c.check) in checks for c in criteria) or in_branch
        if not applicable:
            continue
        for outcome in sorted(tied):
            # The branch's own errors count twice against its outcomes: once in the score,
            # once here, so that mastery shows what kind of error the learner makes.
            collected[outcome].append(cap * sv.factor(in_branch))
    for criterion in criteria:
        if CheckKind(criterion.check) in ERROR_CHECKS:
            continue
        for outcome in criterion.outcomes:
            collected[outcome].append(min(criterion.value, cap))
    return {o: round(sum(v) / len(v), 3) for o, v in collected.items()}
