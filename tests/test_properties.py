"""Random input never crashes the importer or the scorer (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transtutor.content.importer import Catalog, parse_set
from transtutor.content.library import Library
from transtutor.errors import ImportRejected
from transtutor.scoring.checks import ErrorMark
from transtutor.scoring.scorer import Scorer

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMES = st.sampled_from(["set.yaml", "set.json", "set.csv", "set.tsv", "set.xlf", "set.tmx"])
META = {"id": "random", "title": "Random", "language_pair": "zh-en", "outcomes": ["LO1"]}


@FAST
@given(data=st.binary(max_size=2000), name=NAMES)
def test_importer_on_random_bytes(catalog: Catalog, data: bytes, name: str) -> None:
    try:
        parse_set(data, name, catalog, META)
    except ImportRejected as exc:
        assert exc.problems and all(p.file == name for p in exc.problems)


@FAST
@given(
    text=st.text(max_size=1500) | st.sampled_from(["<?xml", "<?xml?>", "<?xml <x/>"]), name=NAMES
)
def test_importer_on_random_text(catalog: Catalog, text: str, name: str) -> None:
    try:
        parse_set(text.encode("utf-8"), name, catalog, META)
    except ImportRejected as exc:
        assert exc.problems


@FAST
@given(
    rows=st.lists(
        st.tuples(st.text(max_size=30), st.text(max_size=60), st.text(max_size=60)), max_size=8
    )
)
def test_csv_rows_either_import_or_are_located(
    catalog: Catalog, rows: list[tuple[str, str, str]]
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "source", "references"])
    writer.writerows(rows)
    try:
        parsed = parse_set(buffer.getvalue().encode(), "set.csv", catalog, META)
        assert all(e.source and e.references for e in parsed.exercise_set.exercises)
    except ImportRejected as exc:
        assert all(p.file == "set.csv" for p in exc.problems)


@pytest.mark.parametrize("exercise_id", ["fin-001", "ge-007", "ic-004", "tae-006"])
@FAST
@given(answer=st.text(max_size=400))
def test_scorer_on_random_answers(
    library: Library, scorer: Scorer, exercise_id: str, answer: str
) -> None:
    exercise_set, exercise = next(
        (s, e) for s in library.sets.values() for e in s.exercises if e.id == exercise_id
    )
    result = scorer.score_exercise(exercise, exercise_set, answer)
    assert 0 <= result.score <= 100
    assert all(0 <= v <= 1 for v in result.evidence.values())
    for criterion in result.failed:
        assert criterion.feedback["en"] and criterion.feedback["zh"]


@FAST
@given(
    spans=st.lists(st.text(max_size=40), max_size=4),
    category=st.sampled_from([None, "Accuracy/Mistranslation", "Fluency/Grammar"]),
    severity=st.sampled_from([None, "minor", "major"]),
)
def test_error_spot_on_random_marks(
    library: Library, scorer: Scorer, spans: list[str], category: str | None, severity: str | None
) -> None:
    exercise_set = library.sets["fintech-zh-en"]
    exercise = next(e for e in exercise_set.exercises if e.id == "fin-010")
    marks = [ErrorMark(span, category, severity) for span in spans]
    result = scorer.score_exercise(exercise, exercise_set, "", marks)
    assert 0 <= result.score <= 100
