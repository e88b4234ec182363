"""Bad storage and logging settings: one line naming the setting, exit 2, nothing created."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_process import run
from transtutor.infra.dblock import DatabaseInUse, DatabaseLock


def junk(tmp_path: Path) -> Path:
    path = tmp_path / "junk.db"
    path.write_text("not a database")
    return path


def newer(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
        db.execute("CREATE TABLE t (x)")
    return path


def under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "afile").write_text("x")
    return tmp_path / "afile" / "t.db"


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing directory", lambda p: p / "typo" / "t.db", "the directory {p}/typo does not exist"),
    ("under a file", under_a_file, "{p}/afile is a file, not a directory"),
    ("a directory", lambda p: p, "{p} is a directory; name a file in it"),
    ("not SQLite", junk, "{p}/junk.db: the file is not a transtutor (SQLite) database"),
    ("newer version", newer, "written by a newer transtutor (schema 99; this version knows"),
    ("cannot be created", lambda p: Path("/proc/t.db"), "/proc/t.db: cannot open or write it"),
]


@pytest.mark.parametrize(("case", "make", "says"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_database_setting_is_one_line(
    tmp_path: Path, case: str, make: Callable[[Path], Path], says: str
) -> None:
    db = make(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = run("import", "exercises", db=db)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1, line
    assert line.startswith("configuration error: TRANSTUTOR_DB: ")
    assert says.format(p=tmp_path) in line
    assert sorted(tmp_path.rglob("*")) == before  # nothing created


def test_a_bad_log_level_is_one_line() -> None:
    result = run("check", "exercises", env={"TRANSTUTOR_LOG_LEVEL": "LOUD"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "configuration error: TRANSTUTOR_LOG_LEVEL: 'LOUD' is not a log level; use one of "
        "DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )


def test_the_database_lock_is_exclusive_and_says_who_holds_it(db_path: Path) -> None:
    held = r"in use by another transtutor process \(pid \d+ on "
    with DatabaseLock(db_path), pytest.raises(DatabaseInUse, match=held):
        DatabaseLock(db_path).acquire()
    with DatabaseLock(db_path):  # released on exit
        pass
