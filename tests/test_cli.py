"""The real `transtutor` command line, run as a process."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.cli_process import run
from transtutor.content.library import bundled_exercises, bundled_rubrics, load_library
from transtutor.store import Store
from transtutor_bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_check_passes_on_the_bundled_course() -> None:
    result = run("check", str(bundled_exercises()))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("✓") == 9  # the course and its eight sets
    assert "course itic, outcomes LO1, LO2, LO3, LO4, LO5, LO6" in result.stdout


def test_import_is_all_or_nothing(tmp_path: Path) -> None:
    sets = tmp_path / "sets"
    sets.mkdir()
    shutil.copy(bundled_exercises() / "fintech-zh-en.yaml", sets)
    (sets / "broken.yaml").write_text(
        "id: broken\ntitle: B\nlanguage_pair: zh-en\n"
        "outcomes: [LO1]\nexercises:\n  - id: b-1\n    source: 你好\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    refused = run("import", str(sets), db=db)
    assert refused.returncode == 1
    assert "broken.yaml" in refused.stderr and "b-1" in refused.stderr
    assert "nothing was imported" in refused.stderr
    assert (
        not db.exists()
        or sqlite3.connect(db).execute("SELECT COUNT(*) FROM exercise_sets").fetchone()[0] == 0
    )

    (sets / "broken.yaml").unlink()
    accepted = run("import", str(sets), db=db)
    assert accepted.returncode == 0, accepted.stderr
    assert "fintech-zh-en v1: 11 exercises imported" in accepted.stdout
    again = run("import", str(sets), db=db)
    assert "unchanged" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM exercises").fetchone()[0] == 11
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_score_batch_contract(tmp_path: Path) -> None:
    items = [
        {
            "id": "good",
            "source": "数字人民币试点已扩展到26个城市。",
            "candidate": "The e-CNY pilot has been expanded to 26 cities.",
            "references": ["The e-CNY pilot has been expanded to 26 cities."],
            "glossary": {"数字人民币": "e-CNY"},
        },
        {
            "id": "poor",
            "source": "数字人民币试点已扩展到26个城市。",
            "candidate": "Digital money test in some cities.",
            "references": ["The e-CNY pilot has been expanded to 26 cities."],
            "glossary": {"数字人民币": "e-CNY"},
            "source_lang": "zh",
            "target_lang": "en",
        },
        {
            "id": "zh",
            "source": "Solar power is cheap.",
            "candidate": "太阳能发电很便宜。",
            "references": ["太阳能发电很便宜。"],
        },
        {
            "id": "spot",
            "type": "error_spot",
            "source": "请勿吸烟。",
            "mt": "Please smoke.",
            "candidate": "Please smoke",
            "category": "Accuracy/Omission",
            "severity": "critical",
            "errors": [
                {"span": "Please smoke", "category": "Accuracy/Omission", "severity": "critical"}
            ],
        },
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n{oops\n", encoding="utf-8"
    )
    output = tmp_path / "out.jsonl"
    result = run("score-batch", "--input", str(source), "--output", str(output))
    assert result.returncode == 1  # one bad line
    assert "line 5: invalid JSON" in result.stderr
    records = {r["id"]: r for r in map(json.loads, output.read_text(encoding="utf-8").splitlines())}
    assert records["good"]["score"] >= 90
    assert records["poor"]["score"] < 40
    assert {"chrf", "bleu", "ter"} <= set(records["good"]["metrics"])
    failing = {c["id"] for c in records["poor"]["checks"] if c["status"] != "pass"}
    assert {"terminology", "numbers"} <= failing
    assert records["zh"]["score"] >= 90
    assert records["spot"]["score"] == 100
    assert records[None]["error"].startswith("invalid JSON")


def test_score_batch_scores_the_same_in_every_process(tmp_path: Path) -> None:
    """Python orders sets of strings differently in each process (hash randomization): no
    score may depend on that order. The golden zh->en answers and their critical variants,
    against the course references, scored under two hash seeds, agree line for line."""
    library = load_library(bundled_exercises(), bundled_rubrics())
    exercises = {e.id: e for s in library.sets.values() for e in s.exercises}
    golden = yaml.safe_load((ROOT / "benchmarks/golden/zh-en-paraphrases.yaml").read_text("utf-8"))
    lines = []
    for n, item in enumerate(golden):
        exercise = exercises[item["id"]]
        for answer in (item["answer"], item["critical"]):
            lines.append(
                {
                    "id": f"{n}:{answer == item['critical']}",
                    "source": exercise.source,
                    "candidate": answer,
                    "references": exercise.references,
                }
            )
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in lines), "utf-8")
    outputs = []
    for seed in ("1", "2"):
        output = tmp_path / f"out{seed}.jsonl"
        result = run(
            "score-batch",
            "--input",
            str(source),
            "--output",
            str(output),
            env={"PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(output.read_text(encoding="utf-8").splitlines())
    assert len(outputs[0]) == len(lines) == 2 * len(golden)
    assert outputs[0] == outputs[1]


def test_score_batch_unknown_rubric(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("", encoding="utf-8")
    result = run(
        "score-batch", "--input", str(source), "--output", str(tmp_path / "o"), "--rubric", "nope"
    )
    assert result.returncode == 2 and "unknown rubric 'nope'" in result.stderr


def test_bad_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run("check", str(bundled_exercises()), env={"TRANSTUTOR_TIMEZONE": "Mars/Olympus"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "configuration error: TRANSTUTOR_TIMEZONE: unknown time "
        "zone 'Mars/Olympus' (e.g. Asia/Shanghai)"
    )


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    help_text = run("--help").stdout
    commands = re.search(r"\{([a-z,\-]+)\}", help_text)
    assert commands, help_text
    for command in commands[1].split(","):
        assert f"transtutor {command}" in readme, command


def reports_db(tmp_path: Path) -> Path:
    """A database with the scenario of test_reports (two cohorts' worth of learners)."""
    from tests.test_reports import build
    from transtutor.content.library import bundled_rubrics, load_library

    db = tmp_path / "reports.db"
    store = Store.open(db)
    build(store, load_library(bundled_exercises(), bundled_rubrics()))
    store.close()
    return db


def test_offline_summary_and_export(tmp_path: Path) -> None:
    """As processes: the summary with everything, and the export."""
    db = reports_db(tmp_path)
    chart = tmp_path / "chart.png"
    shown = run("summary", "--atrisk", "--chart", str(chart), db=db)
    assert shown.returncode == 0, shown.stderr
    assert "Learners: 4" in shown.stdout and "<b>" not in shown.stdout
    assert "At risk" in shown.stdout and "李华" in shown.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")

    exported = run("export", "--output", str(tmp_path), db=db)
    assert exported.returncode == 0, exported.stderr
    (written,) = tmp_path.glob("itic-all-*.csv")
    rows = list(csv.DictReader(io.StringIO(written.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 4 and "LO1" in rows[0]


def test_offline_report_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In this process (each CLI process pays aiogram's import): cohorts, languages, formats
    and the refusals."""
    db = reports_db(tmp_path)
    for name in [k for k in os.environ if k.startswith("TRANSTUTOR_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TRANSTUTOR_DB", str(db))
    assert main(["summary", "--cohort", "class a", "--lang", "zh"]) == 0
    assert "学员：3" in capsys.readouterr().out
    workbook = tmp_path / "learners.xlsx"
    assert main(["export", "--format", "xlsx", "--output", str(workbook)]) == 0
    assert workbook.read_bytes()[:2] == b"PK"
    assert main(["export", "--cohort", "Nope"]) == 1
    assert "There is no cohort «Nope»" in capsys.readouterr().err
    monkeypatch.setenv("TRANSTUTOR_DB", str(tmp_path / "absent.db"))
    assert main(["summary"]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "absent.db").exists()
