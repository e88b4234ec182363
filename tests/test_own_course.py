"""An instructor's own course through the real command line: init, check, import, try,
summary and export, with their refusals."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli_process import run
from tests.own_course import COURSE, SET, write_course
from transtutor.content.courses import load_course_rubrics, rubric_dirs
from transtutor.content.importer import load_course
from transtutor.content.library import bundled_exercises, bundled_rubrics, load_library
from transtutor.content.models import Course
from transtutor.errors import ImportRejected
from transtutor.scoring.scorer import Scorer
from transtutor_bot.help import PAGES

ONE_EXERCISE = SET.split("  - id: own-002")[0]


def db_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".db" in p.name)


def test_init_writes_a_course_that_check_import_and_try_accept(tmp_path: Path) -> None:
    made = run("init", "mycourse", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    course = tmp_path / "mycourse"
    assert (course / "course.yaml").is_file() and (course / "rubrics").is_dir()
    assert "transtutor try --course mycourse" in made.stderr

    checked = run("check", "mycourse", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "course mycourse, outcomes T1, T2" in checked.stdout
    # One set per exercise type.
    assert checked.stdout.count("✓") == 4

    imported = run("import", "mycourse", db=tmp_path / "my.db", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "✓ course mycourse v1: outcomes T1, T2" in imported.stdout
    assert imported.stdout.count("exercises imported") == 3

    chat = run(
        "try",
        "--course",
        "mycourse",
        cwd=tmp_path,
        stdin="/next\nThe city has a population of three million.\n/progress\n",
    )
    assert chat.returncode == 0, chat.stderr
    out = chat.stdout
    assert out.startswith("transtutor try: loading")  # said before the slow imports
    assert "Welcome to mycourse: starter course" in out
    found = re.search(r"(\d+)/100", out)
    assert found and int(found[1]) >= 90, out
    assert re.search(r"T1 [█░]{10} \d+%", out) and re.search(r"T2 [█░]{10} 0%", out)

    again = run("init", "mycourse", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "not empty" in again.stderr


def test_a_refused_import_creates_no_file(tmp_path: Path) -> None:
    course = write_course(tmp_path / "c", exercise_set=SET.replace("[T1]", "[T9]", 1))
    refused = run("import", str(course), db=tmp_path / "new.db")
    assert refused.returncode == 1
    assert "unknown outcome 'T9'; the course has T1, T2" in refused.stderr
    assert "nothing was imported" in refused.stderr
    broken = write_course(tmp_path / "d", course=COURSE.replace("id: T2", "id: T 2"))
    refused = run("import", str(broken), db=tmp_path / "new.db")
    assert refused.returncode == 2
    assert "course.yaml" in refused.stderr and "outcomes.1.id" in refused.stderr
    assert db_files(tmp_path) == []


def test_one_database_holds_one_course(tmp_path: Path) -> None:
    db = tmp_path / "own.db"
    assert run("import", str(write_course(tmp_path / "own")), db=db).returncode == 0
    before = db.stat().st_mtime_ns

    other = run("import", str(bundled_exercises()), db=db)
    assert other.returncode == 2
    line = other.stderr.strip()
    assert "\n" not in line
    assert "course 'itic', but" in line and "holds course 'own'" in line
    assert "TRANSTUTOR_DB=itic.db" in line
    assert db.stat().st_mtime_ns == before

    # The bot refuses it the same way instead of mixing two courses in one database.
    bot = run("try", "--db", str(db), stdin="")
    assert bot.returncode == 2 and "holds course 'own'" in bot.stderr


def test_a_new_course_version_keeps_outcomes_with_evidence(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own", exercise_set=ONE_EXERCISE)
    db = tmp_path / "own.db"
    assert run("import", str(course), db=db).returncode == 0
    answered = run(
        "try",
        "--course",
        str(course),
        "--db",
        str(db),
        stdin="/next\nThe city has a population of three million.\n",
    )
    assert answered.returncode == 0, answered.stderr

    # Renaming T1 (to which a learner's answer gave evidence) is refused, in one line.
    renamed = COURSE.replace("id: T1", "id: A1")
    write_course(course, course=renamed, exercise_set=ONE_EXERCISE.replace("[T1]", "[A1]"))
    refused = run("import", str(course), db=db)
    assert refused.returncode == 2
    message = refused.stderr.strip()
    assert "\n" not in message
    assert "course.yaml [outcomes]: outcome 'T1' is missing" in message
    assert "1 learner(s)" in message and "keep it" in message

    # Adding an outcome makes the next version of the course.
    grown = COURSE + "  - id: T3\n    title: Register\n"
    write_course(course, course=grown, exercise_set=ONE_EXERCISE)
    accepted = run("import", str(course), db=db)
    assert accepted.returncode == 0, accepted.stderr
    assert "✓ course own v2: outcomes added: T3" in accepted.stdout


def test_summary_and_export_report_the_course_the_database_holds(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own", exercise_set=ONE_EXERCISE)
    db = tmp_path / "own.db"
    assert run("import", str(course), db=db).returncode == 0
    script = "/next\nThe city has a population of three million.\n"
    assert run("try", "--course", str(course), "--db", str(db), stdin=script).returncode == 0
    mastery = sqlite3.connect(db).execute("SELECT outcome_id, value FROM mastery").fetchall()
    assert [o for o, _ in mastery] == ["T1"]
    real = round(100 * mastery[0][1])
    assert real >= 90

    # No TRANSTUTOR_EXERCISES: the course comes from the database, not the bundled one.
    summary = run("summary", db=db)
    assert summary.returncode == 0, summary.stderr
    assert "Own course" in summary.stdout and "LO1" not in summary.stdout
    assert re.search(rf"T1 [█░]{{10}} {real}%", summary.stdout), summary.stdout
    assert re.search(r"T2 [█░]{10} 0%", summary.stdout)

    exported = run("export", "--output", "-", db=db)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    assert "LO1" not in rows[0] and float(rows[0]["T1"]) == pytest.approx(
        100 * mastery[0][1], abs=0.1
    )

    # A TRANSTUTOR_EXERCISES of another course is one clear line, never silent zeros.
    mixed = run("summary", db=db, env={"TRANSTUTOR_EXERCISES": str(bundled_exercises())})
    assert mixed.returncode == 0
    assert mixed.stderr.strip().count("\n") == 0
    assert "is course 'itic', but" in mixed.stderr and "reporting 'own'" in mixed.stderr
    assert re.search(rf"T1 [█░]{{10}} {real}%", mixed.stdout)


def test_the_atrisk_hint_uses_the_command_lines_own_syntax(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own")
    db = tmp_path / "own.db"
    assert run("import", str(course), db=db).returncode == 0
    found = run("summary", "--atrisk", "--inactive", "14", "--below", "60", db=db)
    assert found.returncode == 0, found.stderr
    assert "/atrisk" not in found.stdout
    assert "inactive ≥ 14 d · mean mastery below 60%" in found.stdout
    assert "transtutor summary --atrisk --inactive 14" in found.stdout
    wrong = run("summary", "--atrisk", "--below", "300", db=db)
    assert wrong.returncode == 1 and "/atrisk" not in wrong.stderr
    assert wrong.stderr.startswith("--below 300: use --inactive DAYS")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_subcommand_help_describes_it_and_its_settings(name: str) -> None:
    shown = run(name, "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    page = PAGES[name]
    assert " ".join(page.description.split()) in text
    assert "settings:" in text and f"example: {page.example}" in text
    for setting in re.findall(r"TRANSTUTOR_[A-Z_]+", page.settings):
        assert setting in text
    if name != "init":  # init reads no setting; every other command does
        assert "TRANSTUTOR_" in page.settings


def test_version_and_the_command_list() -> None:
    shown = run("--version")
    assert shown.returncode == 0 and re.fullmatch(r"transtutor \d+\.\d+\.\d+\n", shown.stdout)
    listed = run("--help").stdout
    for name in PAGES:
        assert name in listed


# -- the bundled rubrics serve any course ---------------------------------------------------


def own_course(tmp_path: Path, extra: str = "") -> Course:
    write_course(tmp_path / "own", course=COURSE + extra)
    return load_course(tmp_path / "own" / "course.yaml")


def test_bundled_rubrics_give_evidence_to_the_exercises_outcomes(tmp_path: Path) -> None:
    library = load_library(write_course(tmp_path / "own"), bundled_rubrics())
    assert len(library.notes) == 1 and "criteria_outcomes" in library.notes[0]
    rubric = library.rubrics["zh-en-default"]
    assert all(c.outcomes == [] for c in rubric.criteria)
    review = library.review_rubrics["project-review"]
    assert all(c.outcomes == ["T1", "T2"] for c in review.criteria)

    scorer = Scorer(library.rubrics)
    exercise_set = library.sets["own-zh-en"]
    second = exercise_set.exercises[1]
    result = scorer.score_exercise(second, exercise_set, "AI can help translators work faster.")
    assert set(result.evidence) == {"T1", "T2"}  # the glossary check's evidence included


def test_criteria_outcomes_maps_bundled_criteria(tmp_path: Path) -> None:
    course = own_course(tmp_path, "criteria_outcomes:\n  terminology: T2\n  numbers: [T1, T2]\n")
    bound = load_course_rubrics(course, [bundled_rubrics()])
    criteria = {c.id: c.outcomes for c in bound.rubrics["en-zh-default"].criteria}
    assert criteria["terminology"] == ["T2"] and criteria["numbers"] == ["T1", "T2"]
    assert criteria["length"] == []
    assert "terminology" not in bound.notes[0]
    review = {c.id: c.outcomes for c in bound.reviews["project-review"].criteria}
    assert review["terminology"] == ["T2"]


def test_mistakes_in_criteria_outcomes_are_located(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as unknown_outcome:
        own_course(tmp_path, "criteria_outcomes: {numbers: T7}\n")
    assert "course.yaml [criteria_outcomes]" in str(unknown_outcome.value.problems[0])
    assert "unknown outcome 'T7'; the course has T1, T2" in str(unknown_outcome.value)

    course = own_course(tmp_path, "criteria_outcomes: {numbrs: T1}\n")
    with pytest.raises(ImportRejected) as unknown_criterion:
        load_course_rubrics(course, [bundled_rubrics()])
    problem = str(unknown_criterion.value.problems[0])
    assert "course.yaml [criteria_outcomes.numbrs]: no rubric has a criterion 'numbrs'" in problem


def test_an_own_rubric_naming_an_unknown_outcome_says_how_to_fix_it(tmp_path: Path) -> None:
    course_dir = write_course(tmp_path / "own")
    (course_dir / "rubrics").mkdir()
    rubric = (bundled_rubrics() / "zh-en-default.yaml").read_text(encoding="utf-8")
    (course_dir / "rubrics" / "mine.yaml").write_text(
        rubric.replace("id: zh-en-default", "id: mine"), encoding="utf-8"
    )
    course = load_course(course_dir / "course.yaml")
    with pytest.raises(ImportRejected) as refused:
        load_course_rubrics(course, rubric_dirs(course_dir, bundled_rubrics()))
    first = str(refused.value.problems[0])
    assert str(course_dir / "rubrics" / "mine.yaml") in first
    assert "criterion terminology [outcomes]: unknown outcome 'LO2'" in first
    assert "criteria_outcomes: {terminology: T1}" in first

    # Found in DIR/rubrics/ without a setting, and replacing a bundled rubric of the same id.
    (course_dir / "rubrics" / "mine.yaml").write_text(
        rubric.replace("[LO1]", "[T1]")
        .replace("[LO2]", "[T2]")
        .replace("[LO3]", "[T1]")
        .replace("[LO4]", "[T1]")
        .replace("[LO5]", "[T1]"),
        encoding="utf-8",
    )
    library = load_library(course_dir, bundled_rubrics())
    own = {c.id: c.outcomes for c in library.rubrics["zh-en-default"].criteria}
    assert own["terminology"] == ["T2"] and own["numbers"] == ["T1"]


def test_a_set_file_is_checked_against_the_course_beside_it(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own")
    imported = run("import", str(course / "own-zh-en.yaml"), db=tmp_path / "own.db")
    assert imported.returncode == 0, imported.stderr
    assert "✓ course own v1: outcomes T1, T2" in imported.stdout


def test_try_keeps_every_file_the_bot_sends(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own")
    data = tmp_path / "data"
    data.mkdir()
    here = tmp_path / "checkout"
    here.mkdir()
    for _ in range(2):
        chat = run(
            "try",
            "--course",
            str(course),
            "--db",
            str(data / "t.db"),
            cwd=here,
            stdin="/progress chart\n/mydata\n",
        )
        assert chat.returncode == 0, chat.stderr
    saved = data / "transtutor-files"
    names = sorted(p.name for p in saved.iterdir())
    assert names[:2] == ["progress-2.png", "progress.png"]
    assert len([n for n in names if n.endswith(".json")]) == 2  # /mydata, both sessions
    assert f"[picture saved to {saved / 'progress-2.png'}]" in chat.stdout
    assert f"[file saved to {saved}" in chat.stdout
    assert list(here.iterdir()) == []  # nothing written where the command ran

    # In memory, the files go to a temporary folder, named in the chat.
    memory = run("try", "--course", str(course), cwd=here, stdin="/progress chart\n")
    shown = re.search(r"\[picture saved to (\S+)\]", memory.stdout)
    assert shown and "transtutor-files" in shown[1] and Path(shown[1]).is_file()
    assert list(here.iterdir()) == []
    shutil.rmtree(Path(shown[1]).parent)


def test_checking_a_course_directory_leaves_the_database_alone(tmp_path: Path) -> None:
    course = write_course(tmp_path / "own")
    checked = run("check", str(course), db=tmp_path / "never.db")
    assert checked.returncode == 0, checked.stderr
    assert db_files(tmp_path) == []
