"""Validate whole content files before anything is written.

`parse_set` returns an ExerciseSet or raises ImportRejected listing every problem found (file,
exercise or row, field, reason). Callers write to storage only after it returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from transtutor.content.models import (
    MAX_EXERCISES_PER_SET,
    MAX_FILE_BYTES,
    Course,
    Exercise,
    ExerciseSet,
    ExerciseType,
    ReviewRubric,
    Rubric,
    default_rubric,
)
from transtutor.content.readers import ReadError, load_document, read_set
from transtutor.errors import ImportRejected, Problem

SIDECAR_SUFFIX = ".set.yaml"
SET_FIELDS = ("id", "title", "language_pair", "rubric", "outcomes", "description")


@dataclass(frozen=True)
class Catalog:
    """What a set may refer to: the course's outcomes and the known rubrics."""

    course: Course
    rubrics: dict[str, Rubric]
    review_rubrics: dict[str, ReviewRubric] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. bundled criteria that fall back to exercise outcomes

    def default_rubric(self, language_pair: str) -> str | None:
        rubric = default_rubric(self.rubrics, language_pair)
        return rubric.id if rubric else None


@dataclass(frozen=True)
class ParsedSet:
    exercise_set: ExerciseSet
    encoding: str
    file: str


def _problems(error: ValidationError, file: str, where: str, prefix: str = "") -> list[Problem]:
    found = []
    for item in error.errors():
        loc = [str(p) for p in item["loc"] if not str(p).startswith("function-")]
        field = ".".join(loc)
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "missing"
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        found.append(Problem(file, where, f"{prefix}{field}", message))
    return found


def size_problem(size: int, file: str) -> Problem | None:
    if size > MAX_FILE_BYTES:
        return Problem(
            file,
            "",
            "",
            f"the file is {size // 1024} KiB; the limit is {MAX_FILE_BYTES // 1024} KiB",
        )
    return None


def check_size(data: bytes, file: str) -> None:
    problem = size_problem(len(data), file)
    if problem is not None:
        raise ImportRejected([problem])
    if not data.strip():
        raise ImportRejected([Problem(file, "", "", "the file is empty")])


def parse_set(
    data: bytes, file: str, catalog: Catalog, meta: dict[str, Any] | None = None
) -> ParsedSet:
    """Validate one exercise-set file completely; raise ImportRejected with every problem."""
    check_size(data, file)
    try:
        raw = read_set(data, file, meta)
    except ReadError as exc:
        raise ImportRejected([exc.problem]) from exc

    problems: list[Problem] = []
    unknown_meta = sorted(set(raw.meta) - set(SET_FIELDS))
    for key in unknown_meta:
        problems.append(Problem(file, "", key, "unknown set field"))
    for needed in ("id", "title", "language_pair"):
        if not raw.meta.get(needed):
            hint = (
                " (give it in the caption or a sidecar file)"
                if raw.file.endswith((".csv", ".tsv", ".xlf", ".xliff", ".tmx"))
                else ""
            )
            problems.append(Problem(file, "", needed, f"missing set field{hint}"))
    if len(raw.exercises) > MAX_EXERCISES_PER_SET:
        problems.append(
            Problem(
                file,
                "",
                "exercises",
                f"{len(raw.exercises)} exercises; the limit is {MAX_EXERCISES_PER_SET} per set",
            )
        )
    if not raw.exercises:
        problems.append(Problem(file, "", "exercises", "the set has no exercises"))

    validated: list[tuple[str, Exercise]] = []
    seen: dict[str, str] = {}
    for where, item in raw.exercises:
        if not isinstance(item, dict):
            problems.append(Problem(file, where, "", "must be a mapping of fields"))
            continue
        try:
            exercise = Exercise.model_validate(item)
        except ValidationError as exc:
            problems.extend(_problems(exc, file, where))
            continue
        if exercise.id in seen:
            problems.append(
                Problem(
                    file,
                    where,
                    "id",
                    f"duplicate id {exercise.id!r} (first at {seen[exercise.id]})",
                )
            )
        seen.setdefault(exercise.id, where)
        validated.append((where, exercise))

    set_outcomes = raw.meta.get("outcomes") or []
    known = set(catalog.course.outcome_ids)
    if isinstance(set_outcomes, list):
        for outcome in set_outcomes:
            if outcome not in known:
                problems.append(
                    Problem(
                        file,
                        "",
                        "outcomes",
                        f"unknown outcome {outcome!r}; "
                        f"the course has {', '.join(catalog.course.outcome_ids)}",
                    )
                )
    for where, exercise in validated:
        for outcome in exercise.outcomes:
            if outcome not in known:
                problems.append(
                    Problem(
                        file,
                        where,
                        "outcomes",
                        f"unknown outcome {outcome!r}; "
                        f"the course has {', '.join(catalog.course.outcome_ids)}",
                    )
                )
        if not exercise.outcomes and not set_outcomes:
            problems.append(
                Problem(file, where, "outcomes", "no outcomes: name them here or for the whole set")
            )

    rubric_id = raw.meta.get("rubric")
    if rubric_id and rubric_id not in catalog.rubrics:
        problems.append(
            Problem(
                file,
                "",
                "rubric",
                f"unknown rubric {rubric_id!r}; known: "
                f"{', '.join(sorted(catalog.rubrics)) or 'none'}",
            )
        )

    if problems:
        raise ImportRejected(problems)
    try:
        exercise_set = ExerciseSet.model_validate(
            {**raw.meta, "exercises": [exercise for _, exercise in validated]}
        )
    except ValidationError as exc:
        raise ImportRejected(_problems(exc, file, "")) from exc
    rubric = catalog.rubrics.get(exercise_set.rubric or "")
    if rubric and rubric.language_pair != exercise_set.language_pair:
        raise ImportRejected(
            [
                Problem(
                    file,
                    "",
                    "rubric",
                    f"rubric {rubric.id!r} is for "
                    f"{rubric.language_pair}, the set is {exercise_set.language_pair}",
                )
            ]
        )
    if not exercise_set.rubric:
        default = catalog.default_rubric(exercise_set.language_pair)
        if default is None:
            raise ImportRejected(
                [
                    Problem(
                        file,
                        "",
                        "rubric",
                        f"no rubric for {exercise_set.language_pair} is installed",
                    )
                ]
            )
        exercise_set = exercise_set.model_copy(update={"rubric": default})
    _check_type_specific(exercise_set, file)
    return ParsedSet(exercise_set, raw.encoding, file)


def _check_type_specific(exercise_set: ExerciseSet, file: str) -> None:
    problems = []
    for exercise in exercise_set.exercises:
        if exercise.type is ExerciseType.post_edit and exercise.mt in exercise.references:
            problems.append(
                Problem(
                    file,
                    f"exercise {exercise.id}",
                    "mt",
                    "the MT output equals a reference: nothing to post-edit",
                )
            )
    if problems:
        raise ImportRejected(problems)


def sidecar_meta(path: Path) -> dict[str, Any]:
    """Set fields for a CSV/TSV/XLIFF/TMX file from `<name>.set.yaml` next to it, if any."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        return load_document(sidecar.read_bytes(), sidecar.name)
    except ReadError as exc:
        raise ImportRejected([exc.problem]) from exc


def parse_caption(caption: str | None) -> dict[str, Any]:
    """Read set fields from an upload caption.

    Example: `id=fin-1 pair=zh-en title="Fintech basics" outcomes=LO1,LO2 rubric=zh-en-default`.
    """
    import shlex

    meta: dict[str, Any] = {}
    if not caption:
        return meta
    try:
        words = shlex.split(caption)
    except ValueError:
        words = caption.split()
    aliases = {"pair": "language_pair", "lang": "language_pair"}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            continue
        key = aliases.get(key.strip().lower(), key.strip().lower())
        meta[key] = [v for v in value.split(",") if v] if key == "outcomes" else value
    return meta


def _document(path: Path) -> Any:
    data = path.read_bytes()
    check_size(data, path.name)
    try:
        return load_document(data, path.name)
    except ReadError as exc:
        raise ImportRejected([exc.problem]) from exc


def _validate(doc: Any, model: type[Course] | type[Rubric] | type[ReviewRubric], file: str) -> Any:
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise ImportRejected(_problems(exc, file, "")) from exc


def load_course(path: Path) -> Course:
    """Validate a course.yaml; problems name the file by its path, so the right copy is fixed."""
    course: Course = _validate(_document(path), Course, str(path))
    return course


def load_rubrics(paths: Iterable[Path]) -> tuple[dict[str, Rubric], dict[str, ReviewRubric]]:
    """Scoring rubrics and, from files with `kind: review`, rubrics for project reviews."""
    rubrics: dict[str, Rubric] = {}
    reviews: dict[str, ReviewRubric] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            doc = _document(path)
            model = ReviewRubric if isinstance(doc, dict) and "kind" in doc else Rubric
            rubric: Rubric | ReviewRubric = _validate(doc, model, path.name)
        except ImportRejected as exc:
            problems.extend(exc.problems)
            continue
        if rubric.id in rubrics or rubric.id in reviews:
            problems.append(Problem(path.name, "", "id", f"rubric {rubric.id!r} is defined twice"))
        if isinstance(rubric, ReviewRubric):
            reviews[rubric.id] = rubric
        else:
            rubrics[rubric.id] = rubric
    if problems:
        raise ImportRejected(problems)
    return rubrics, reviews


def check_rubric_outcomes(rubrics: Iterable[Rubric | ReviewRubric], course: Course) -> None:
    problems = [
        Problem(
            f"rubric {rubric.id}",
            f"criterion {criterion.id}",
            "outcomes",
            f"unknown outcome {outcome!r}",
        )
        for rubric in rubrics
        for criterion in rubric.criteria
        for outcome in criterion.outcomes
        if outcome not in course.outcome_ids
    ]
    if problems:
        raise ImportRejected(problems)
