"""Deadline reminders: APScheduler 3 jobs derived from the projects in the database.

The database is the source of truth; the scheduler (AsyncIOScheduler, job store in the same
SQLite file) only says *when* to look. One job per project and lead time reminds everyone on
the project's deadline (`reminder:{project}:0:{lead}`); a student with an extension has jobs of
their own (`reminder:{project}:{user}:{lead}`). A job sends to the students of the project who
have not submitted and were not reminded at that lead yet, each reminder sent once through
`delivery.send_once` (claimed before, confirmed after sending), also across restarts and crashes.
At start the jobs are rebuilt from the database with `replace_existing=True`.

Rule for what fell due while the bot was down (documented in the README): such a reminder is
sent once when the bot is back, if the deadline is still ahead and no shorter lead is also due
(then only the most urgent one goes out); once the deadline has passed it is dropped. Each
message states the time actually left. Jobs use `misfire_grace_time=None` (never dropped by the
scheduler for lateness: the rule above decides) and `coalesce=True` (see `scheduling`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from transtutor.clock import utcnow
from transtutor.infra.delivery import send_once, send_wave
from transtutor.infra.executors import Runner
from transtutor.infra.scheduling import Schedule
from transtutor.people.records import Recipient
from transtutor.projects.ports import ReminderStores
from transtutor.projects.records import ProjectRecord, reminder_key

log = logging.getLogger(__name__)
JOB_PREFIX = "reminder:"
JOB_KIND = "reminder"
RETRY_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Reminder:
    recipient: Recipient
    project: ProjectRecord
    deadline: datetime
    left: timedelta
    lead_minutes: int


# Sends one reminder: True when delivered, False when the user cannot be reached (blocked the
# bot: not retried); an exception means "try again later".
Deliver = Callable[[Reminder], Awaitable[bool]]


def job_id(project_id: str, user_id: int, lead_minutes: int) -> str:
    return f"{JOB_PREFIX}{project_id}:{user_id}:{lead_minutes}"


@dataclass(frozen=True)
class PlannedJob:
    id: str
    at: datetime
    args: tuple[str, int, int]


def plan(store: ReminderStores, now: datetime) -> list[PlannedJob]:
    """Every reminder job the database calls for: waves not finished, deadlines still ahead."""
    finished = store.reminders.finished_waves()
    deadlines: list[tuple[ProjectRecord, int, datetime]] = []
    projects = {p.id: p for p in store.projects.projects()}
    for project in projects.values():
        deadlines.append((project, 0, project.deadline))
    for project_id, user_id, deadline in store.projects.extensions():
        if project_id in projects:
            deadlines.append((projects[project_id], user_id, deadline))
    jobs = []
    for project, user_id, deadline in deadlines:
        if deadline <= now:
            continue
        for lead in project.leads:
            if (project.id, user_id, lead) not in finished:
                jobs.append(
                    PlannedJob(
                        job_id(project.id, user_id, lead),
                        deadline - timedelta(minutes=lead),
                        (project.id, user_id, lead),
                    )
                )
    return jobs


class Reminders:
    def __init__(
        self,
        runner: Runner,
        store: ReminderStores,
        schedule: Schedule,
        deliver: Deliver,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.schedule = schedule
        self.scheduler = schedule.scheduler
        self.deliver = deliver
        self.clock = clock

    async def start(self, rebuild: bool = True) -> None:
        """Take the scheduled runs and rebuild the jobs from the database (tests pass
        rebuild=False to prove the job store alone keeps them)."""
        self.serve()
        if rebuild:
            await self.rebuild()

    def serve(self) -> None:
        """Take the scheduled runs (before the scheduler starts: see `Digests.serve`)."""
        self.schedule.serve(JOB_KIND, self.fire)

    def stop(self) -> None:
        self.schedule.unserve(JOB_KIND, self.fire)

    async def rebuild(self, *_: Any) -> int:
        """Make the scheduled jobs match the database; returns how many are planned."""
        planned = await self.runner.db(plan, self.store, self.clock())
        wanted = {job.id for job in planned}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job in planned:
            self._schedule(job.id, job.at, job.args)
        return len(planned)

    def _schedule(self, job: str, at: datetime, args: tuple[str, int, int]) -> None:
        self.schedule.once(job, at, JOB_KIND, *args)

    async def fire(self, project_id: str, user_id: int, lead_minutes: int) -> int:
        """Send the reminders of one wave that are still due; returns how many were sent."""
        now = self.clock()
        project = await self.runner.db(self.store.projects.project, project_id)
        if project is None:
            return 0
        if user_id:
            deadline, extended = await self.runner.db(
                self.store.projects.deadline_for, project, user_id
            )
            if not extended:
                return 0  # the extension is gone; the project-wide wave covers this student
        else:
            deadline = project.deadline
        due_at = deadline - timedelta(minutes=lead_minutes)
        if now < due_at:  # the deadline moved later since this run was planned
            self._schedule(
                job_id(project.id, user_id, lead_minutes),
                due_at,
                (project.id, user_id, lead_minutes),
            )
            return 0
        useful = now < deadline and not any(
            lead < lead_minutes and deadline - timedelta(minutes=lead) <= now
            for lead in project.leads
        )
        sent = failed = 0
        if useful:
            recipients = await self.runner.db(
                self.store.reminders.reminder_recipients, project, lead_minutes, user_id
            )
            results = await send_wave(
                partial(
                    self._send_one,
                    Reminder(recipient, project, deadline, deadline - now, lead_minutes),
                )
                for recipient in recipients
            )
            sent = results.count(True)
            failed = results.count(None)
        if failed:
            self._schedule(
                job_id(project.id, user_id, lead_minutes),
                now + RETRY_AFTER,
                (project.id, user_id, lead_minutes),
            )
        else:
            await self.runner.db(
                self.store.reminders.finish_wave, project.id, user_id, lead_minutes, now
            )
        log.info(
            "reminders %s/%s/%sm: %d sent, %d to retry%s",
            project.id,
            user_id or "all",
            lead_minutes,
            sent,
            failed,
            "" if useful else " (no longer useful: skipped)",
        )
        return sent

    async def _send_one(self, reminder: Reminder) -> bool | None:
        """True sent, False unreachable or sent already, None failed for now (retried)."""
        key = reminder_key(reminder.project.id, reminder.lead_minutes)
        return await send_once(
            self.runner,
            self.store.reminders,
            key,
            reminder.recipient.user_id,
            lambda: self.deliver(reminder),
            self.clock(),
        )
