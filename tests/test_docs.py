"""The walk-through in docs/content.md, run command by command as an instructor would."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- walkthrough: tests/test_docs.py runs every command of the next block -->"
# What the instructor types into `try` (step 3 of the walk-through suggests this answer).
CHAT = "/next\nThe city has a population of three million.\n/progress\n/progress chart\n"


def walkthrough() -> list[str]:
    text = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    block = re.search(r"```bash\n(.*?)```", after, re.S)
    assert block, "the walk-through's command block is missing"
    return [line for line in block[1].splitlines() if line.strip()]


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    commands = walkthrough()
    assert commands[0].startswith("transtutor init") and len(commands) >= 5
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    # `transtutor` as installed next to this Python (the same as after `pip install -e .`).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    outputs = {}
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            input=CHAT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs[command] = done.stdout

    chat = next(out for cmd, out in outputs.items() if " try " in f" {cmd} ")
    assert re.search(r"(9\d|100)/100", chat), chat
    assert "picture saved to" in chat and "transtutor-files" in chat
    assert re.search(r"T1 [█░]{10} \d+%", chat)

    with sqlite3.connect(tmp_path / "mycourse.db") as db:
        assert db.execute("SELECT id FROM courses").fetchall() == [("mycourse",)]
        assert db.execute("SELECT COUNT(*) FROM exercise_sets").fetchone()[0] == 3
    summary = next(out for cmd, out in outputs.items() if "summary" in cmd)
    # `try` kept nothing (in memory): the new course's database has no learners yet.
    assert "No learners yet" in summary
