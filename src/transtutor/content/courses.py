"""Which course a content directory brings, which rubrics serve it, and whether a database may
take it.

A course directory holds `course.yaml`, its exercise-set files and optionally `rubrics/`. The
bundled rubrics name the bundled course's outcomes (LO1 ...); for any other course their
criteria give evidence to the outcomes `course.yaml` maps them to (`criteria_outcomes:`), or
else to each exercise's own outcomes, so an instructor never has to copy and edit them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from transtutor.content.importer import load_rubrics
from transtutor.content.models import Course, Criterion, ReviewCriterion, ReviewRubric, Rubric
from transtutor.content.ports import CourseContent
from transtutor.errors import ImportRejected, Problem, TranstutorError

COURSE_FILE = "course.yaml"
RUBRICS_DIR = "rubrics"
BUNDLED_ROOT = Path(__file__).resolve().parents[3]


class CourseRefused(TranstutorError):
    """A database cannot take this course (another course, or evidence would be orphaned).
    The message is one line naming the file, what is wrong and what to do."""


@dataclass
class BoundRubrics:
    """Rubrics with every criterion's outcomes resolved for one course."""

    rubrics: dict[str, Rubric]
    reviews: dict[str, ReviewRubric]
    notes: list[str] = field(default_factory=list)  # one line each, shown at start


def bundled_rubrics_dir() -> Path:
    return BUNDLED_ROOT / "rubrics"


def bundled_course_id() -> str:
    """The id of the bundled course, whose outcome ids the bundled rubrics name."""
    with open(BUNDLED_ROOT / "exercises" / COURSE_FILE, encoding="utf-8") as source:
        return str(yaml.safe_load(source)["id"])


def course_dir_of(paths: Iterable[Path]) -> Path | None:
    """The course directory `paths` belong to: the first directory among them with a
    course.yaml, else the folder of the first file that has one beside it; or None."""
    paths = list(paths)
    for path in paths:
        if path.is_dir() and (path / COURSE_FILE).is_file():
            return path
    for path in paths:
        if path.is_file() and (path.parent / COURSE_FILE).is_file():
            return path.parent
    return None


def rubric_dirs(exercises_dir: Path, rubrics_dir: Path) -> list[Path]:
    """Where rubrics come from: the configured directory, then the course's own `rubrics/`
    (found without a setting; a rubric there replaces a configured one with the same id)."""
    dirs = [rubrics_dir]
    own = exercises_dir / RUBRICS_DIR
    if own.is_dir() and own.resolve() != rubrics_dir.resolve():
        dirs.append(own)
    return dirs


@dataclass
class _Loaded:
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    reviews: dict[str, ReviewRubric] = field(default_factory=dict)
    origin: dict[str, Path] = field(default_factory=dict)  # rubric id -> its file


def _load(dirs: list[Path]) -> _Loaded:
    loaded = _Loaded()
    problems: list[Problem] = []
    for directory in dirs:
        here: dict[str, Path] = {}
        for path in sorted(directory.glob("*.y*ml")):
            try:
                rubrics, reviews = load_rubrics([path])
            except ImportRejected as exc:
                # Name the directory too: "zh-en-default.yaml" alone does not say which copy.
                problems.extend(
                    Problem(str(directory / p.file), p.where, p.field, p.reason)
                    for p in exc.problems
                )
                continue
            found: list[Rubric | ReviewRubric] = [*rubrics.values(), *reviews.values()]
            for rubric in found:
                if rubric.id in here:
                    problems.append(
                        Problem(
                            str(path),
                            "",
                            "id",
                            f"rubric {rubric.id!r} is also defined in {here[rubric.id].name}",
                        )
                    )
                here[rubric.id] = path
                loaded.origin[rubric.id] = path
                # A rubric in the course's own folder replaces a configured one with its id.
                loaded.rubrics.pop(rubric.id, None)
                loaded.reviews.pop(rubric.id, None)
                if isinstance(rubric, ReviewRubric):
                    loaded.reviews[rubric.id] = rubric
                else:
                    loaded.rubrics[rubric.id] = rubric
    if problems:
        raise ImportRejected(problems)
    return loaded


def load_course_rubrics(course: Course, dirs: list[Path]) -> BoundRubrics:
    """Load the rubrics in `dirs` and resolve their criteria's outcomes for `course`.

    Raises ImportRejected when one of the instructor's own rubrics names an outcome the course
    does not have, or `criteria_outcomes` names a criterion no rubric has."""
    loaded = _load(dirs)
    if not loaded.rubrics:
        raise ImportRejected([Problem(", ".join(map(str, dirs)), "", "", "no rubric files here")])
    bundled = bundled_rubrics_dir().resolve()
    foreign = course.id != bundled_course_id()
    known = set(course.outcome_ids)
    mapping = course.criteria_outcomes
    problems: list[Problem] = []
    fallen_back: list[str] = []  # criteria of bundled rubrics that use the exercise's outcomes
    shared: list[str] = []  # criteria of bundled review rubrics that use every outcome

    def resolve(rubric_id: str, criterion_id: str, outcomes: list[str]) -> list[str] | None:
        """The criterion's outcomes for this course; None when it keeps its own."""
        if criterion_id in mapping:
            return list(mapping[criterion_id])
        origin = loaded.origin.get(rubric_id)
        is_bundled = origin is not None and origin.resolve().parent == bundled
        if is_bundled and foreign:
            return []
        unknown = [o for o in outcomes if o not in known]
        if unknown:
            problems.append(
                Problem(
                    str(origin or f"rubric {rubric_id}"),
                    f"criterion {criterion_id}",
                    "outcomes",
                    f"unknown outcome {unknown[0]!r}; the course has "
                    f"{', '.join(course.outcome_ids)} (name one of them, or map the criterion "
                    f"in {COURSE_FILE}: criteria_outcomes: {{{criterion_id}: "
                    f"{course.outcome_ids[0]}}})",
                )
            )
        return None

    rubrics: dict[str, Rubric] = {}
    for rubric in loaded.rubrics.values():
        criteria: list[Criterion] = []
        for criterion in rubric.criteria:
            outcomes = resolve(rubric.id, criterion.id, criterion.outcomes)
            if outcomes is None:
                criteria.append(criterion)
                continue
            if not outcomes:
                fallen_back.append(criterion.id)
            criteria.append(criterion.model_copy(update={"outcomes": outcomes}))
        rubrics[rubric.id] = rubric.model_copy(update={"criteria": criteria})
    reviews: dict[str, ReviewRubric] = {}
    for review in loaded.reviews.values():
        review_criteria: list[ReviewCriterion] = []
        for item in review.criteria:
            outcomes = resolve(review.id, item.id, item.outcomes)
            if outcomes is None:
                review_criteria.append(item)
                continue
            if not outcomes:
                # A project has no exercise outcomes to fall back to: it evidences the course.
                outcomes = list(course.outcome_ids)
                shared.append(item.id)
            review_criteria.append(item.model_copy(update={"outcomes": outcomes}))
        reviews[review.id] = review.model_copy(update={"criteria": review_criteria})

    every_criterion = {c.id for r in loaded.rubrics.values() for c in r.criteria} | {
        c.id for r in loaded.reviews.values() for c in r.criteria
    }
    for criterion_id in mapping:
        if criterion_id not in every_criterion:
            problems.append(
                Problem(
                    COURSE_FILE,
                    "",
                    f"criteria_outcomes.{criterion_id}",
                    f"no rubric has a criterion {criterion_id!r}; criteria: "
                    f"{', '.join(sorted(every_criterion))}",
                )
            )
    if problems:
        raise ImportRejected(problems)
    notes = []
    if fallen_back or shared:
        names = sorted(set(fallen_back) | set(shared))
        shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        notes.append(
            f"course {course.id}: {len(names)} criteria of the bundled rubrics ({shown}) give "
            "evidence to each exercise's own outcomes (in project reviews: to every outcome); "
            f"to choose, map them in {COURSE_FILE}: criteria_outcomes: {{{names[0]}: "
            f"{course.outcome_ids[0]}}}"
        )
    return BoundRubrics(rubrics, reviews, notes)


def course_change(
    stored: Course | None,
    new: Course,
    evidence: dict[str, tuple[int, int]],
    *,
    course_file: str,
    database: str,
) -> list[str]:
    """Check that a database holding `stored` may take `new`; return the outcomes it adds.

    Raises CourseRefused when `new` is another course, or drops an outcome learners already
    have evidence for (renaming one drops it too)."""
    if stored is None:
        return list(new.outcome_ids)
    if stored.id != new.id:
        raise CourseRefused(
            f"{course_file}: course {new.id!r}, but {database} holds course {stored.id!r} "
            f"(one database, one course): use a new database for {new.id!r} "
            f"(TRANSTUTOR_DB={new.id}.db), or point TRANSTUTOR_EXERCISES or --course at the "
            f"folder of {stored.id!r}"
        )
    dropped = [o for o in stored.outcome_ids if o not in new.outcome_ids and o in evidence]
    if dropped:
        outcome = dropped[0]
        learners, pieces = evidence[outcome]
        raise CourseRefused(
            f"{course_file} [outcomes]: outcome {outcome!r} is missing, but {learners} "
            f"learner(s) in {database} have {pieces} piece(s) of evidence for it; keep it "
            f"(a new title is fine, the id must stay) or start a new database with "
            f"TRANSTUTOR_DB=<new file>"
        )
    return [o for o in new.outcome_ids if o not in stored.outcome_ids]


@dataclass(frozen=True)
class CourseReceipt:
    course_id: str
    version: int
    added: list[str]  # outcome ids new in this version (all of them for a new database)


def adopt_course(
    content: CourseContent, course: Course, *, course_file: str, database: str
) -> CourseReceipt:
    """Store `course` as the database's course (or its next version), after `course_change`
    agreed; raises CourseRefused otherwise."""
    stored = content.stored_course()
    added = course_change(
        stored[0] if stored else None,
        course,
        content.outcome_evidence(),
        course_file=course_file,
        database=database,
    )
    version = content.save_course(course)
    return CourseReceipt(course.id, version, added)
