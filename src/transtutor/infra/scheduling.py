"""The one APScheduler of the process, shared by reminders and the weekly digest.

An `AsyncIOScheduler` (it needs the running event loop: start it on dispatcher startup) whose
job store is the bot's own SQLite file, so jobs survive restarts. Jobs are importable
functions with plain-data arguments and explicit ids. Defaults chosen on purpose:
`misfire_grace_time=None` (a run that fell due while the bot was down is never dropped by the
scheduler; each job applies its own documented rule), `coalesce=True` (many missed runs become
one), `max_instances=1`. Run one bot process per database: two schedulers on one job store
would both run the jobs.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler


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
