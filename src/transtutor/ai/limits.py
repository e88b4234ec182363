"""Per-learner limits behind two tiny protocols: the daily request count and the opt-out.

The in-memory implementations serve tests and `transtutor try`; the store provides persistent
ones (a learner's count must survive a restart, or a restart would reset everyone's limit).
`learner` is an opaque key: it is used for counting only and never sent to the provider.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from datetime import date
from typing import Protocol


class UsageCounter(Protocol):
    async def take(self, learner: Hashable, day: date, limit: int) -> bool:
        """Count one request for the learner on that day if fewer than `limit` were counted;
        False (and nothing counted) when the limit is reached. Atomic."""

    async def give_back(self, learner: Hashable, day: date) -> None:
        """Uncount one request of that day: the provider failed, the learner got nothing."""

    async def used(self, learner: Hashable, day: date) -> int:
        """Requests counted for the learner on that day."""


class OptOuts(Protocol):
    async def ai_off(self, learner: Hashable) -> bool:
        """Has the learner turned AI assistance off (/ai off)?"""


class MemoryUsage:
    """UsageCounter in a dict, for tests and single-run tools."""

    def __init__(self) -> None:
        self._counts: dict[tuple[Hashable, date], int] = {}
        self._lock = asyncio.Lock()

    async def take(self, learner: Hashable, day: date, limit: int) -> bool:
        async with self._lock:
            count = self._counts.get((learner, day), 0)
            if count >= limit:
                return False
            self._counts[(learner, day)] = count + 1
            return True

    async def give_back(self, learner: Hashable, day: date) -> None:
        async with self._lock:
            count = self._counts.get((learner, day), 0)
            if count > 0:
                self._counts[(learner, day)] = count - 1

    async def used(self, learner: Hashable, day: date) -> int:
        return self._counts.get((learner, day), 0)


class MemoryOptOuts:
    """OptOuts in a set, for tests and single-run tools."""

    def __init__(self, off: set[Hashable] | None = None) -> None:
        self.off: set[Hashable] = set(off or ())

    async def ai_off(self, learner: Hashable) -> bool:
        return learner in self.off
