"""`transtutor try` on the bundled course, driven through its standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_try_runs_a_session_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    script = "/next\n/hint\n/skip\n/next\nI do not know\n/progress\n/lang zh\n/help\n"
    result = subprocess.run(
        [sys.executable, "-m", "transtutor_bot.cli", "try", "--name", "Ada"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Welcome to Intelligent Translation" in out and "Ada" in out
    assert out.count("Source") >= 2 and "Skipped" in out
    assert "/100" in out and "chrF" in out
    assert "Your progress" in out and "LO1" in out
    assert "我能做什么" in out
    assert "<b>" not in out  # HTML is rendered for the terminal
    assert not list(tmp_path.glob("*.db"))  # in memory unless --db is given
