"""The weekly digest to coordinators: an APScheduler cron job in the course time zone.

The job (`digest`, cron from `TRANSTUTOR_DIGEST`, default Mondays 09:00) lives in the bot's
persistent job store. Each run belongs to a *period*, the cron time it stands for; a digest is
sent once per (period, coordinator) through `delivery.send_once`, also across restarts. A run
missed while the bot was down is made up once when it is back (APScheduler coalesces the
missed runs; `misfire_grace_time` None).
Recipients: every user with the coordinator or admin role who has talked to the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from transtutor.clock import utcnow
from transtutor.infra.delivery import send_once, send_wave
from transtutor.infra.scheduling import Schedule
from transtutor.people.records import Recipient
from transtutor.reports.coordinator import Coordinator
from transtutor.reports.ports import DigestStores
from transtutor.reports.snapshot import AtRisk, ProjectSummary, Summary, at_risk, summary

log = logging.getLogger(__name__)
JOB_ID = "digest"
RETRY_JOB_ID = "digest:retry"
RETRY_AFTER = timedelta(minutes=10)
RECIPIENT_ROLES = ("coordinator", "admin")
UPCOMING = timedelta(days=7)
DEFAULT_CRON = "0 9 * * mon"


@dataclass(frozen=True)
class Digest:
    period: datetime  # the scheduled time this digest stands for
    summary: Summary
    at_risk: list[AtRisk]
    upcoming: list[ProjectSummary]  # deadlines in the coming week


# Sends one digest: True delivered, False the user cannot be reached; raising = retry later.
Deliver = Callable[[Recipient, Digest], Awaitable[bool]]


def trigger(cron: str, schedule: Schedule) -> CronTrigger:
    """A crontab line (`minute hour day month weekday`) in the course time zone; ValueError
    if it is not one."""
    return CronTrigger.from_crontab(cron, timezone=schedule.zone)


def last_run(cron: BaseTrigger, now: datetime) -> datetime:
    """The latest cron time at or before `now` (the period a run stands for). Looks back over
    growing windows so that both a weekly and an every-second schedule take a few steps."""
    for window in (timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(days=8)):
        moment = cron.get_next_fire_time(None, now - window)
        if moment is None or moment > now:
            continue
        latest: datetime = moment
        while moment is not None and moment <= now:
            latest = moment
            moment = cron.get_next_fire_time(moment, moment + timedelta(microseconds=1))
        return latest
    return now


class Digests:
    def __init__(
        self,
        coordinator: Coordinator,
        store: DigestStores,
        schedule: Schedule,
        cron: str | BaseTrigger | None,
        deliver: Deliver,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.coordinator = coordinator
        self.runner = coordinator.runner
        self.store = store
        self.schedule = schedule
        self.trigger = trigger(cron, schedule) if isinstance(cron, str) else cron
        self.deliver = deliver
        self.clock = clock

    def serve(self) -> None:
        """Take the scheduled runs (before the scheduler starts: a run owed from before the
        start fires at once, and would find no one to run it)."""
        self.schedule.serve(JOB_ID, self.fire)

    def start(self) -> None:
        """Take the scheduled runs; (re)install the job, or remove it when digests are off."""
        self.serve()
        scheduler = self.schedule.scheduler
        if self.trigger is None:
            if scheduler.get_job(JOB_ID) is not None:
                scheduler.remove_job(JOB_ID)
            return
        existing = scheduler.get_job(JOB_ID)
        if existing is not None and repr(existing.trigger) == repr(self.trigger):
            return  # keep its next run time: a run missed while down is still owed
        self.schedule.repeat(JOB_ID, self.trigger, JOB_ID)

    def stop(self) -> None:
        self.schedule.unserve(JOB_ID, self.fire)

    async def build(self, now: datetime | None = None) -> Digest:
        now = now or self.clock()
        rules = self.coordinator.rules
        snapshot = await self.coordinator.snapshot()
        risky = at_risk(snapshot, rules)
        overview = summary(snapshot, rules, risky)
        upcoming = [p for p in overview.projects if now < p.project.deadline <= now + UPCOMING]
        period = last_run(self.trigger, now) if self.trigger else now
        return Digest(period, overview, risky, upcoming)

    async def fire(self) -> int:
        """Send this period's digest to every coordinator not yet sent it; how many were."""
        now = self.clock()
        digest = await self.build(now)
        key = digest.period.isoformat(timespec="minutes")
        recipients = await self.runner.db(self.store.learners.staff, RECIPIENT_ROLES)
        results = await send_wave(
            partial(
                send_once,
                self.runner,
                self.store.reminders,
                f"digest:{key}",
                recipient.user_id,
                partial(self.deliver, recipient, digest),
                now,
            )
            for recipient in recipients
        )
        sent, failed = results.count(True), results.count(None)
        if failed:
            self.schedule.once(RETRY_JOB_ID, now + RETRY_AFTER, JOB_ID)
        log.info("digest %s: %d sent, %d to retry", key, sent, failed)
        return sent
