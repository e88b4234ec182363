"""A user's own data: everything stored about them as a file (/mydata), and deleting it (/forget).

What counts as theirs is defined once, in `store.personal.OWN_ROWS` and `MENTIONS`, and both
commands read it from there, so the export and the deletion can never disagree. Rows that are
someone else's record but name the user (a grade they gave, a cohort they created) stay, with
the user's id taken out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from transtutor.clock import utcnow
from transtutor.infra.executors import Runner
from transtutor.people.ports import PrivacyStores

log = logging.getLogger(__name__)
EXPORT_FORMAT = "transtutor-mydata/1"

# Told when a user is forgotten, to drop what they keep in memory about that user.
Forgotten = Callable[[int], Awaitable[Any] | None]


def export_name(user_id: int, now: datetime) -> str:
    return f"transtutor-mydata-{user_id}-{now:%Y%m%d}.json"


class Privacy:
    def __init__(
        self,
        runner: Runner,
        store: PrivacyStores,
        course_id: str,
        on_forgotten: Iterable[Forgotten] = (),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.course_id = course_id
        self.on_forgotten = list(on_forgotten)
        self.clock = clock

    async def export(self, user_id: int) -> bytes:
        """Everything stored about the user, as readable UTF-8 JSON (one section per table)."""
        data = await self.runner.db(self.store.personal.personal_data, user_id)
        document = {
            "format": EXPORT_FORMAT,
            "course": self.course_id,
            "user_id": user_id,
            "exported_at": self.clock().isoformat(timespec="seconds"),
            **data,
        }
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

    async def forget(self, user_id: int) -> dict[str, int]:
        """Delete everything about the user; returns rows deleted per table (0s left out)."""
        deleted = await self.runner.db(self.store.personal.forget_user, user_id)
        for told in self.on_forgotten:
            result = told(user_id)
            if result is not None:
                await result
        log.info("user %s forgotten: %d rows deleted", user_id, sum(deleted.values()))
        return {table: count for table, count in deleted.items() if count}
