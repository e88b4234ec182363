"""`transtutor check`, `import` and `init`: content from a course directory into a database.

Which course a command validates against, in order: the `course.yaml` of a directory named on
the command line (or beside a set file named); else the course the database already holds;
else `TRANSTUTOR_EXERCISES`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from transtutor.content.courses import COURSE_FILE, adopt_course, course_change, course_dir_of
from transtutor.content.drafting import needs_drafts
from transtutor.content.importer import Catalog, ParsedSet
from transtutor.content.library import load_catalog, parse_file, set_files
from transtutor.content.models import Course
from transtutor.errors import ImportRejected
from transtutor.store import Store
from transtutor.store.threaded import Database
from transtutor_bot.config import Settings


@dataclass(frozen=True)
class Held:
    """What an existing database holds that an import must respect."""

    course: Course | None
    evidence: dict[str, tuple[int, int]]


def held_by(db: Path) -> Held:
    """The database's course and evidence, without creating a file that is not there."""
    if str(db) == ":memory:" or not db.is_file():
        return Held(None, {})
    store = Store.open_reader(db)
    try:
        stored = store.content.stored_course()
        return Held(stored[0] if stored else None, store.content.outcome_evidence())
    finally:
        store.close()


def resolve_catalog(paths: list[Path], settings: Settings, held: Held) -> tuple[Catalog, str]:
    """The catalog to validate against and the course file it came from (see module doc)."""
    course_dir = course_dir_of(paths)
    if course_dir is not None:
        return load_catalog(course_dir, settings.rubrics), str(course_dir / COURSE_FILE)
    if held.course is not None:
        return (
            load_catalog(settings.exercises, settings.rubrics, course=held.course),
            f"the course in {settings.db}",
        )
    return (
        load_catalog(settings.exercises, settings.rubrics),
        str(settings.exercises / COURSE_FILE),
    )


def _print_problems(exc: ImportRejected) -> None:
    for problem in exc.problems:
        print(f"  ✗ {problem}", file=sys.stderr)


def _notes(catalog: Catalog) -> None:
    for note in catalog.notes:
        print(f"note: {note}", file=sys.stderr)


def check(raw_paths: list[str], settings: Settings) -> int:
    """Validate a course directory or set files without writing anything."""
    paths = [Path(p) for p in raw_paths]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"✗ {path}: no such file or directory", file=sys.stderr)
    course_dir = course_dir_of(paths)
    # A course directory brings its course: the database is not even opened then.
    held = Held(None, {}) if course_dir is not None else held_by(settings.db)
    catalog, course_file = resolve_catalog(paths, settings, held)
    _notes(catalog)
    if course_dir is not None:
        course = catalog.course
        print(
            f"✓ {course_file}: course {course.id}, outcomes {', '.join(course.outcome_ids)}, "
            f"{len(catalog.rubrics) + len(catalog.review_rubrics)} rubrics"
        )
    failed = 0
    files = list(set_files(paths))
    for path in files:
        try:
            parsed = parse_file(path, catalog)
        except ImportRejected as exc:
            failed += 1
            print(
                f"✗ {path}: {len(exc.problems)} problem(s), nothing would be imported",
                file=sys.stderr,
            )
            _print_problems(exc)
            continue
        s = parsed.exercise_set
        print(
            f"✓ {path}: set {s.id} ({s.language_pair}), {len(s.exercises)} exercises, "
            f"read as {parsed.encoding}"
        )
        drafted = needs_drafts(s)
        if drafted:
            print(
                f"  note: {len(drafted)} post_edit exercise(s) without mt get an MT draft from "
                "the AI provider when the bot imports the set (TRANSTUTOR_AI_URL); without "
                "one the set is refused"
            )
    if not files and not missing:
        print("no exercise-set files found", file=sys.stderr)
        return 1
    return 1 if failed or missing else 0


def _with_drafts(
    parsed_sets: list[tuple[Path, ParsedSet]], settings: Settings
) -> list[tuple[Path, ParsedSet]] | None:
    """The sets with MT drafts in their post_edit exercises written without `mt`, from the
    database (drafts an earlier import stored) or the AI provider; None, and the reasons
    printed, when a set cannot have them. An exercise whose draft the provider fails to give
    is left out, as the bot does at an upload."""
    needing = [(path, p) for path, p in parsed_sets if needs_drafts(p.exercise_set)]
    if not needing:
        return parsed_sets
    if not settings.ai.configured and not settings.db.is_file():
        for path, _ in needing:
            print(
                f"✗ {path}: post_edit exercises without mt need MT drafts from an AI provider: "
                "set TRANSTUTOR_AI_URL, TRANSTUTOR_AI_MODEL and TRANSTUTOR_AI_KEY, or give "
                "each an mt",
                file=sys.stderr,
            )
        return None
    from transtutor_bot.bootstrap import fetch_drafts  # the provider, only when needed

    # Drafts are stored in the database (so a re-import reuses them, as the bot does).
    database = Database.open(settings.db)
    try:
        results = fetch_drafts(
            [(p.exercise_set, path.name) for path, p in needing], settings, database
        )
    finally:
        database.close()
    completed = dict(parsed_sets)
    refused = False
    for (path, parsed), result in zip(needing, results, strict=True):
        if isinstance(result, ImportRejected):
            print(f"✗ {path}:", file=sys.stderr)
            _print_problems(result)
            refused = True
            continue
        held = ", ".join(f"{h.exercise_id} ({h.reason})" for h in result.held_back)
        if result.exercise_set is None:
            print(f"✗ {path}: no MT draft could be had for any exercise: {held}", file=sys.stderr)
            refused = True
            continue
        completed[path] = replace(parsed, exercise_set=result.exercise_set)
        print(f"  {path.name}: {result.fetched} MT draft(s) fetched, {result.reused} reused")
        if held:
            print(f"  {path.name}: held back, no MT draft could be had: {held}", file=sys.stderr)
    return None if refused else list(completed.items())


def import_(raw_paths: list[str], settings: Settings) -> int:
    """Validate the course and every file first; write only if all of it may be imported.
    A refused import creates no database file."""
    paths = [Path(p) for p in raw_paths]
    held = held_by(settings.db)
    catalog, course_file = resolve_catalog(paths, settings, held)
    parsed_sets: list[tuple[Path, ParsedSet]] = []
    problems = 0
    for path in set_files(paths):
        try:
            parsed_sets.append((path, parse_file(path, catalog)))
        except ImportRejected as exc:
            problems += 1
            print(f"✗ {path}:", file=sys.stderr)
            _print_problems(exc)
    if problems:
        print(f"{problems} file(s) have problems; nothing was imported.", file=sys.stderr)
        return 1
    if not parsed_sets:
        print("no exercise-set files found", file=sys.stderr)
        return 1
    # Refuse another course before the database file is created or touched.
    database = str(settings.db)
    course_change(
        held.course, catalog.course, held.evidence, course_file=course_file, database=database
    )
    drafted = _with_drafts(parsed_sets, settings)
    if drafted is None:
        print("nothing was imported.", file=sys.stderr)
        return 1
    parsed_sets = drafted
    _notes(catalog)
    store = Store.open(settings.db)
    try:
        receipt = adopt_course(
            store.content, catalog.course, course_file=course_file, database=str(settings.db)
        )
        if held.course is None:
            state = f"outcomes {', '.join(catalog.course.outcome_ids)}"
        elif receipt.added:
            state = f"outcomes added: {', '.join(receipt.added)}"
        else:
            state = "outcomes unchanged"
        print(f"✓ course {receipt.course_id} v{receipt.version}: {state}")
        for path, parsed in parsed_sets:
            imported = store.content.import_set(
                parsed.exercise_set, source_file=path.name, encoding=parsed.encoding
            )
            word = "unchanged" if imported.unchanged else "imported"
            print(
                f"✓ {imported.set_id} v{imported.version}: "
                f"{imported.exercise_count} exercises {word}"
            )
    finally:
        store.close()
    return 0
