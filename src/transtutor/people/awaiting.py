"""What a user's next message is for, when it is not an answer to the open exercise.

After `/submit P1` the next document or text is project work; at the end of a review the next
text is the comment. The database holds these waits (so they survive a restart) and this class
keeps them in memory too, so telling an ordinary answer from one of these costs no query.
A wait lapses after INPUT_TTL, so a forgotten /submit does not swallow a later answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from transtutor.clock import utcnow
from transtutor.infra.executors import Runner
from transtutor.people.ports import AwaitingStores
from transtutor.people.records import PendingInput

INPUT_TTL = timedelta(hours=2)


class Inputs:
    def __init__(
        self, runner: Runner, store: AwaitingStores, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.runner = runner
        self.store = store
        self.clock = clock
        self._waiting = {p.user_id: p for p in runner.db_sync(self.store.awaiting.inputs)}

    def get(self, user_id: int) -> PendingInput | None:
        waiting = self._waiting.get(user_id)
        if waiting is None or self.clock() - waiting.since > INPUT_TTL:
            return None
        return waiting

    async def expect(
        self, user_id: int, kind: str, ref: str, data: dict[str, Any] | None = None
    ) -> PendingInput:
        waiting = PendingInput(user_id, kind, ref, data or {}, self.clock())
        await self.runner.db(
            self.store.awaiting.set_input, user_id, kind, ref, waiting.data, waiting.since
        )
        self._waiting[user_id] = waiting
        return waiting

    async def update(self, waiting: PendingInput, data: dict[str, Any]) -> PendingInput:
        """Keep waiting for the same thing with new step data (and a fresh time limit)."""
        return await self.expect(waiting.user_id, waiting.kind, waiting.ref, data)

    async def clear(self, user_id: int) -> bool:
        """Stop waiting; True if something was waited for."""
        had = self.get(user_id) is not None
        if self._waiting.pop(user_id, None) is not None:
            await self.runner.db(self.store.awaiting.clear_input, user_id)
        return had

    def forget(self, user_id: int) -> None:
        """Drop the cached wait after the store removed it in a transaction of its own."""
        self._waiting.pop(user_id, None)
