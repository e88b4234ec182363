"""The second opinion's parser survives what models write, and its agreement measure with
the offline scorer's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transtutor.ai import JudgedError, agreement, canonical_category, parse_judgement
from transtutor.ai.judge import OTHER, branch, judge_prompt
from transtutor.scoring import severity as sv
from transtutor.scoring.comparison import DetectedError

ONE = {"span": "banks", "category": "accuracy/mistranslation", "severity": "major"}
CANONICAL = {
    "Non-translation",
    "Other",
    *(
        f"{top}/{sub}" if sub else top
        for top, subs in {
            "Accuracy": ["", "Mistranslation", "Omission", "Addition", "Untranslated", "Polarity"],
            "Fluency": [
                "",
                "Grammar",
                "Punctuation",
                "Spelling",
                "Register",
                "Inconsistency",
                "Character encoding",
            ],
            "Style": ["", "Awkward"],
            "Terminology": ["", "Glossary", "Inappropriate", "Inconsistent"],
            "Locale convention": [
                "",
                "Currency format",
                "Date format",
                "Telephone format",
                "Time format",
                "Address format",
                "Name format",
            ],
        }.items()
        for sub in subs
    ),
}


def errors_of(text: str) -> list[tuple[str, str, str]]:
    parsed = parse_judgement(text)
    assert parsed is not None
    return [(e.span, e.category, e.severity) for e in parsed.errors]


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"errors": [ONE]}),
        "```json\n" + json.dumps({"errors": [ONE]}) + "\n```\nI hope this helps!",
        "Sure! Here is the annotation:\n" + json.dumps({"errors": [ONE]}) + "\nLet me know.",
        json.dumps([ONE]),
        json.dumps(ONE),
        json.dumps(
            {
                "Errors": [
                    {"Span": "banks", "Category": "Accuracy - Mistranslation", "Severity": "MAJOR."}
                ]
            }
        ),
        json.dumps(
            {"major": [{"span": "banks", "category": "accuracy/mistranslation"}], "minor": []}
        ),
        'Critical:\nno-error\nMajor:\naccuracy/mistranslation - "banks"\nMinor:\nno-error\n',
        "<think>The user wants JSON.</think>" + json.dumps({"errors": [ONE]}),
        # Cut off at max_tokens: the complete error objects are kept.
        '{"errors": [' + json.dumps(ONE) + ', {"span": "the", "categ',
    ],
    ids=[
        "plain",
        "fenced",
        "prose",
        "list",
        "single",
        "casing",
        "by-severity",
        "gemba-text",
        "think",
        "cut",
    ],
)
def test_the_shapes_models_answer_in(text: str) -> None:
    assert errors_of(text) == [("banks", "Accuracy/Mistranslation", "major")]


def test_wrong_types_are_coerced_or_dropped() -> None:
    text = json.dumps(
        {
            "errors": [
                {"span": 26, "category": "omission", "severity": "minor"},  # number span
                {"span": ["a", "b"], "category": "Fluency/Grammar", "severity": "critical"},
                {"span": None, "category": "style", "severity": "Minor"},
                {"span": "x", "category": 7, "severity": "major"},  # category not a string
                {"span": "x", "category": "accuracy", "severity": 3},  # unreadable severity
                {"span": "x", "category": "accuracy", "severity": "no-error"},  # not an error
                "just a sentence",
                42,
                None,
            ]
        }
    )
    parsed = parse_judgement(text)
    assert parsed is not None
    assert [(e.span, e.category, e.severity, e.known) for e in parsed.errors] == [
        ("a … b", "Fluency/Grammar", "critical", True),
        ("x", OTHER, "major", False),
        ("26", "Accuracy/Omission", "minor", True),
        ("", "Style", "minor", True),
    ]
    assert parsed.dropped == 4  # the unreadable severity, the sentence, 42 and None


def test_unknown_categories_are_kept_as_other() -> None:
    parsed = parse_judgement(
        json.dumps({"errors": [{"span": "x", "category": "hallucination", "severity": "major"}]})
    )
    assert parsed is not None
    assert [(e.category, e.known) for e in parsed.errors] == [(OTHER, False)]


@pytest.mark.parametrize("text", ['{"errors": []}', "[]", '```json\n{"errors": []}\n```'])
def test_no_errors_is_an_empty_annotation(text: str) -> None:
    assert errors_of(text) == []


@pytest.mark.parametrize(
    "text", ["", "The translation is fine.", '{"score": 3}', "{broken", "[1, 2"]
)
def test_no_annotation_is_none(text: str) -> None:
    assert parse_judgement(text) is None


def test_deep_nesting_does_not_raise() -> None:
    assert parse_judgement("[" * 100_000 + "]" * 100_000) in (None, parse_judgement("[]"))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Accuracy/Untranslated text", "Accuracy/Untranslated"),
        ("accuracy/mistranslation", "Accuracy/Mistranslation"),
        ("Non-Translation", "Non-translation"),
        ("non_translation", "Non-translation"),
        ("Terminology: inappropriate for context", "Terminology/Inappropriate"),
        ("terminology/inconsistent use", "Terminology/Inconsistent"),
        ("fluency/inconsistency", "Fluency/Inconsistency"),
        ("locale convention/date format", "Locale convention/Date format"),
        ("Style - Awkward", "Style/Awkward"),
        ("mistranslation", "Accuracy/Mistranslation"),
        ("accuracy/something new", "Accuracy"),
        ("Other", OTHER),
    ],
)
def test_categories_are_read_into_the_scorers_names(raw: str, canonical: str) -> None:
    assert canonical_category(raw) == (canonical, True)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(["errors", "span", "category", "severity", "major", "minor", "x"])
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_raising(text: str) -> None:
    parsed = parse_judgement(text)
    if parsed is not None:
        assert all(isinstance(e, JudgedError) for e in parsed.errors)


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from(["{}", "```json\n{}\n```", "Here: {} — done.", "{}```", "{"]))
def test_any_json_in_any_wrapping_gives_typed_errors(value: Any, wrapping: str) -> None:
    parsed = parse_judgement(wrapping.replace("{}", json.dumps(value), 1))
    if parsed is None:
        return
    for error in parsed.errors:
        assert isinstance(error.span, str) and len(error.span) <= 300
        assert error.category in CANONICAL
        assert error.severity in ("minor", "major", "critical")
        assert isinstance(error.note, str)
    assert len(parsed.errors) <= 50


def test_every_canonical_category_reads_back_to_itself_and_has_a_branch() -> None:
    for category in CANONICAL:
        assert canonical_category(category)[0] == category
        assert branch(category) in ("accuracy", "fluency", "terminology", "other")


@pytest.mark.parametrize(
    "category",
    [
        "Non-translation",
        "Accuracy/Polarity",
        "Accuracy/Mistranslation",
        "Accuracy/Omission",
        "Accuracy/Addition",
        "Accuracy/Untranslated",
        "Terminology/Glossary",
        "Terminology/Inappropriate",
        "Fluency/Punctuation",
    ],
)
def test_the_offline_scorers_categories_are_known_in_the_same_branch(category: str) -> None:
    assert canonical_category(category) == (category, True)
    assert branch(category) == DetectedError("x", category, "minor").branch


def detected(
    kind: str, category: str, severity: str, found: str = "", expected: str = "", source: str = ""
) -> DetectedError:
    punctuation = category == "Fluency/Punctuation"
    return DetectedError(kind, category, severity, found, expected, source, punctuation)  # type: ignore[arg-type]


OFFLINE = [
    detected("number_wrong", "Accuracy/Mistranslation", "critical", "36", "26"),
    detected("omission", "Accuracy/Omission", "major", "", "pilot", "试点"),
    detected("punctuation", "Fluency/Punctuation", "minor", "，"),
]


def test_full_agreement() -> None:
    judged = [
        JudgedError("36 cities", "Accuracy/Mistranslation", "critical"),
        JudgedError("", "Accuracy/Omission", "major"),  # quotes nothing: same category
        JudgedError("，", "Fluency/Punctuation", "minor"),
    ]
    result = agreement(judged, OFFLINE)
    assert (result.matched, result.ai_only, result.offline_only, result.same_severity) == (
        3,
        0,
        0,
        3,
    )
    assert result.dice == 1.0
    assert result.penalty_offline == round(sv.penalty(OFFLINE), 2) == 30.1
    assert result.penalty_ai == 30.1


def test_partial_agreement_and_the_stored_records() -> None:
    judged = [
        JudgedError("试点", "Accuracy/Omission", "minor"),  # the source's word of the omission
        JudgedError("expanded", "Fluency/Grammar", "minor"),  # nothing offline there
    ]
    records = [sv.as_record(e) for e in OFFLINE]  # as a ScoreResult stores them
    result = agreement(judged, records)
    assert (result.matched, result.ai_only, result.offline_only, result.same_severity) == (
        1,
        1,
        2,
        0,
    )
    assert result.dice == round(2 * 1 / 5, 4)
    assert set(result.as_record()) == {
        "matched",
        "ai_only",
        "offline_only",
        "same_severity",
        "dice",
        "penalty_ai",
        "penalty_offline",
    }


def test_a_different_branch_does_not_match_even_on_the_same_words() -> None:
    result = agreement([JudgedError("36", "Fluency/Spelling", "minor")], OFFLINE[:1])
    assert result.matched == 0 and result.dice == 0.0


def test_neither_finding_anything_is_agreement() -> None:
    assert agreement([], []).dice == 1.0
    assert agreement([], OFFLINE).dice == 0.0


def test_the_prompt_asks_for_json_and_holds_only_the_texts() -> None:
    messages = judge_prompt(
        source="数字人民币试点已扩展到26个城市。",
        answer="The e-CNY pilot has expanded to 36 cities.",
        source_lang="zh",
        target_lang="en",
        references=["The e-CNY pilot has been expanded to 26 cities."],
    )
    text = "\n".join(m["content"] for m in messages)
    assert '{"errors": [' in text and "severity" in text
    assert "Simplified Chinese source" in text and "English translation" in text
    assert "36 cities" in text and "26 cities" in text
