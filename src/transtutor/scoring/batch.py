"""Offline scoring of many items: the JSONL contract of `transtutor score-batch`.

Input line: {"id", "source", "candidate", "references", optional "type", "mt", "glossary",
"forbidden", "errors", "marks", "source_lang", "target_lang"}. Output line: {"id", "score",
"metrics", "checks", "errors"} ("errors": the detected errors, most severe first, each with
"kind", "category", "severity", "found", "expected", "source", "weight" and "feedback"), or
{"id", "line", "error"} for an item that could not be scored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from transtutor.content.models import (
    LANGUAGES,
    ErrorAnnotation,
    ExerciseType,
    Rubric,
    glossary_pairs,
)
from transtutor.scoring.checks import Attempt, ErrorMark
from transtutor.scoring.scorer import Scorer
from transtutor.scoring.text import han_share

log = logging.getLogger(__name__)


class MarkIn(BaseModel):
    span: str
    category: str | None = None
    severity: str | None = None


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | int
    source: str
    candidate: str
    references: list[str] = Field(default_factory=list)
    type: ExerciseType = ExerciseType.translate
    mt: str | None = None
    glossary: dict[str, str | list[str]] = Field(default_factory=dict)
    forbidden: list[str] = Field(default_factory=list)
    # Annotated MT errors, used by post_edit and error_spot items only (extra keys ignored, so
    # rated data such as MQM error lists of a translate item pass through untouched).
    errors: list[dict[str, Any]] = Field(default_factory=list)
    marks: list[MarkIn] = Field(default_factory=list)
    category: str | None = None
    severity: str | None = None
    source_lang: str | None = None
    target_lang: str | None = None

    @field_validator("references", mode="before")
    @classmethod
    def _one_reference(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("source_lang", "target_lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        if value is None:
            return None
        short = value.split("-")[0].split("_")[0].lower()
        if short not in LANGUAGES:
            raise ValueError(f"language {value!r} is not zh or en")
        return short

    def languages(self) -> tuple[str, str]:
        """Given languages, else guessed from the scripts of the source."""
        source = self.source_lang or ("zh" if han_share(self.source) > 0.3 else "en")
        target = self.target_lang or ("en" if source == "zh" else "zh")
        return source, target

    def annotations(self) -> list[ErrorAnnotation]:
        if self.type is ExerciseType.translate:
            return []
        keys = ("span", "category", "severity")
        return [
            ErrorAnnotation.model_validate({k: e[k] for k in keys if k in e}) for e in self.errors
        ]

    def attempt(self) -> Attempt:
        source_lang, target_lang = self.languages()
        marks = [ErrorMark(m.span, m.category, m.severity) for m in self.marks]
        if self.type is ExerciseType.error_spot and not marks and self.candidate.strip():
            marks = [ErrorMark(self.candidate, self.category, self.severity)]
        return Attempt(
            type=self.type,
            source=self.source,
            candidate=self.candidate,
            references=self.references,
            source_lang=source_lang,
            target_lang=target_lang,
            mt=self.mt,
            glossary=glossary_pairs(self.glossary),
            forbidden=self.forbidden,
            errors=self.annotations(),
            marks=marks,
        )


def score_lines(
    lines: Iterable[str], scorer: Scorer, rubric: Rubric | None = None
) -> Iterator[dict[str, Any]]:
    """Score JSONL lines one by one; a bad line yields an error record, never stops the run."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = BatchItem.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            yield {"id": None, "line": number, "error": f"invalid JSON: {exc.msg}"}
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            yield {"id": _id_of(line), "line": number, "error": f"{field}: {first['msg']}"}
            continue
        if item.type is not ExerciseType.error_spot and not item.references:
            yield {"id": item.id, "line": number, "error": "references: at least one is needed"}
            continue
        try:
            attempt = item.attempt()
        except ValidationError as exc:
            yield {"id": item.id, "line": number, "error": f"errors: {exc.errors()[0]['msg']}"}
            continue
        chosen = rubric or scorer.rubric(None, f"{attempt.source_lang}-{attempt.target_lang}")
        try:
            result = scorer.score(attempt, chosen, [])
        except Exception as exc:  # a fault of ours on one line: report it, score the rest
            log.exception("score-batch line %d could not be scored", number)
            yield {"id": item.id, "line": number, "error": f"internal error: {type(exc).__name__}"}
            continue
        yield {
            "id": item.id,
            "score": result.score,
            "metrics": result.metrics,
            "checks": [
                {
                    "id": c.id,
                    "check": c.check,
                    "status": c.status,
                    "value": c.value,
                    "items": c.items,
                    "feedback": c.feedback.get("en", ""),
                }
                for c in result.criteria
            ],
            "errors": [
                {**{k: v for k, v in e.items() if k != "feedback"}, "feedback": e["feedback"]["en"]}
                for e in result.errors
            ],
        }


def _id_of(line: str) -> Any:
    try:
        return json.loads(line).get("id")
    except (json.JSONDecodeError, AttributeError):
        return None
