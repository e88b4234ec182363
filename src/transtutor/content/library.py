"""Loading content directories: the course, the rubrics and every exercise-set file in them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from transtutor.content.courses import (
    BUNDLED_ROOT,
    COURSE_FILE,
    adopt_course,
    load_course_rubrics,
    rubric_dirs,
)
from transtutor.content.importer import (
    SIDECAR_SUFFIX,
    Catalog,
    ParsedSet,
    load_course,
    parse_set,
    sidecar_meta,
)
from transtutor.content.models import Course, ExerciseSet, ReviewRubric, Rubric
from transtutor.content.ports import CourseContent
from transtutor.content.readers import SET_FORMATS
from transtutor.content.records import ImportReceipt
from transtutor.errors import ImportRejected, Problem


def bundled_exercises() -> Path:
    return BUNDLED_ROOT / "exercises"


def bundled_rubrics() -> Path:
    return BUNDLED_ROOT / "rubrics"


@dataclass
class Library:
    """The course, its rubrics and the sets found on disk, all validated."""

    course: Course
    rubrics: dict[str, Rubric]
    review_rubrics: dict[str, ReviewRubric] = field(default_factory=dict)
    sets: dict[str, ExerciseSet] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # one line each, worth saying at start

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.course, self.rubrics, self.review_rubrics, self.notes)


def set_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Exercise-set files among paths (directories are searched, sidecars and course skipped)."""
    for path in paths:
        if path.is_dir():
            yield from set_files(sorted(p for p in path.iterdir() if p.is_file()))
        elif (
            path.suffix.lower() in SET_FORMATS
            and path.name != COURSE_FILE
            and not path.name.endswith(SIDECAR_SUFFIX)
        ):
            yield path


def parse_file(path: Path, catalog: Catalog) -> ParsedSet:
    return parse_set(path.read_bytes(), path.name, catalog, sidecar_meta(path))


def load_catalog(exercises_dir: Path, rubrics_dir: Path, course: Course | None = None) -> Catalog:
    """The course in `exercises_dir` (or `course`, e.g. the one a database holds) with the
    rubrics of `rubrics_dir` and of the course's own `rubrics/`, resolved for that course."""
    if course is None:
        course_path = exercises_dir / COURSE_FILE
        if not course_path.exists():
            raise ImportRejected(
                [
                    Problem(
                        str(exercises_dir),
                        "",
                        "",
                        f"no {COURSE_FILE} here (`transtutor init DIR` writes a starter course)",
                    )
                ]
            )
        course = load_course(course_path)
    bound = load_course_rubrics(course, rubric_dirs(exercises_dir, rubrics_dir))
    return Catalog(course, bound.rubrics, bound.reviews, tuple(bound.notes))


def load_library(exercises_dir: Path, rubrics_dir: Path) -> Library:
    """Load and validate everything; raise ImportRejected with every problem in every file."""
    catalog = load_catalog(exercises_dir, rubrics_dir)
    library = Library(catalog.course, catalog.rubrics, catalog.review_rubrics, notes=catalog.notes)
    problems: list[Problem] = []
    for path in set_files([exercises_dir]):
        try:
            parsed = parse_file(path, catalog)
        except ImportRejected as exc:
            problems.extend(exc.problems)
            continue
        set_id = parsed.exercise_set.id
        if set_id in library.sets:
            problems.append(Problem(path.name, "", "id", f"set id {set_id!r} is used by two files"))
        library.sets[set_id] = parsed.exercise_set
    if problems:
        raise ImportRejected(problems)
    return library


def install(
    content: CourseContent,
    library: Library,
    *,
    course_file: str = COURSE_FILE,
    database: str = "the database",
) -> list[ImportReceipt]:
    """Write the course and every set into the store at start. Content already stored in any
    version is skipped: later uploads and retirements made in the chat are kept. A database
    holding another course (or evidence for an outcome the course dropped) raises
    CourseRefused and nothing is written."""
    adopt_course(content, library.course, course_file=course_file, database=database)
    return [
        content.import_set(s, source_file=s.id, only_if_new=True) for s in library.sets.values()
    ]
