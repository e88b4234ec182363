"""Coordinator reports on a real SQLite file: summary, at-risk rules, exports, learner detail,
and the weekly digest on a real scheduler."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from apscheduler.triggers.cron import CronTrigger

from tests.clock import START, Clock
from transtutor.content.library import Library, install
from transtutor.infra.executors import Runner
from transtutor.infra.scheduling import Schedule
from transtutor.learning.practice import record_attempt
from transtutor.learning.records import NewAttempt
from transtutor.people.records import Recipient
from transtutor.projects.grading import ratings
from transtutor.projects.records import ProjectRecord
from transtutor.projects.review import grade
from transtutor.reports.coordinator import Coordinator
from transtutor.reports.digest import Digest, Digests, last_run
from transtutor.reports.snapshot import ReportRejected, RiskRules
from transtutor.store import Store
from transtutor.store.threaded import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = START
MEI, FORMULA, LI, NEWCOMER = 11, 12, 13, 14
DAY = timedelta(days=1)


def attempt(store: Store, user_id: int, at: datetime, evidence: dict[str, float]) -> None:
    opened = store.practice.open_exercise(user_id, "fintech-zh-en", 1, "fin-001", at)
    done = NewAttempt(user_id, "fintech-zh-en", 1, "fin-001", "translate", "x", 70.0, {}, at)
    assert record_attempt(store, opened.token, done, evidence)


def build(store: Store, library: Library) -> None:
    """Four students (three in Class A), staff, one project due two days ago."""
    install(store.content, library)
    cohort = store.learners.create_cohort("Class A", "abc123", 1, NOW - 60 * DAY)
    for user_id, name, joined in (
        (MEI, "Mei", NOW - 30 * DAY),
        (FORMULA, '=HYPERLINK("http://x")', NOW - 30 * DAY),
        (LI, "李华", NOW - 40 * DAY),
        (NEWCOMER, "New", NOW - DAY),
    ):
        store.learners.touch_user(user_id, name, "en", joined)
        if user_id != NEWCOMER:
            store.learners.join_cohort(user_id, cohort)
    store.learners.touch_user(20, "Teacher", "en", NOW - 60 * DAY, role="instructor")
    store.learners.touch_user(30, "Coordinator", "zh", NOW - 60 * DAY, role="coordinator")
    store.learners.touch_user(40, "Admin", "en", NOW - 60 * DAY, role="admin")
    for _ in range(3):
        attempt(store, MEI, NOW - DAY, {"LO1": 0.9, "LO2": 0.9})
    attempt(store, FORMULA, NOW - 10 * DAY, {"LO1": 0.3})
    store.projects.create_project(
        ProjectRecord("P1", "Essay", NOW - 2 * DAY, (60,), "project-review", ("LO1",)),
        20,
        NOW - 20 * DAY,
    )
    submission_id = store.projects.add_submission("P1", MEI, "work", None, NOW - 3 * DAY, False)
    submission = store.projects.submission(submission_id)
    assert submission is not None
    rubric = library.review_rubrics["project-review"]
    grade(store, submission, 20, ratings(rubric, [3, 3, 3, 3, 3]), "", NOW - 2 * DAY)
    store.projects.extend("P1", FORMULA, NOW + 2 * DAY, 20)


@pytest.fixture
def database(db_path: Path, library: Library) -> Iterator[Database]:
    opened = Database.open(db_path)
    opened.runner.db_sync(build, opened.store, library)
    yield opened
    opened.close()


@pytest.fixture
def runner(database: Database) -> Runner:
    return database.runner


@pytest.fixture
def coordinator(database: Database, library: Library) -> Coordinator:
    return Coordinator(
        database.runner, database.reader, library.course, RiskRules(), SHANGHAI, Clock(NOW)
    )


def mastery(database: Database, user_id: int, outcome: str) -> float:
    return database.runner.db_sync(database.store.practice.mastery, user_id)[outcome].value


async def test_summary_counts_students_only_and_reads_mastery(
    coordinator: Coordinator, database: Database
) -> None:
    found = await coordinator.summary()
    assert found.learners == 4  # the instructor, coordinator and admin are not learners
    assert found.active == 1  # Mei practised yesterday; the others not in 7 days
    assert found.attempts == 4 and found.recent_attempts == 3
    lo1 = next(o for o in found.outcomes if o.outcome == "LO1")
    expected = (mastery(database, MEI, "LO1") + mastery(database, FORMULA, "LO1")) / 4
    assert lo1.mean == pytest.approx(expected)
    assert (lo1.mastered, lo1.share) == (1, 0.25)  # Mei: 4 pieces of evidence, over 80%
    lo5 = next(o for o in found.outcomes if o.outcome == "LO5")
    assert (lo5.mean, lo5.mastered) == (0.0, 0)
    assert found.completed == 0
    (p1,) = found.projects
    # The newcomer joined after P1 was due: it is not theirs. The extension keeps P1 open.
    assert (p1.learners, p1.submitted, p1.reviewed, p1.missing) == (3, 1, 1, 1)
    assert p1.mean_grade == pytest.approx(75)
    assert found.at_risk == 2


async def test_a_cohort_summary_and_an_unknown_cohort(coordinator: Coordinator) -> None:
    found = await coordinator.summary("class a")
    assert found.cohort == "Class A" and found.learners == 3
    assert (await coordinator.summary("abc123")).learners == 3  # by join code too
    with pytest.raises(ReportRejected) as caught:
        await coordinator.summary("Class B")
    assert caught.value.reason == "unknown_cohort"
    assert caught.value.params["known"] == "Class A"


async def test_at_risk_reasons_and_overrides(coordinator: Coordinator) -> None:
    _, rules, found = await coordinator.at_risk()
    assert rules == RiskRules()
    reasons = {entry.learner.id: [r.kind for r in entry.reasons] for entry in found}
    # The newcomer joined yesterday: not idle long enough, and P1 was due before they came.
    assert reasons == {LI: ["never", "below", "missed"], FORMULA: ["inactive", "below"]}
    assert [entry.learner.id for entry in found] == [LI, FORMULA]  # most reasons first
    inactive = next(r for r in found[1].reasons if r.kind == "inactive")
    assert inactive.days == 10
    missed = next(r for r in found[0].reasons if r.kind == "missed")
    assert (missed.project, missed.deadline) == ("P1", NOW - 2 * DAY)

    _, rules, relaxed = await coordinator.at_risk("Class A inactive=14 below=4%")
    assert rules == RiskRules(inactive_days=14, below=0.04)
    assert {e.learner.id: [r.kind for r in e.reasons] for e in relaxed} == {
        LI: ["never", "below", "missed"]
    }
    for bad in ("inactive=0", "below=200", "below=0", "soon=3", "after=x"):
        with pytest.raises(ReportRejected) as caught:
            await coordinator.at_risk(bad)
        assert caught.value.reason == "bad_rule"


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_the_csv_export_has_the_promised_columns(
    coordinator: Coordinator, database: Database, library: Library
) -> None:
    made = await coordinator.export()
    assert made.name.endswith(".csv") and made.learners == 4
    rows = csv_rows(made.data)
    assert [int(r["user_id"]) for r in rows] == [MEI, FORMULA, LI, NEWCOMER]
    columns = set(rows[0])
    assert {"name", "cohort", "last_active", "attempts", "outcomes_mastered", "at_risk"} <= columns
    assert set(library.course.outcome_ids) <= columns
    assert {"P1 status", "P1 grade"} <= columns
    mei, formula, li, newcomer = rows
    assert float(mei["LO1"]) == pytest.approx(100 * mastery(database, MEI, "LO1"), abs=0.05)
    assert (mei["attempts"], mei["outcomes_mastered"]) == ("3", "2")
    assert (mei["P1 status"], mei["P1 grade"]) == ("reviewed", "75.0")
    assert mei["last_active"] == "2026-11-30 10:00"  # course time
    assert formula["name"].startswith("'=")  # a spreadsheet must not run it
    assert formula["P1 status"] == "open"  # extended
    assert (li["name"], li["cohort"], li["P1 status"]) == ("李华", "Class A", "missing")
    assert "missed P1" in li["at_risk"] and li["last_active"] == ""
    assert (newcomer["P1 status"], newcomer["at_risk"]) == ("", "")


async def test_the_xlsx_export_has_the_same_numbers(coordinator: Coordinator) -> None:
    made = await coordinator.export("Class A xlsx")
    assert made.name.endswith(".xlsx") and made.cohort == "Class A"
    book = openpyxl.load_workbook(io.BytesIO(made.data))
    sheet = book["Learners"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_id) == [MEI, FORMULA, LI]
    assert by_id[MEI]["attempts"] == 3 and isinstance(by_id[MEI]["LO1"], float)
    assert by_id[MEI]["last_active"] == datetime(2026, 11, 30, 10, 0)
    # Shown exactly as the learner wrote it, and never run as a formula.
    assert by_id[FORMULA]["name"] == '=HYPERLINK("http://x")'
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[0].value == FORMULA)[1]
    assert cell.data_type == "s"
    outcomes = [list(r) for r in book["Outcomes"].iter_rows(values_only=True)]
    assert outcomes[0][0] == "outcome" and len(outcomes) == 7


async def test_one_learner_in_detail(coordinator: Coordinator) -> None:
    detail = await coordinator.learner(str(MEI))
    assert detail.learner.name == "Mei" and len(detail.recent) == 3
    assert [(w.project.id, w.state, w.score) for w in detail.work] == [
        ("P1", "reviewed", pytest.approx(75))
    ]
    assert detail.reasons == []
    lo1 = next(row for row in detail.progress.outcomes if row.outcome == "LO1")
    assert lo1.mastered
    staff = await coordinator.learner("20")
    assert staff.learner.role == "instructor" and staff.reasons == []
    for text, reason in (
        ("", "learner_usage"),
        ("@mei", "learner_usage"),
        ("999", "unknown_learner"),
    ):
        with pytest.raises(ReportRejected) as caught:
            await coordinator.learner(text)
        assert caught.value.reason == reason


# -- the weekly digest -----------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.got: list[tuple[int, Digest]] = []
        self.fail_for: set[int] = set()
        self.arrived = asyncio.Event()

    async def __call__(self, recipient: Recipient, digest: Digest) -> bool:
        if recipient.user_id in self.fail_for:
            raise ConnectionError("network down")
        self.got.append((recipient.user_id, digest))
        self.arrived.set()
        return True


def test_a_digest_stands_for_the_latest_cron_time() -> None:
    monday_nine = CronTrigger.from_crontab("0 9 * * mon", timezone=SHANGHAI)
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
    assert last_run(monday_nine, tuesday) == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert last_run(monday_nine, datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)).day == 30


async def test_the_digest_goes_to_coordinators_once_per_period(
    coordinator: Coordinator, database: Database
) -> None:
    mailbox = Mailbox()
    schedule = Schedule(SHANGHAI)
    clock = Clock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Monday 09:00 in Shanghai
    digests = Digests(coordinator, database.store, schedule, "0 9 * * mon", mailbox, clock)
    mailbox.fail_for = {40}
    assert await digests.fire() == 1
    assert [user for user, _ in mailbox.got] == [30]  # the coordinator; the admin failed
    assert schedule.scheduler.get_job("digest:retry") is not None
    mailbox.fail_for = set()
    clock.now += timedelta(minutes=10)
    assert await digests.fire() == 1  # the retry: only the admin is still owed this week's
    assert sorted(user for user, _ in mailbox.got) == [30, 40]
    digest = mailbox.got[0][1]
    assert digest.summary.learners == 4 and len(digest.at_risk) == 2
    assert digest.period == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    clock.now += 7 * DAY
    assert await digests.fire() == 2  # next week's


async def test_the_digest_job_persists_and_runs_on_the_real_scheduler(
    coordinator: Coordinator, database: Database, db_path: Path
) -> None:
    schedule = Schedule(SHANGHAI, db_path)
    weekly = Digests(coordinator, database.store, schedule, "0 9 * * mon", Mailbox())
    schedule.start()
    weekly.start()
    job = schedule.scheduler.get_job("digest")
    assert job is not None and job.next_run_time.weekday() == 0 and job.next_run_time.hour == 9
    schedule.shutdown()
    weekly.stop()

    restarted = Schedule(SHANGHAI, db_path)
    restarted.start()
    try:
        assert restarted.scheduler.get_job("digest") is not None  # from the job store alone
        mailbox = Mailbox()
        every_second = Digests(
            coordinator, database.store, restarted, CronTrigger(second="*"), mailbox
        )
        every_second.start()
        await asyncio.wait_for(mailbox.arrived.wait(), 10)
    finally:
        restarted.shutdown()
        every_second.stop()
    assert {user for user, _ in mailbox.got} <= {30, 40}


async def test_digests_can_be_switched_off(coordinator: Coordinator, database: Database) -> None:
    schedule = Schedule(SHANGHAI)
    Digests(coordinator, database.store, schedule, "0 9 * * mon", Mailbox()).start()
    assert schedule.scheduler.get_job("digest") is not None
    Digests(coordinator, database.store, schedule, None, Mailbox()).start()
    assert schedule.scheduler.get_job("digest") is None


async def test_reports_read_on_their_own_read_only_connection(database: Database) -> None:
    runner, store, reader = database.runner, database.store, database.reader
    await runner.db(store.learners.touch_user, 99, "Late joiner", "en", NOW)
    facts = await runner.read(reader.facts.learner_facts, NOW - 7 * DAY)
    assert 99 in {f.id for f in facts}  # the writer's commit is visible at once
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await runner.read(reader.learners.touch_user, 98, "Nobody", "en", NOW)
    assert runner.db_sync(store.learners.user, 98) is None
