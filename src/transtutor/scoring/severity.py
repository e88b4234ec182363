"""From detected errors to the score and to feedback lines, as MQM does.

MQM weights (Google's WMT scheme, the one the development data was rated with): minor 1,
major 5, critical and non-translation 25, minor punctuation 0.1. The penalty P of an answer is
the sum of its errors' weights; the score is the answer's closeness Q (surface metrics and
meaning, 0..100) times K / (K + P). With K = 40 a critical error keeps 62% of Q (a 90 becomes
55: out of the "good" band), a major one 89% (-10), a minor one 98% (-2); errors compound
without ever going below zero. English targets add the divergence D to the penalty and
start from 100 instead of Q (see `divergence`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from transtutor.scoring.comparison import DetectedError

WEIGHTS = {"minor": 1.0, "major": 5.0, "critical": 25.0}
PUNCTUATION_WEIGHT = 0.1
NON_TRANSLATION_WEIGHT = 25.0
# Chosen on the challenge sets (benchmarks/challenge.py): the largest K for which a major error
# still costs at least 8 points of a 90, and a minor one at most 5.
K = 40.0


def weight(error: DetectedError) -> float:
    if error.category == "Non-translation":
        return NON_TRANSLATION_WEIGHT
    if error.punctuation and error.severity == "minor":
        return PUNCTUATION_WEIGHT
    return WEIGHTS[error.severity]


def penalty(errors: list[DetectedError]) -> float:
    return sum(weight(e) for e in errors)


def factor(errors: list[DetectedError], divergence: float = 0.0) -> float:
    """The share an answer keeps: K / (K + penalty + divergence), where `divergence` is the
    weight of what the detector did not name (see `divergence`)."""
    return K / (K + penalty(errors) + divergence)


# English targets: every reference word's worth of the answer that matches no reference, in
# form or in meaning, weighs as a major error. MQM sums errors, so a long sentence that
# departs from its reference as much as a short one holds more of them; a rate (chrF, an
# embedding similarity) cannot see that. Chosen on the dev MQM data (benchmarks/agreement.py):
# 4, 5, 6 give a gap of 7.8, 9.0, 10.0 points with the error-free 10th percentile at 70.4,
# 65.7, 61.5; 5 (the major weight) keeps a 5-point margin over the target of 60.
DIVERGENCE_WEIGHT = WEIGHTS["major"]


def divergence(closeness: float, reference_words: float) -> float:
    """The estimated MQM weight of the errors the detector does not name: reference words
    times the share of the answer that is not close to a reference (closeness 0..100)."""
    return DIVERGENCE_WEIGHT * reference_words * max(0.0, 1 - closeness / 100)


SEVERITY_NAMES = {
    "en": {"minor": "minor", "major": "major", "critical": "critical"},
    "zh": {"minor": "轻微", "major": "重大", "critical": "严重"},
}
# Feedback per kind of error. {found}: the answer's words, {expected}: the reference's;
# {where_*}, {what_*}, {src_*}, {exp_*}: phrases saying what the source or the reference has
# (see `feedback`), empty or reworded when the error has no source word.
TEMPLATES: dict[str, dict[str, str]] = {
    "wrong_language": {
        "en": "This is not a translation: «{found}» is in the source language.",
        "zh": "这不是译文：«{found}» 仍是原文语言。",
    },
    "unrelated": {
        "en": "This is not a translation of the source: «{found}» says something else.",
        "zh": "这不是原文的译文：«{found}» 的意思与原文无关。",
    },
    "polarity": {
        "en": "«{found}» reverses the meaning{src_en}{exp_en}.",
        "zh": "«{found}» 把意思译反了{src_zh}{exp_zh}。",
    },
    "antonym": {
        "en": "«{found}» — {where_en}: the opposite meaning.",
        "zh": "«{found}» —— {where_zh}，意思正好相反。",
    },
    "entity": {
        "en": "«{found}» — the name should be {expected}{src_en}.",
        "zh": "«{found}» —— 名称应为“{expected}”{src_zh}。",
    },
    "entity_missing": {
        "en": "The name `{expected}` is missing{src_en}.",
        "zh": "缺少名称 `{expected}`{src_zh}。",
    },
    "mistranslation": {
        "en": "«{found}» — {where_en}.",
        "zh": "«{found}» —— {where_zh}。",
    },
    "omission": {
        "en": "Omitted: {what_en} is not translated.",
        "zh": "漏译：{what_zh}没有译出。",
    },
    "addition": {
        "en": "«{found}» is not in the source: an addition.",
        "zh": "«{found}» 是原文没有的内容（增译）。",
    },
    "number_wrong": {
        "en": "«{found}» — the source has `{expected}`: a wrong number.",
        "zh": "«{found}» —— 原文是 `{expected}`：数字有误。",
    },
    "number_missing": {
        "en": "The number `{expected}` is missing.",
        "zh": "缺少数字 `{expected}`。",
    },
    "number_extra": {
        "en": "«{found}» is a number the source does not have.",
        "zh": "«{found}» 是原文没有的数字。",
    },
    "unit_wrong": {
        "en": "«{found}» — should be `{expected}`: a wrong unit.",
        "zh": "«{found}» —— 应为 `{expected}`：单位有误。",
    },
    "unit": {
        "en": "The unit `{expected}` is missing.",
        "zh": "缺少单位 `{expected}`。",
    },
    "untranslated": {
        "en": "Left untranslated: «{found}».",
        "zh": "未翻译：«{found}»。",
    },
    "terminology": {
        "en": "Use the glossary term `{expected}`{src_en}.",
        "zh": "请使用术语表中的译法：`{expected}`{src_zh}。",
    },
    "forbidden": {
        "en": "«{found}» is a rendering to avoid.",
        "zh": "«{found}» 是应避免的译法。",
    },
    "spelling": {
        "en": "«{found}» is misspelt: «{expected}».",
        "zh": "«{found}» 拼写有误，应为 «{expected}»。",
    },
    "punctuation": {
        "en": "Punctuation: «{found}».",
        "zh": "标点：«{found}»。",
    },
    "too_short": {
        "en": "Your translation is {found} of the expected length: something is omitted.",
        "zh": "译文长度约为参考译文的 {found}：有内容漏译。",
    },
    "too_long": {
        "en": "Your translation is {found} of the expected length: something is added.",
        "zh": "译文长度约为参考译文的 {found}：有内容增译。",
    },
}


def feedback(error: DetectedError) -> dict[str, str]:
    """The error's line in English and Chinese, severity first."""
    kind = error.kind
    if kind == "entity" and not error.found:
        kind = "entity_missing"
    template = TEMPLATES[kind]
    values = {
        "found": error.found,
        "expected": error.expected,
        "where_en": _where(error, "en"),
        "where_zh": _where(error, "zh"),
        "what_en": _what(error, "en"),
        "what_zh": _what(error, "zh"),
        "src_en": f" (the source has {error.source})" if error.source else "",
        "src_zh": f"（原文为“{error.source}”）" if error.source else "",
        "exp_en": f": expected «{error.expected}»" if error.expected else "",
        "exp_zh": f"，应为 «{error.expected}»" if error.expected else "",
    }
    lines = {}
    for lang in ("en", "zh"):
        label = SEVERITY_NAMES[lang][error.severity]
        line = template[lang].format(**values).replace(" ()", "").replace("（）", "")
        lines[lang] = f"[{label}] {line}" if lang == "en" else f"【{label}】{line}"
    return lines


def _where(error: DetectedError, lang: str) -> str:
    """What the answer should have said: the source's word and its rendering, or, when the
    error was found against a reference alone, the reference's word."""
    if error.source and error.expected and error.expected != error.source:
        return (
            f"the source has {error.source} ({error.expected})"
            if lang == "en"
            else f"原文是“{error.source}”（{error.expected}）"
        )
    if error.source:
        return f"the source has {error.source}" if lang == "en" else f"原文是“{error.source}”"
    return (
        f"the reference has «{error.expected}»" if lang == "en" else f"参考译文是“{error.expected}”"
    )


def _what(error: DetectedError, lang: str) -> str:
    """What was left out: the source's word and its rendering, or the reference's word."""
    if error.source:
        return (
            f"the source's {error.source} ({error.expected})"
            if lang == "en"
            else f"原文的“{error.source}”（{error.expected}）"
        )
    return (
        f"«{error.expected}» of the reference"
        if lang == "en"
        else f"参考译文中的“{error.expected}”"
    )


def as_record(error: DetectedError) -> dict[str, Any]:
    """How an error is stored with the result and written by score-batch."""
    record = asdict(error)
    record.pop("punctuation")
    record["weight"] = weight(error)
    record["feedback"] = feedback(error)
    return record
