"""What every benchmark prints first: the machine and the versions it ran on."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path

DEV_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mqm-ted-zhen-dev.jsonl"


def describe() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    packages = ", ".join(f"{p} {version(p)}" for p in ("sacrebleu", "aiogram", "sqlite-utils"))
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; {packages}"
    )
