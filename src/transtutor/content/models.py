"""The content model: course, outcomes, exercise sets, exercises and rubrics.

These pydantic models are the one definition of what a valid file contains; the readers turn
YAML, JSON, CSV/TSV, XLIFF and TMX into plain dicts and these models judge them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANGUAGES = ("zh", "en")
UI_LANGUAGES = ("en", "zh")
SLUG = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"

# Limits that keep one upload from hurting everyone else. Also stated in docs/content.md.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_EXERCISES_PER_SET = 500
MAX_TEXT_CHARS = 4000  # a source, reference or MT text; fits one Telegram message
MAX_REFERENCES = 10

ERROR_CATEGORIES = (
    "Accuracy/Mistranslation",
    "Accuracy/Omission",
    "Accuracy/Addition",
    "Accuracy/Untranslated",
    "Terminology/Inappropriate",
    "Terminology/Inconsistent",
    "Fluency/Grammar",
    "Fluency/Spelling",
    "Fluency/Punctuation",
    "Fluency/Register",
    "Style/Awkward",
    "Locale/Format",
)
SEVERITIES = ("minor", "major", "critical")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Identified = TypeVar("_Identified", bound=_HasId)


class ExerciseType(StrEnum):
    translate = "translate"  # type: ignore[assignment]  # shadows str.translate; harmless
    post_edit = "post_edit"
    error_spot = "error_spot"
    ai_critique = "ai_critique"  # an AI translation to critique; scored as error_spot


# Exercises answered by marking words of a shown text, then a category and a severity.
SPOTTING = (ExerciseType.error_spot, ExerciseType.ai_critique)
MAX_ENGINE_CHARS = 100


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _clean_text(value: str, *, field: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text")
    text = value.strip()
    if not text:
        raise ValueError(f"{field} is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"{field} is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ValueError(f"{field} contains control characters")
    return text


class Localized(_Strict):
    """A text in the interface languages; a plain string stands for every language."""

    en: str
    zh: str

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value, "zh": value}
        if isinstance(value, dict):
            known = {k: v for k, v in value.items() if k in UI_LANGUAGES}
            unknown = sorted(set(value) - set(UI_LANGUAGES))
            if unknown:
                raise ValueError(f"unknown language keys {unknown}; use 'en' and 'zh'")
            if not known:
                raise ValueError("needs an 'en' or 'zh' text")
            first = next(iter(known.values()))
            return {"en": known.get("en", first), "zh": known.get("zh", first)}
        return value

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Outcome(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    description: Localized | None = None
    level: Annotated[str, Field(min_length=1, max_length=40)] | None = None  # e.g. "EQF 6"


class RequiredProject(_Strict):
    """A project the award rule requires, graded at or above its pass mark (0-100)."""

    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    pass_mark: Annotated[float, Field(ge=0, le=100)] = 60


class AwardingBody(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]


class CredentialTerms(_Strict):
    """The `credential:` section of course.yaml: what the micro-credential states (the EU
    micro-credential elements) and what, besides every outcome mastered, it requires."""

    ects: Annotated[float, Field(gt=0, le=60)]
    assessment: Localized
    participation: Localized
    quality_assurance: Localized
    awarding_body: AwardingBody
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    eqf_level: Annotated[int, Field(ge=1, le=8)] | None = None
    valid_years: Annotated[int, Field(ge=1, le=50)] | None = None
    required_projects: list[RequiredProject] = Field(default_factory=list)


class Course(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    description: Localized | None = None
    credential: CredentialTerms | None = None  # None: the course awards no credential
    mastery_threshold: Annotated[float, Field(gt=0, le=1)] = 0.8
    min_attempts: Annotated[int, Field(ge=1, le=50)] = 3
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    # Rubric criterion id -> the outcomes it gives evidence for in this course (`numbers: T1`).
    # Lets the bundled rubrics, written for the bundled course, serve any course.
    criteria_outcomes: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("outcomes")
    @classmethod
    def _unique(cls, outcomes: list[Outcome]) -> list[Outcome]:
        return _unique_ids(outcomes, "outcome")

    @field_validator("criteria_outcomes", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("criteria_outcomes")
    @classmethod
    def _known_outcomes(cls, mapping: dict[str, list[str]], info: Any) -> dict[str, list[str]]:
        outcomes = info.data.get("outcomes") or []
        known = [o.id for o in outcomes]
        for criterion, targets in mapping.items():
            if not targets:
                raise ValueError(f"criterion {criterion!r} maps to no outcome")
            for target in targets:
                if known and target not in known:
                    raise ValueError(
                        f"criterion {criterion!r} maps to unknown outcome {target!r}; "
                        f"the course has {', '.join(known)}"
                    )
        return mapping

    @property
    def outcome_ids(self) -> list[str]:
        return [o.id for o in self.outcomes]


class ErrorAnnotation(_Strict):
    """One annotated error in an MT output (error_spot; optional for post_edit)."""

    span: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
    category: str
    severity: str = "major"

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return normalize_category(value)

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        severity = value.strip().lower()
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {value!r}; use one of {', '.join(SEVERITIES)}")
        return severity


def _unique_ids(items: list[_Identified], what: str) -> list[_Identified]:
    ids = [item.id for item in items]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"{what} ids appear twice: {', '.join(twice)}")
    return items


def glossary_pairs(glossary: dict[str, str | list[str]]) -> list[tuple[str, list[str]]]:
    """Glossary as (source term, accepted target terms); "a|b" lists alternatives."""
    pairs = []
    for term, target in glossary.items():
        options = target.split("|") if isinstance(target, str) else list(target)
        pairs.append((term, [o.strip() for o in options if o.strip()]))
    return pairs


def parse_language_pair(value: str) -> str:
    """'zh-en', 'ZH_EN' or 'zh>en' -> 'zh-en'; only Chinese and English are taught."""
    match = re.fullmatch(r"([a-z]{2})[-_>]+([a-z]{2})", value.strip().lower())
    if not match or match[1] not in LANGUAGES or match[2] not in LANGUAGES:
        raise ValueError(f"language_pair {value!r} must be zh-en or en-zh")
    if match[1] == match[2]:
        raise ValueError("source and target language must differ")
    return f"{match[1]}-{match[2]}"


def normalize_category(value: str) -> str:
    """Match a category case-insensitively, also by its last part ("omission")."""
    wanted = value.strip().lower().replace(" ", "")
    for category in ERROR_CATEGORIES:
        if wanted in (category.lower(), category.split("/")[1].lower()):
            return category
    raise ValueError(f"unknown error category {value!r}; use one of {', '.join(ERROR_CATEGORIES)}")


class Exercise(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    type: ExerciseType = ExerciseType.translate
    source: str
    references: list[str] = Field(default_factory=list)
    mt: str | None = None
    # The engine or model that produced `mt` (named in the exercise message); set with an MT
    # draft fetched at import, and for ai_critique the model whose output is critiqued.
    mt_engine: Annotated[str, Field(max_length=MAX_ENGINE_CHARS)] | None = None
    errors: list[ErrorAnnotation] = Field(default_factory=list)
    glossary: dict[str, str | list[str]] = Field(default_factory=dict)
    forbidden: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    difficulty: Annotated[int, Field(ge=1, le=5)] = 2
    hint: Localized | None = None
    note: Localized | None = None

    @field_validator("source", "mt")
    @classmethod
    def _text(cls, value: str | None, info: Any) -> str | None:
        return None if value is None else _clean_text(value, field=info.field_name)

    @field_validator("references")
    @classmethod
    def _references(cls, refs: list[str]) -> list[str]:
        if len(refs) > MAX_REFERENCES:
            raise ValueError(f"{len(refs)} references; the limit is {MAX_REFERENCES}")
        return [_clean_text(r, field=f"reference {i + 1}") for i, r in enumerate(refs)]

    @model_validator(mode="after")
    def _by_type(self) -> Exercise:
        if self.type in (ExerciseType.translate, ExerciseType.post_edit) and not self.references:
            raise ValueError(f"a {self.type.value} exercise needs at least one reference")
        # A post_edit exercise without `mt` gets an MT draft from the AI provider at import.
        if self.type in SPOTTING and not self.mt:
            raise ValueError(f"a {self.type.value} exercise needs the MT output in 'mt'")
        if self.type in SPOTTING and not self.errors:
            raise ValueError(f"an {self.type.value} exercise needs at least one annotated error")
        if self.type is ExerciseType.post_edit and self.mt is None and self.errors:
            raise ValueError("annotated errors need the MT text in 'mt' (a draft has none yet)")
        for error in self.errors:
            if self.mt is not None and error.span not in self.mt:
                raise ValueError(f"error span {error.span!r} does not occur in the MT text")
        return self

    def glossary_pairs(self) -> list[tuple[str, list[str]]]:
        return glossary_pairs(self.glossary)

    @property
    def spotting(self) -> bool:
        """Answered by marking words of the shown text (error_spot, ai_critique)."""
        return self.type in SPOTTING

    @property
    def needs_draft(self) -> bool:
        """A post_edit exercise whose MT draft comes from the AI provider at import."""
        return self.type is ExerciseType.post_edit and self.mt is None

    def scored_as(self) -> Exercise:
        """The exercise as the scorer sees it: ai_critique is scored exactly as error_spot."""
        if self.type is ExerciseType.ai_critique:
            return self.model_copy(update={"type": ExerciseType.error_spot})
        return self


class ExerciseSet(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    language_pair: str
    rubric: str | None = None
    outcomes: list[str] = Field(default_factory=list)
    description: Localized | None = None
    exercises: Annotated[list[Exercise], Field(min_length=1)]

    @field_validator("language_pair")
    @classmethod
    def _pair(cls, value: str) -> str:
        return parse_language_pair(value)

    @property
    def source_lang(self) -> str:
        return self.language_pair.split("-")[0]

    @property
    def target_lang(self) -> str:
        return self.language_pair.split("-")[1]

    def outcomes_of(self, exercise: Exercise) -> list[str]:
        return exercise.outcomes or self.outcomes


class CheckKind(StrEnum):
    glossary = "glossary"
    numbers = "numbers"
    entities = "entities"
    untranslated = "untranslated"
    length_ratio = "length_ratio"
    punctuation = "punctuation"
    forbidden_terms = "forbidden_terms"
    mt_unchanged = "mt_unchanged"
    post_edit_effort = "post_edit_effort"
    error_category = "error_category"
    error_severity = "error_severity"


class Criterion(_Strict):
    """One rubric criterion: a check, how much failing it costs, and what it evidences."""

    id: Annotated[str, Field(pattern=SLUG)]
    check: CheckKind
    weight: Annotated[float, Field(ge=0, le=1)]
    outcomes: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    title: Localized | None = None
    feedback: Localized


class Rubric(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    language_pair: str
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @field_validator("language_pair")
    @classmethod
    def _pair(cls, value: str) -> str:
        return parse_language_pair(value)

    @field_validator("criteria")
    @classmethod
    def _unique(cls, criteria: list[Criterion]) -> list[Criterion]:
        return _unique_ids(criteria, "criterion")


# How a reviewer rates a project against one criterion; level / 4 is the criterion's value.
REVIEW_LEVELS = ("not_met", "weak", "adequate", "good", "excellent")


class ReviewCriterion(_Strict):
    """A criterion a person judges (project work): its share of the grade and its outcomes."""

    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    weight: Annotated[float, Field(gt=0, le=1)]
    outcomes: Annotated[list[str], Field(min_length=1)]
    guide: Localized | None = None  # what the reviewer looks for


class ReviewRubric(_Strict):
    """A rubric for project reviews (`kind: review`). The grade is the weighted mean of the
    criterion values (weights are shares, normalised to sum to 1)."""

    kind: Literal["review"]
    id: Annotated[str, Field(pattern=SLUG)]
    title: Localized
    criteria: Annotated[list[ReviewCriterion], Field(min_length=1, max_length=10)]

    @field_validator("criteria")
    @classmethod
    def _unique(cls, criteria: list[ReviewCriterion]) -> list[ReviewCriterion]:
        return _unique_ids(criteria, "criterion")

    @property
    def outcomes(self) -> list[str]:
        return sorted({o for c in self.criteria for o in c.outcomes})


def default_rubric(rubrics: dict[str, Rubric], language_pair: str) -> Rubric | None:
    """The rubric a set without one uses: the pair's `*default` rubric, else its first."""
    matching = [r for r in rubrics.values() if r.language_pair == language_pair]
    preferred = [r for r in matching if r.id.endswith("default")]
    candidates = preferred or matching
    return candidates[0] if candidates else None
