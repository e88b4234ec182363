"""Numbers and units compared as values (see `transtutor.scoring.text`): a value replaced is
critical, one dropped or added major; a unit dropped is major, one replaced by another of its
dimension critical."""

from __future__ import annotations

import re

from transtutor.scoring import text as tx
from transtutor.scoring.comparison import (
    DetectedError,
)


def numbers(candidate: str, references: list[str], source: str) -> list[DetectedError]:
    """Numbers compared as values with the closest reference (or the source): a value
    replaced is critical, one dropped or added major; a unit dropped is major, one replaced
    by another of its dimension critical."""
    got = {q.key: q for q in tx.quantities(candidate)}
    answer = tx.said(candidate)
    got_units = tx.units(candidate)
    allowed = tx.said(source, *references)
    shares = {key for text in [source, *references] for key in _shares(text)}
    # A share the answer says as a fraction ("half" for 50 %) is there.
    as_fractions = _shares(candidate)
    from_source = tx.said(source)
    best: tuple[list[tx.Quantity], list[str]] | None = None
    for reference in references or [source]:
        expected = {q.key: q for q in tx.quantities(reference) if q.key not in as_fractions}
        missing = [q for q in expected.values() if not answer.has(q)]
        # Where the answer has a number of the source that this reference has not, a number
        # of the reference that the source has not is the reference's own (有些冰超过十万年:
        # "one hundred thousand" against a reference's "ten thousand").
        in_reference = tx.said(reference)
        if any(from_source.has(q) and not in_reference.has(q) for q in got.values()):
            missing = [q for q in missing if from_source.has(q)]
        units = [u for u in sorted(tx.units(reference)) if u not in got_units]
        if best is None or len(missing) + len(units) < len(best[0]) + len(best[1]):
            best = (missing, units)
    missing, units = best or ([], [])
    extra = [q for q in got.values() if not (allowed.has(q) or q.key in shares)]
    said = {name: words for text in references for name, words in tx.unit_mentions(text).items()}
    found = []
    for m, e in zip(missing, extra, strict=False):
        if m.unit and not e.unit and m.value == e.value and m.unit not in got_units:
            # The number kept, its unit dropped ("2.5" for 2.5吉瓦): one unit error.
            unit = said.get(m.unit, m.unit)
            found.append(DetectedError("unit", "Accuracy/Omission", "major", e.text, unit))
            units = [u for u in units if u != m.unit]
        else:
            found.append(
                DetectedError("number_wrong", "Accuracy/Mistranslation", "critical", e.text, m.text)
            )
    paired = min(len(missing), len(extra))
    found += [
        DetectedError("number_missing", "Accuracy/Omission", "major", "", m.text)
        for m in missing[paired:]
    ]
    found += [
        DetectedError("number_extra", "Accuracy/Addition", "major", e.text) for e in extra[paired:]
    ]
    # Time units are the detector's (`detect`): an answer may leave them implicit.
    replaced = unit_swaps(candidate, references, source, measured=True)
    found += list(replaced.values())
    found += [
        DetectedError("unit", "Accuracy/Omission", "major", "", said.get(u, u))
        for u in units
        if u not in replaced
    ]
    return found


def unit_swaps(
    candidate: str, references: list[str], source: str, *, measured: bool
) -> dict[str, DetectedError]:
    """Units of the answer that neither the source nor a reference has, standing for one of
    the same dimension that the answer lacks ("minutes" for 几秒钟, MW for GW: critical), by
    the unit they replace; units of measure (`measured`) or of time."""
    got = {
        name: words
        for name, words in tx.unit_mentions(candidate).items()
        if (tx.DIMENSIONS.get(name) != "time") == measured
    }
    allowed = {name for text in [source, *references] for name in tx.unit_mentions(text)}
    wanted: dict[str, str] = {}
    for reference in references or [source]:
        for name, words in tx.unit_mentions(reference).items():
            if name not in got:
                wanted.setdefault(name, words)
    swaps = {}
    for name, words in got.items():
        if name in allowed:
            continue
        dimension = tx.DIMENSIONS.get(name)
        lost = next((u for u in wanted if dimension and tx.DIMENSIONS.get(u) == dimension), None)
        if lost is not None:
            swaps[lost] = DetectedError(
                "unit_wrong", "Accuracy/Mistranslation", "critical", words, wanted.pop(lost)
            )
    return swaps


# Shares said as fractions, by the percentage they are (compared by its key, as a number).
_FRACTION_PATTERNS = {
    key: re.compile(pattern, re.IGNORECASE)
    for key, pattern in {
        "50": r"\bhalf\b|一半|半数|二分之一",
        "25": r"\b(?:a|one)[ -]quarter\b|四分之一",
        "75": r"\bthree[ -]quarters\b|四分之三",
    }.items()
}


def _shares(text: str) -> frozenset[str]:
    """The percentages a text says as fractions ("half", 一半: 50)."""
    return frozenset(key for key, pattern in _FRACTION_PATTERNS.items() if pattern.search(text))
