"""The package layout the README draws, kept true: who may import whom.

Floors, lowest first: records and rules (content models, scoring, mastery, grading, the
`records`/`ports` modules) -> the store (SQLite) and infra -> services -> the composition
root and the Telegram adapter (`transtutor_bot`). An import never goes up a floor.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
CORE = SRC / "transtutor"


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(p): imports_of(p) for p in SRC.rglob("*.py")}


def importers_of(prefix: str) -> set[str]:
    return {
        name
        for name, imported in MODULES.items()
        if any(i == prefix or i.startswith(prefix + ".") for i in imported)
    }


def under(names: set[str], *prefixes: str) -> set[str]:
    return {n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)}


def test_all_sql_is_in_the_store() -> None:
    assert under(importers_of("sqlite_utils"), "transtutor", "transtutor_bot") <= under(
        importers_of("sqlite_utils"), "transtutor.store"
    )


def test_the_core_knows_nothing_of_telegram() -> None:
    core = under(set(MODULES), "transtutor")
    assert not core & importers_of("aiogram")
    assert not core & importers_of("transtutor_bot")


@pytest.mark.parametrize(
    "package",
    [
        "learning",
        "people",
        "projects",
        "reports",
        "content",
        "scoring",
        "credentials",
        "ai",
        "awards",
    ],
)
def test_services_and_rules_reach_the_store_only_through_their_ports(package: str) -> None:
    assert not under(importers_of("transtutor.store"), f"transtutor.{package}")


def test_records_and_ports_import_no_service() -> None:
    services = [
        "transtutor.learning.practice",
        "transtutor.people.access",
        "transtutor.people.awaiting",
        "transtutor.people.privacy",
        "transtutor.projects.projects",
        "transtutor.projects.review",
        "transtutor.projects.reminders",
        "transtutor.reports.coordinator",
        "transtutor.reports.digest",
        "transtutor.content.authoring",
        "transtutor.awards.awarding",
    ]
    lower = {
        n
        for n in MODULES
        if n.endswith((".records", ".ports", ".facts", ".mastery", ".grading", ".progress"))
        or n.startswith("transtutor.store")
    }
    for service in services:
        assert not lower & importers_of(service), service


def test_reports_do_not_import_the_practice_loop() -> None:
    assert not under(importers_of("transtutor.learning.practice"), "transtutor.reports")


def test_the_offline_report_commands_start_without_aiogram() -> None:
    probe = (
        "import sys, transtutor_bot.cli, transtutor_bot.report_commands, "
        "transtutor_bot.course_commands; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'aiogram', 'aiohttp'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_no_store_module_is_a_house_of_its_own() -> None:
    for path in (CORE / "store").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name
