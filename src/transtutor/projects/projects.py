"""Projects with deadlines: creating them, extensions, students' submissions and deadlines.

Times are typed and shown in the course time zone (`TRANSTUTOR_TIMEZONE`) and stored in UTC.
Work handed in after the (personal) deadline is accepted and flagged late. A student may hand
in again; the latest submission is the one reviewed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from transtutor.clock import utcnow
from transtutor.content.models import SLUG, ReviewRubric
from transtutor.errors import Rejected
from transtutor.infra.executors import Runner
from transtutor.people.awaiting import Inputs
from transtutor.people.records import UserRecord
from transtutor.projects.grading import Combined, combine
from transtutor.projects.ports import ProjectStores
from transtutor.projects.records import ProjectRecord, SubmissionRecord

DEFAULT_LEADS = (72 * 60, 24 * 60, 60)
MAX_LEADS = 6
MAX_LEAD = timedelta(days=60)
MAX_TITLE = 120
MAX_TEXT = 4096  # one Telegram message
WHEN_FORMAT = "%Y-%m-%d %H:%M"
_LEAD = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?")


class ProjectRejected(Rejected):
    """A project request that cannot be done."""

    prefix = "project"


@dataclass(frozen=True)
class Standing:
    """A project as one student sees it."""

    project: ProjectRecord
    deadline: datetime
    extended: bool
    submission: SubmissionRecord | None
    grade: Combined | None


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    project: ProjectRecord
    at: datetime
    deadline: datetime
    late: bool


def parse_when(text: str, zone: ZoneInfo) -> datetime:
    """'2026-12-01 18:00' in the course time zone -> an aware datetime."""
    try:
        naive = datetime.strptime(" ".join(text.split()), WHEN_FORMAT)
    except ValueError:
        raise ProjectRejected("bad_when", value=text.strip()[:40]) from None
    return naive.replace(tzinfo=zone)


def parse_leads(text: str) -> tuple[int, ...]:
    """'72h,24h,1h30m,45m,2d' -> lead times in minutes, longest first."""
    leads = set()
    for part in (p.strip().lower() for p in text.split(",")):
        match = _LEAD.fullmatch(part)
        if not part or not match or not any(match.groups()):
            raise ProjectRejected("bad_lead", value=part[:20])
        days, hours, minutes = (int(g or 0) for g in match.groups())
        lead = timedelta(days=days, hours=hours, minutes=minutes)
        if not timedelta(minutes=1) <= lead <= MAX_LEAD:
            raise ProjectRejected("bad_lead", value=part[:20])
        leads.add(int(lead.total_seconds() // 60))
    if len(leads) > MAX_LEADS:
        raise ProjectRejected("too_many_leads", limit=str(MAX_LEADS))
    return tuple(sorted(leads, reverse=True))


class Projects:
    def __init__(
        self,
        runner: Runner,
        store: ProjectStores,
        review_rubrics: dict[str, ReviewRubric],
        zone: ZoneInfo,
        inputs: Inputs,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.rubrics = review_rubrics
        self.zone = zone
        self.inputs = inputs
        self.clock = clock
        # Set by the reminder scheduler so that new deadlines get their reminders.
        self.on_deadline_changed: Callable[[str, int], Awaitable[object]] | None = None

    # -- instructors -------------------------------------------------------------------------

    def parse_new(self, args: str) -> ProjectRecord:
        """`<project_id> <YYYY-MM-DD HH:MM> [remind=72h,24h,1h] [rubric=id] <title>`."""
        words = args.split()
        if len(words) < 4:
            raise ProjectRejected("new_usage")
        project_id, when = words[0], f"{words[1]} {words[2]}"
        if not re.fullmatch(SLUG, project_id) or len(project_id) > 32:
            raise ProjectRejected("bad_id", value=project_id[:40])
        deadline = parse_when(when, self.zone)
        if deadline <= self.clock():
            raise ProjectRejected("past", when=when)
        options = {"remind": "", "rubric": ""}
        rest = words[3:]
        while rest and "=" in rest[0] and rest[0].split("=", 1)[0].lower() in options:
            key, value = rest.pop(0).split("=", 1)
            options[key.lower()] = value
        leads = parse_leads(options["remind"]) if options["remind"] else DEFAULT_LEADS
        rubric = self._rubric(options["rubric"])
        title = " ".join(rest)
        if not title:
            raise ProjectRejected("new_usage")
        if len(title) > MAX_TITLE:
            raise ProjectRejected("title_long", limit=str(MAX_TITLE))
        return ProjectRecord(
            project_id, title, deadline, leads, rubric.id, tuple(rubric.outcomes), None
        )

    def _rubric(self, rubric_id: str) -> ReviewRubric:
        if not rubric_id:
            if not self.rubrics:
                raise ProjectRejected("no_rubric", known="-")
            return self.rubrics.get("project-review") or next(iter(self.rubrics.values()))
        if rubric_id not in self.rubrics:
            raise ProjectRejected("no_rubric", known=", ".join(sorted(self.rubrics)))
        return self.rubrics[rubric_id]

    def rubric_of(self, project: ProjectRecord) -> ReviewRubric:
        return self.rubrics.get(project.rubric) or self._rubric("")

    async def create(self, args: str, created_by: int) -> ProjectRecord:
        project = self.parse_new(args)
        if not await self.runner.db(
            self.store.projects.create_project, project, created_by, self.clock()
        ):
            raise ProjectRejected("exists", project_id=project.id)
        if self.on_deadline_changed is not None:
            await self.on_deadline_changed(project.id, 0)
        return project

    async def project(self, project_id: str) -> ProjectRecord:
        project = await self.runner.db(self.store.projects.project, project_id.strip())
        if project is None:
            raise ProjectRejected("unknown", project_id=project_id.strip()[:40])
        return project

    async def extend(
        self, args: str, granted_by: int
    ) -> tuple[ProjectRecord, UserRecord, datetime]:
        """`<project_id> <user_id> <YYYY-MM-DD HH:MM>`: a personal deadline for one student."""
        words = args.split()
        if len(words) != 4:
            raise ProjectRejected("extend_usage")
        project = await self.project(words[0])
        student = (
            await self.runner.db(self.store.learners.user, int(words[1]))
            if words[1].isdigit()
            else None
        )
        if student is None:
            raise ProjectRejected("unknown_user", value=words[1][:20])
        user_id = student.id
        deadline = parse_when(f"{words[2]} {words[3]}", self.zone)
        if deadline <= self.clock():
            raise ProjectRejected("past", when=f"{words[2]} {words[3]}")
        await self.runner.db(self.store.projects.extend, project.id, user_id, deadline, granted_by)
        if self.on_deadline_changed is not None:
            await self.on_deadline_changed(project.id, user_id)
        return project, student, deadline

    # -- students ----------------------------------------------------------------------------

    async def standings(self, user_id: int, cohort_id: int | None) -> list[Standing]:
        """The projects this student has, with their deadline, submission and grade."""
        return await self.runner.db(self._standings_in, user_id, cohort_id)

    def _standings_in(self, user_id: int, cohort_id: int | None) -> list[Standing]:
        latest = self.store.projects.latest_submissions(user_id)
        found = []
        for project in self.store.projects.projects():
            if project.cohort_id is not None and project.cohort_id != cohort_id:
                continue
            deadline, extended = self.store.projects.deadline_for(project, user_id)
            submission = latest.get(project.id)
            reviews = self.store.reviews.reviews(submission.id) if submission else []
            grade = combine(r.ratings for r in reviews) if reviews else None
            found.append(Standing(project, deadline, extended, submission, grade))
        return found

    async def begin(self, user_id: int, project_id: str) -> Standing:
        """Wait for this student's work for the project as their next message."""
        project = await self.project(project_id)
        deadline, extended = await self.runner.db(
            self.store.projects.deadline_for, project, user_id
        )
        await self.inputs.expect(user_id, "submission", project.id)
        return Standing(project, deadline, extended, None, None)

    async def submit(
        self,
        user_id: int,
        text: str | None,
        file: tuple[str, str] | None,
        update_id: int | None = None,
    ) -> Receipt:
        """Store the work the student was asked for (text, or a file id and name)."""
        waiting = self.inputs.get(user_id)
        if waiting is None or waiting.kind != "submission":
            raise ProjectRejected("not_waiting")
        if text is not None and not text.strip():
            raise ProjectRejected("empty")
        if text is not None and len(text) > MAX_TEXT:
            raise ProjectRejected("too_long", limit=str(MAX_TEXT))
        project = await self.project(waiting.ref)
        now = self.clock()
        receipt = await self.runner.db(
            self._submit_in, project, user_id, text, file, now, update_id
        )
        self.inputs.forget(user_id)  # the row went in the same transaction as the submission
        return receipt

    def _submit_in(
        self,
        project: ProjectRecord,
        user_id: int,
        text: str | None,
        file: tuple[str, str] | None,
        now: datetime,
        update_id: int | None,
    ) -> Receipt:
        deadline, _ = self.store.projects.deadline_for(project, user_id)
        late = now > deadline
        submission_id = self.store.projects.add_submission(
            project.id, user_id, text, file, now, late, update_id
        )
        return Receipt(submission_id, project, now, deadline, late)
