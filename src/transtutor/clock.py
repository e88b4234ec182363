"""The one source of "now" for code that is not handed a clock (tests pass fixed times)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
