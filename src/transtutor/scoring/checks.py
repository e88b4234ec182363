"""Rubric checks. Each looks at one aspect of a submission and returns a value in 0..1 with
the evidence it found (the missing number, the untranslated words), which feedback quotes.

A check is a plain function `(attempt, params) -> Finding`; `CHECKS` maps rubric check names
to them. `params` come from the rubric criterion, so every threshold is configurable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from transtutor.content.models import CheckKind, ErrorAnnotation, ExerciseType
from transtutor.scoring import detect as dt
from transtutor.scoring import lexicon as lx
from transtutor.scoring import text as tx
from transtutor.scoring.metrics import MetricSuite, suite_for


@dataclass(frozen=True)
class ErrorMark:
    """A learner's answer to an error_spot exercise: the words marked, category, severity."""

    span: str
    category: str | None = None
    severity: str | None = None


@dataclass
class Attempt:
    """Everything a check may look at. Derived facts are computed once, on first use."""

    type: ExerciseType
    source: str
    candidate: str
    references: list[str]
    source_lang: str
    target_lang: str
    mt: str | None = None
    glossary: list[tuple[str, list[str]]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    errors: list[ErrorAnnotation] = field(default_factory=list)
    marks: list[ErrorMark] = field(default_factory=list)

    @cached_property
    def suite(self) -> MetricSuite:
        return suite_for(self.target_lang)

    @cached_property
    def candidate_folded(self) -> str:
        return tx.normalize(self.candidate).casefold()

    @cached_property
    def references_folded(self) -> list[str]:
        return [tx.normalize(r).casefold() for r in self.references]

    @cached_property
    def matched_errors(self) -> list[tuple[ErrorAnnotation, ErrorMark | None, float]]:
        return match_marks(self.mt or "", self.errors, self.marks)


@dataclass(frozen=True)
class Finding:
    value: float  # 1 = fully met, 0 = not at all
    items: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    applicable: bool = True


NOT_APPLICABLE = Finding(1.0, applicable=False)


def contains(haystack_folded: str, needle: str) -> bool:
    """Case- and width-insensitive containment; whole words for Latin-script needles."""
    folded = tx.normalize(needle).casefold().strip()
    if not folded:
        return False
    if folded.isascii() and folded[0].isalnum():
        return (
            re.search(r"(?<![a-z0-9])" + re.escape(folded) + r"(?![a-z0-9])", haystack_folded)
            is not None
        )
    return folded in haystack_folded


def glossary(attempt: Attempt, params: dict[str, Any]) -> Finding:
    wanted = [
        (term, options)
        for term, options in attempt.glossary
        if options and contains(tx.normalize(attempt.source).casefold(), term)
    ]
    if not wanted:
        return NOT_APPLICABLE
    # A term spelled the British way is the same term ("data centre" for "data center").
    american = lx.in_american(attempt.candidate_folded)
    missing = [
        options[0]
        for term, options in wanted
        if not any(
            contains(attempt.candidate_folded, o)
            or contains(american, lx.in_american(tx.normalize(o).casefold()))
            for o in options
        )
    ]
    return Finding(1 - len(missing) / len(wanted), missing)


def numbers(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """Numbers, dates and units of the closest reference (or the source) must be kept."""
    got = tx.said(attempt.candidate)
    got_units = tx.units(attempt.candidate)
    best: tuple[int, list[str]] | None = None
    for reference in attempt.references or [attempt.source]:
        expected = tx.quantities(reference)
        missing = [q.text for q in _unique(expected) if not got.has(q)]
        expected_units = tx.units(reference)
        missing += [u for u in expected_units if u not in got_units]
        total = len(_unique(expected)) + len(expected_units)
        if best is None or len(missing) < len(best[1]):
            best = (total, missing)
    assert best is not None
    total, missing = best
    allowed = tx.said(attempt.source, *attempt.references)
    extra = [q.text for q in _unique(tx.quantities(attempt.candidate)) if not allowed.has(q)]
    if not total and not extra:
        return NOT_APPLICABLE
    value = max(0.0, 1 - (len(missing) + len(extra)) / max(total, 1))
    details = {"missing": tx.quote(missing), "extra": tx.quote(extra)}
    return Finding(value, missing + extra, details)


def _unique(found: tuple[tx.Quantity, ...]) -> list[tx.Quantity]:
    return list({q.key: q for q in found}.values())


def entities(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """Names, codes, placeholders and tags that the references keep must be kept too."""
    keep_always = set(tx.placeholders(attempt.source))
    expected = [
        e
        for e in tx.entities(attempt.source)
        if e in keep_always or any(contains(r, e) for r in attempt.references_folded)
    ]
    if not expected:
        return NOT_APPLICABLE
    missing = [
        e
        for e in expected
        if (
            e not in attempt.candidate
            if e in keep_always
            else not contains(attempt.candidate_folded, e)
        )
    ]
    return Finding(1 - len(missing) / len(expected), missing)


def untranslated(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """Source-script text left in the target."""
    max_share = float(params.get("max_share", 0.15))
    if attempt.target_lang == "en":
        runs = [
            r
            for r in tx.HAN_RUN.findall(attempt.candidate)
            if not any(r in ref for ref in attempt.references_folded)
        ]
        share = sum(map(len, runs)) / max(1, len(attempt.candidate.replace(" ", "")))
    else:
        source_words = {w.casefold() for w in tx.LATIN_WORD.findall(attempt.source)}
        runs = [
            w
            for w in tx.LATIN_WORD.findall(attempt.candidate)
            if len(w) > 1
            and w.casefold() in source_words
            and not any(contains(ref, w) for ref in attempt.references_folded)
        ]
        share = tx.latin_share(attempt.candidate) if runs else 0.0
        share = max(share, sum(map(len, runs)) / max(1, len(attempt.candidate)))
    runs = list(dict.fromkeys(runs))
    if not runs:
        return Finding(1.0)
    value = 0.0 if share >= max_share else 0.6
    return Finding(value, runs, {"share": f"{share:.0%}"})


def _length(text: str) -> int:
    # Characters without white space: comparable within one target language.
    return len(re.sub(r"\s+", "", text))


def length_ratio(attempt: Attempt, params: dict[str, Any]) -> Finding:
    low, high = float(params.get("min", 0.5)), float(params.get("max", 2.0))
    if not attempt.references:
        return NOT_APPLICABLE
    own = _length(attempt.candidate)
    ratio = min(
        (own / max(1, _length(r)) for r in attempt.references), key=lambda value: abs(value - 1)
    )
    details = {"ratio": f"{ratio:.0%}", "direction": "short" if ratio < low else "long"}
    if low <= ratio <= high:
        return Finding(1.0, details=details)
    return Finding(0.0, [f"{ratio:.0%}"], details)


_ZH_HALF_WIDTH = re.compile(
    r"(?<=[\u4e00-\u9fff])[,;:!?()](?!\d)|(?<=[\u4e00-\u9fff])\.(?=\s|$)|[,;:!?(](?=[\u4e00-\u9fff])"
)
# Curly quotes are good English typography; these marks are not.
_EN_FULL_WIDTH = re.compile(r"[，。！？：；（）「」『』、《》【】]")
_EN_SPACE_BEFORE = re.compile(r"\s+[,.;:!?](?!\d)")
_EN_NO_SPACE_AFTER = re.compile(r"[,;:!?](?=[A-Za-z])|(?<=[a-z]{2})\.(?=[A-Z][a-z])")
_DOUBLE_SPACE = re.compile(r"\S {2,}\S")


def punctuation(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """Full-width punctuation in Chinese; no full-width marks and standard spacing in English."""
    text = attempt.candidate
    if attempt.target_lang == "zh":
        issues = [m[0] for m in _ZH_HALF_WIDTH.finditer(text)]
    else:
        issues = [m[0] for m in _EN_FULL_WIDTH.finditer(text)]
        issues += [f"␣{m[0].strip()}" for m in _EN_SPACE_BEFORE.finditer(text)]
        issues += [_context(text, m.start()) for m in _EN_NO_SPACE_AFTER.finditer(text)]
        issues += [_context(text, m.start() + 1) for m in _DOUBLE_SPACE.finditer(text)]
    if not issues:
        return Finding(1.0)
    per_issue = float(params.get("per_issue", 0.25))
    return Finding(max(0.0, 1 - per_issue * len(issues)), list(dict.fromkeys(issues)))


def _context(text: str, at: int) -> str:
    return text[max(0, at - 4) : at + 5].strip()


def forbidden_terms(attempt: Attempt, params: dict[str, Any]) -> Finding:
    terms = [*params.get("terms", []), *attempt.forbidden]
    if not terms:
        return NOT_APPLICABLE
    found = [t for t in terms if contains(attempt.candidate_folded, t)]
    return Finding(0.0 if found else 1.0, found)


def mt_unchanged(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """post_edit: the MT's errors must be corrected, not left as they were."""
    if attempt.type is not ExerciseType.post_edit or not attempt.mt:
        return NOT_APPLICABLE
    if attempt.errors:
        wrong = [
            e.span
            for e in attempt.errors
            if not any(contains(r, e.span) for r in attempt.references_folded)
        ]
        if not wrong:
            return NOT_APPLICABLE
        left = [span for span in wrong if contains(attempt.candidate_folded, span)]
        return Finding(1 - len(left) / len(wrong), left)
    # No declared errors: find them, with the same detector, in the MT against the references.
    # An adequate MT accepted unchanged is good post-editing, not a missed error.
    found = mt_errors(attempt)
    if not found:
        return Finding(1.0)
    if _squash(attempt.candidate) == _squash(attempt.mt):
        return Finding(0.0, [e.found or e.expected for e in found])
    left = [e.found for e in found if e.found and contains(attempt.candidate_folded, e.found)]
    return Finding(1 - len(left) / len(found), left)


def mt_errors(attempt: Attempt) -> list[dt.DetectedError]:
    """Major and critical errors of the exercise's MT (none when it is adequate)."""
    if not attempt.mt:
        return []
    return [
        e
        for e in _mt_errors(
            attempt.source,
            attempt.mt,
            tuple(attempt.references),
            attempt.source_lang,
            attempt.target_lang,
        )
        if e.severity != "minor"
    ]


@lru_cache(maxsize=4096)
def _mt_errors(
    source: str, mt: str, references: tuple[str, ...], source_lang: str, target_lang: str
) -> tuple[dt.DetectedError, ...]:
    # The same for every learner of an exercise.
    found = dt.detect(source, mt, list(references), source_lang, target_lang)
    found += dt.numbers(mt, list(references), source)
    return tuple(found)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", tx.normalize(text)).strip().casefold()


def post_edit_effort(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """post_edit: HTER (edits from the MT to the submission) against the edits that were needed."""
    if attempt.type is not ExerciseType.post_edit or not attempt.mt:
        return NOT_APPLICABLE
    hter = attempt.suite.ter(attempt.candidate, [attempt.mt])
    # An MT with no errors to fix needs no edits: rewriting it heavily is over-editing.
    adequate = not attempt.errors and not mt_errors(attempt)
    needed = (
        0.0 if adequate else needed_ter(attempt.target_lang, attempt.mt, tuple(attempt.references))
    )
    slack = float(params.get("max_extra", 40))
    excess = hter - needed - slack
    details = {"hter": f"{hter:.0f}", "needed": f"{needed:.0f}"}
    if excess <= 0:
        return Finding(1.0, details=details)
    return Finding(max(0.0, 1 - excess / 50), [f"HTER {hter:.0f}"], details)


@lru_cache(maxsize=4096)
def needed_ter(target_lang: str, mt: str, references: tuple[str, ...]) -> float:
    """TER of the MT against the references: the same for every learner of an exercise."""
    return suite_for(target_lang).ter(mt, list(references))


def error_category(attempt: Attempt, params: dict[str, Any]) -> Finding:
    """error_spot: the category chosen for each found error (the top level earns half)."""
    if attempt.type is not ExerciseType.error_spot:
        return NOT_APPLICABLE
    values, wrong = [], []
    for error, mark, overlap in attempt.matched_errors:
        if mark is None or overlap == 0 or not mark.category:
            values.append(0.0)
            continue
        if mark.category == error.category:
            values.append(1.0)
        else:
            same_branch = mark.category.split("/")[0] == error.category.split("/")[0]
            values.append(0.5 if same_branch else 0.0)
            wrong.append(f"{mark.category} → {error.category}")
    return Finding(sum(values) / len(values), wrong)


def error_severity(attempt: Attempt, params: dict[str, Any]) -> Finding:
    if attempt.type is not ExerciseType.error_spot:
        return NOT_APPLICABLE
    values, wrong = [], []
    for error, mark, overlap in attempt.matched_errors:
        ok = mark is not None and overlap > 0 and mark.severity == error.severity
        values.append(1.0 if ok else 0.0)
        if mark is not None and overlap > 0 and not ok:
            wrong.append(f"{mark.severity} → {error.severity}")
    return Finding(sum(values) / len(values), wrong)


def span_of(mt: str, text: str) -> tuple[int, int] | None:
    """Where the learner's marked words are in the MT (exact, then case/width-insensitive)."""
    text = text.strip().strip("\"'“”‘’「」")
    if not text:
        return None
    at = mt.find(text)
    if at < 0:
        at = tx.normalize(mt).casefold().find(tx.normalize(text).casefold())
    return (at, at + len(text)) if at >= 0 else None


def overlap_f1(a: tuple[int, int], b: tuple[int, int]) -> float:
    common = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    if not common:
        return 0.0
    precision, recall = common / (a[1] - a[0]), common / (b[1] - b[0])
    return 2 * precision * recall / (precision + recall)


# Units an annotator marks: words in Latin script, characters in Chinese.
_UNIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[A-Za-z0-9][A-Za-z0-9'’\-.,%]*")
# Each word marked beyond the error divides the credit by (1 + EXTRA_WORD_COST x extra):
# two extra words keep 83%, ten keep 50% (a whole sentence marked is not a located error).
EXTRA_WORD_COST = 0.1


def overlap_credit(mt: str, error: tuple[int, int], mark: tuple[int, int]) -> float:
    """How an MQM annotator would judge a mark against an annotated error: the share of the
    error's words it covers, reduced gently for each word marked around it ("Either party
    may" for «may» keeps 83%)."""
    units = [(m.start(), m.end()) for m in _UNIT.finditer(mt)]

    def inside(span: tuple[int, int]) -> set[int]:
        return {i for i, (s, e) in enumerate(units) if s < span[1] and e > span[0]}

    gold, marked = inside(error), inside(mark)
    if not gold:
        return overlap_f1(error, mark)
    covered = len(gold & marked) / len(gold)
    if not covered:
        return 0.0
    return covered / (1 + EXTRA_WORD_COST * len(marked - gold))


def match_marks(
    mt: str, errors: list[ErrorAnnotation], marks: list[ErrorMark]
) -> list[tuple[ErrorAnnotation, ErrorMark | None, float]]:
    """Pair each annotated error with the learner's best-overlapping mark (each used once)."""
    located = [(mark, span_of(mt, mark.span)) for mark in marks]
    free = list(range(len(located)))
    pairs: list[tuple[ErrorAnnotation, ErrorMark | None, float]] = []
    for error in errors:
        start = mt.find(error.span)
        gold = (start, start + len(error.span))
        scored = [
            (overlap_credit(mt, gold, span), i) for i in free if (span := located[i][1]) is not None
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] > 0:
            free.remove(best[1])
            pairs.append((error, located[best[1]][0], best[0]))
        else:
            pairs.append((error, None, 0.0))
    return pairs


CheckFunction = Callable[[Attempt, dict[str, Any]], Finding]
CHECKS: dict[CheckKind, CheckFunction] = {
    CheckKind.glossary: glossary,
    CheckKind.numbers: numbers,
    CheckKind.entities: entities,
    CheckKind.untranslated: untranslated,
    CheckKind.length_ratio: length_ratio,
    CheckKind.punctuation: punctuation,
    CheckKind.forbidden_terms: forbidden_terms,
    CheckKind.mt_unchanged: mt_unchanged,
    CheckKind.post_edit_effort: post_edit_effort,
    CheckKind.error_category: error_category,
    CheckKind.error_severity: error_severity,
}

# error_spot answers are marks on the MT, not translations: only these checks judge them.
SPOT_CHECKS = frozenset({CheckKind.error_category, CheckKind.error_severity})


def applies(kind: CheckKind, exercise_type: ExerciseType) -> bool:
    return (kind in SPOT_CHECKS) == (exercise_type is ExerciseType.error_spot)
