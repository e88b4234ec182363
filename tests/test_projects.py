"""The core of projects: parsing, late work, grading rules and reminders (real APScheduler)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.clock import START, Clock
from transtutor.content.library import Library
from transtutor.infra.scheduling import Schedule
from transtutor.people.awaiting import Inputs
from transtutor.projects.grading import Rating, combine, ratings
from transtutor.projects.projects import ProjectRejected, Projects, parse_leads, parse_when
from transtutor.projects.records import ProjectRecord
from transtutor.projects.reminders import Reminder, Reminders, plan
from transtutor.store.threaded import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    opened = Database.open(db_path)
    yield opened
    opened.close()


def add_students(db: Database, *ids: int) -> None:
    for user_id in ids:
        db.runner.db_sync(db.store.learners.touch_user, user_id, f"S{user_id}", "en", START)


def add_project(db: Database, deadline: datetime, leads: tuple[int, ...]) -> ProjectRecord:
    project = ProjectRecord("P1", "Essay", deadline, leads, "project-review", ("LO1",))
    assert db.runner.db_sync(db.store.projects.create_project, project, 1, START)
    return project


def submit(db: Database, user_id: int, at: datetime = START) -> None:
    db.runner.db_sync(db.store.projects.add_submission, "P1", user_id, "work", None, at, False)


# -- parsing ---------------------------------------------------------------------------------


def test_deadlines_are_read_in_the_course_time_zone() -> None:
    assert parse_when("2026-12-01  18:00", SHANGHAI) == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with pytest.raises(ProjectRejected) as caught:
        parse_when("12/01/2026 6pm", SHANGHAI)
    assert caught.value.reason == "bad_when"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("72h,24h,1h", (4320, 1440, 60)),
        ("2d, 30m ,1h30m", (2880, 90, 30)),
        ("1h,60m", (60,)),
        ("15min", (15,)),
    ],
)
def test_reminder_leads(text: str, minutes: tuple[int, ...]) -> None:
    assert parse_leads(text) == minutes


@pytest.mark.parametrize("text", ["", "soon", "0m", "61d", "1h,", "h", "1h,2h,3h,4h,5h,6h,7h"])
def test_bad_reminder_leads_are_refused(text: str) -> None:
    with pytest.raises(ProjectRejected):
        parse_leads(text)


async def test_work_after_the_personal_deadline_is_flagged_late(
    db: Database, library: Library
) -> None:
    clock = Clock()
    projects = Projects(
        db.runner,
        db.store,
        library.review_rubrics,
        SHANGHAI,
        Inputs(db.runner, db.store, clock),
        clock,
    )
    add_students(db, 10, 11)
    await projects.create("P1 2026-12-02 18:00 remind=1h Essay", 1)
    await projects.extend("P1 11 2026-12-04 18:00", 1)
    clock.now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # after P1's deadline, before 11's
    receipts = []
    for student in (10, 11):
        await projects.begin(student, "p1")
        receipts.append(await projects.submit(student, "my work", None))
    assert [r.late for r in receipts] == [True, False]
    assert receipts[0].at - receipts[0].deadline == timedelta(days=1)
    with pytest.raises(ProjectRejected) as caught:
        await projects.submit(10, "again, without /submit", None)
    assert caught.value.reason == "not_waiting"


# -- grading ---------------------------------------------------------------------------------


def test_two_reviews_combine_as_the_mean_per_criterion(library: Library) -> None:
    rubric = library.review_rubrics["project-review"]
    teacher = ratings(rubric, [4, 4, 4, 4, 4])
    mentor = ratings(rubric, [2, 2, 2, 2, 2])
    assert combine([teacher]).score == 100
    both = combine([teacher, mentor])
    assert both.score == pytest.approx(75) and both.reviews == 2
    assert both.evidence == {o: pytest.approx(0.75) for o in ("LO1", "LO2", "LO3", "LO4", "LO6")}
    with pytest.raises(ValueError):
        ratings(rubric, [4, 4])


def test_evidence_is_the_weighted_mean_of_an_outcomes_criteria() -> None:
    review = [Rating("a", 4, 0.75, ("LO1",)), Rating("b", 0, 0.25, ("LO1", "LO2"))]
    combined = combine([review])
    assert combined.evidence == {"LO1": pytest.approx(0.75), "LO2": 0.0}
    assert combined.score == pytest.approx(75)


# -- reminders -------------------------------------------------------------------------------


class Inbox:
    """A deliver function that records reminders (and can fail on demand)."""

    def __init__(self) -> None:
        self.got: list[Reminder] = []
        self.fail = False
        self.arrived = asyncio.Event()

    async def __call__(self, reminder: Reminder) -> bool:
        if self.fail:
            raise ConnectionError("network down")
        self.got.append(reminder)
        self.arrived.set()
        return True

    def users(self) -> list[int]:
        return [r.recipient.user_id for r in self.got]


def jobs_in_store(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM apscheduler_jobs ORDER BY id")]


async def test_a_reminder_job_survives_a_restart_and_is_sent_once(
    db: Database, db_path: Path
) -> None:
    add_students(db, 10, 11)
    now = datetime.now(UTC)
    add_project(db, now + timedelta(minutes=1, seconds=3), (1,))
    submit(db, 11)

    schedule = Schedule(SHANGHAI, db_path)
    first = Reminders(db.runner, db.store, schedule, Inbox())
    schedule.start()
    await first.start()
    schedule.shutdown()  # the bot stops before the reminder is due
    first.stop()
    assert jobs_in_store(db_path) == ["reminder:P1:0:1"]

    inbox = Inbox()
    schedule = Schedule(SHANGHAI, db_path)
    second = Reminders(db.runner, db.store, schedule, inbox)
    schedule.start()
    await second.start(rebuild=False)  # only what the job store kept
    try:
        await asyncio.wait_for(inbox.arrived.wait(), 30)
        while ("P1", 0, 1) not in db.runner.db_sync(db.store.reminders.finished_waves):
            await asyncio.sleep(0.05)
    finally:
        schedule.shutdown()
        second.stop()
    assert inbox.users() == [10]  # 11 has handed in
    assert timedelta(0) < inbox.got[0].left <= timedelta(minutes=1)

    third = Reminders(db.runner, db.store, Schedule(SHANGHAI, db_path), inbox)
    assert await third.rebuild() == 0  # the wave is done: nothing to plan after a restart
    assert await third.fire("P1", 0, 1) == 0
    assert inbox.users() == [10]


async def test_missed_reminders_follow_the_documented_rule(db: Database) -> None:
    add_students(db, 10)
    deadline = START + timedelta(days=2)
    add_project(db, deadline, (1440, 60))
    clock = Clock(deadline - timedelta(minutes=30))  # down through both reminder times
    inbox = Inbox()
    reminders = Reminders(db.runner, db.store, Schedule(SHANGHAI), inbox, clock=clock)
    assert await reminders.fire("P1", 0, 1440) == 0  # a shorter lead is also due: skipped
    assert await reminders.fire("P1", 0, 60) == 1  # the most urgent one is sent, late
    assert inbox.got[0].left == timedelta(minutes=30)
    clock.now = deadline + timedelta(minutes=1)
    assert await reminders.fire("P1", 0, 60) == 0  # past the deadline: dropped


async def test_a_reminder_that_fell_due_while_down_is_sent_once_when_back(
    db: Database,
) -> None:
    add_students(db, 10)
    deadline = START + timedelta(days=2)
    add_project(db, deadline, (1440, 60))
    clock = Clock(deadline - timedelta(hours=20))
    inbox = Inbox()
    reminders = Reminders(db.runner, db.store, Schedule(SHANGHAI), inbox, clock=clock)
    assert await reminders.rebuild() == 2
    assert await reminders.fire("P1", 0, 1440) == 1
    assert inbox.got[0].left == timedelta(hours=20)
    assert await reminders.fire("P1", 0, 1440) == 0  # run again (e.g. a second process)
    assert await reminders.rebuild() == 1  # only the 1 h reminder is left to plan


async def test_a_failed_send_is_released_and_retried(db: Database) -> None:
    add_students(db, 10)
    deadline = START + timedelta(days=1)
    add_project(db, deadline, (60,))
    inbox = Inbox()
    clock = Clock(deadline - timedelta(minutes=59))
    reminders = Reminders(db.runner, db.store, Schedule(SHANGHAI), inbox, clock=clock)
    inbox.fail = True
    assert await reminders.fire("P1", 0, 60) == 0
    assert reminders.scheduler.get_job("reminder:P1:0:60") is not None  # retry planned
    inbox.fail = False
    assert await reminders.fire("P1", 0, 60) == 1
    assert inbox.users() == [10]


async def test_an_extension_moves_that_students_reminders(db: Database) -> None:
    add_students(db, 10, 11)
    deadline = START + timedelta(days=1)
    add_project(db, deadline, (60,))
    db.runner.db_sync(db.store.projects.extend, "P1", 11, deadline + timedelta(days=2), 1)
    clock = Clock(deadline - timedelta(minutes=59))
    inbox = Inbox()
    reminders = Reminders(db.runner, db.store, Schedule(SHANGHAI), inbox, clock=clock)
    jobs = {job.id: job for job in reminders.scheduler.get_jobs()}
    assert not jobs
    await reminders.rebuild()
    planned = {job.id for job in reminders.scheduler.get_jobs()}
    assert planned == {"reminder:P1:0:60", "reminder:P1:11:60"}
    assert await reminders.fire("P1", 0, 60) == 1 and inbox.users() == [10]
    assert await reminders.fire("P1", 11, 60) == 0  # not yet: 11's deadline is later
    clock.now = deadline + timedelta(days=2) - timedelta(minutes=30)
    assert await reminders.fire("P1", 11, 60) == 1 and inbox.users() == [10, 11]


class FakeProjects:
    """Only what planning reads: services know the store by protocol, so a fake will do."""

    def __init__(self, projects: list[ProjectRecord], extensions: list[tuple[str, int, datetime]]):
        self._projects, self._extensions = projects, extensions

    def projects(self) -> list[ProjectRecord]:
        return self._projects

    def extensions(self) -> list[tuple[str, int, datetime]]:
        return self._extensions


class FakeReminders:
    def __init__(self, finished: set[tuple[str, int, int]]) -> None:
        self._finished = finished

    def finished_waves(self) -> set[tuple[str, int, int]]:
        return self._finished


class FakeStores:
    def __init__(self, projects: FakeProjects, reminders: FakeReminders) -> None:
        self.projects, self.reminders = projects, reminders


def test_planning_skips_finished_waves_and_passed_deadlines() -> None:
    soon = ProjectRecord("P1", "Essay", START + timedelta(days=2), (1440, 60), "r", ("LO1",))
    past = ProjectRecord("P0", "Old", START - timedelta(days=1), (60,), "r", ("LO1",))
    store = FakeStores(
        FakeProjects([soon, past], [("P1", 11, START + timedelta(days=4))]),
        FakeReminders({("P1", 0, 1440)}),
    )
    planned = {job.id: job.at for job in plan(store, START)}
    assert planned == {
        "reminder:P1:0:60": soon.deadline - timedelta(minutes=60),
        "reminder:P1:11:1440": START + timedelta(days=3),
        "reminder:P1:11:60": START + timedelta(days=4, minutes=-60),
    }
