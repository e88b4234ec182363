"""The real `transtutor` command line, run as a process, for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(
    *args: str,
    db: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real `transtutor` command line, with no TRANSTUTOR_ setting but the ones given."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRANSTUTOR_")}
    if db is not None:
        environment["TRANSTUTOR_DB"] = str(db)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "transtutor_bot.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        input=stdin,
        timeout=180,
        check=False,
    )
