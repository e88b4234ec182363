"""A clock tests set by hand (the core takes `clock` callables)."""

from __future__ import annotations

from datetime import UTC, datetime

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
