"""The one APScheduler of the process, shared by reminders and the weekly digest.

An `AsyncIOScheduler` (it needs the running event loop: start it on dispatcher startup) whose
job store is the bot's own SQLite file, so jobs survive restarts. Jobs are importable
functions with plain-data arguments and explicit ids: every job calls `run_job(kind, ...)`,
which hands it to the service that `serve`s that kind in this process (none: the job is
logged and skipped), so a job never holds a live object. Defaults chosen on purpose:
`misfire_grace_time=None` (a run that fell due while the bot was down is never dropped by the
scheduler; each job applies its own documented rule), `coalesce=True` (many missed runs become
one), `max_instances=1`. Run one bot process per database: two schedulers on one job store
would both run the jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[Any]]
_serving: dict[str, Handler] = {}  # job kind -> the live service method that runs it


async def run_job(kind: str, *args: Any) -> None:
    """What every scheduled job calls (importable; the job keeps only `kind` and plain ids)."""
    handler = _serving.get(kind)
    if handler is None:
        log.warning("%s job %s fired with no bot running", kind, list(args))
        return
    await handler(*args)


class Schedule:
    def __init__(self, zone: ZoneInfo, database: Path | None = None) -> None:
        """`database` None keeps jobs in memory (an in-memory bot, tests)."""
        self.zone = zone
        self._stopping = False
        store: BaseJobStore = (
            SQLAlchemyJobStore(url=f"sqlite:///{database}") if database else MemoryJobStore()
        )
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": store},
            timezone=zone,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start()

    def shutdown(self) -> None:
        """Stop the scheduler; calling it again does nothing. (AsyncIOScheduler stops on its
        loop's next turn, so `scheduler.running` cannot tell whether it was asked already.)"""
        if self.scheduler.running and not self._stopping:
            self._stopping = True
            self.scheduler.shutdown(wait=False)

    def serve(self, kind: str, handler: Handler) -> None:
        """Let `handler` run this process's jobs of `kind` (the latest call wins)."""
        _serving[kind] = handler

    def unserve(self, kind: str, handler: Handler) -> None:
        if _serving.get(kind) == handler:
            del _serving[kind]

    def once(self, job_id: str, at: datetime, kind: str, *args: Any) -> None:
        """A job of `kind` at `at` (replacing any job with this id)."""
        self.scheduler.add_job(
            run_job, "date", run_date=at, args=[kind, *args], id=job_id, replace_existing=True
        )

    def repeat(self, job_id: str, trigger: BaseTrigger, kind: str, *args: Any) -> None:
        """A job of `kind` on every time of `trigger` (replacing any job with this id)."""
        self.scheduler.add_job(
            run_job, trigger, args=[kind, *args], id=job_id, replace_existing=True
        )
