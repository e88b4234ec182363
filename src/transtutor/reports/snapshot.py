"""Coordinator reports: cohort summaries, at-risk learners, exports and one learner's detail.

Everything is computed from one `Snapshot`: the learners' facts read in a few grouped queries
(see `store.facts`), the projects and the personal deadlines, taken at one moment.
The summary, the at-risk list, the export and the weekly digest are plain functions of it, so
the chat, the command line and the digest always agree.

At-risk rules (thresholds in `RiskRules`, configurable and overridable per request):
- inactive: no practice attempt or project submission in the last `inactive_days` days
  (a learner who never did anything counts from the day they joined);
- below: enrolled at least `after_days` days ("late in the course" for them) and their mean
  mastery over the course outcomes is under `below`;
- missed: a project deadline (their own, if extended) has passed with nothing handed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Literal

from transtutor.content.models import Course
from transtutor.errors import Rejected
from transtutor.learning.progress import Progress, summarize
from transtutor.learning.records import AttemptLine
from transtutor.people.records import CohortRecord
from transtutor.projects.records import ProjectRecord
from transtutor.reports.facts import LearnerFacts
from transtutor.reports.ports import Facts, ReportStores


class ReportRejected(Rejected):
    """A report request that cannot be answered (unknown cohort, bad threshold, ...)."""

    prefix = "report"


@dataclass(frozen=True)
class RiskRules:
    inactive_days: int = 7
    below: float = 0.5  # mean mastery (0..1) under which a learner late in the course is at risk
    after_days: int = 28  # enrolled this long = late in the course for that learner

    def overridden(self, words: list[str]) -> RiskRules:
        """`inactive=14`, `below=60` (or `60%`, `0.6`), `after=21` replace the defaults."""
        changes: dict[str, Any] = {}
        for word in words:
            key, _, value = word.partition("=")
            key = key.strip().lower()
            value = value.strip().rstrip("%")
            if key == "inactive" and re.fullmatch(r"\d{1,3}", value) and int(value):
                changes["inactive_days"] = int(value)
            elif key == "after" and re.fullmatch(r"\d{1,4}", value):
                changes["after_days"] = int(value)
            elif key == "below" and re.fullmatch(r"\d{1,3}(\.\d+)?", value):
                number = float(value)
                number = number / 100 if number > 1 else number
                if not 0 < number <= 1:
                    raise ReportRejected("bad_rule", rule=word[:40])
                changes["below"] = number
            else:
                raise ReportRejected("bad_rule", rule=word[:40])
        return replace(self, **changes)


WorkState = Literal["reviewed", "submitted", "late", "missing", "open"]


@dataclass(frozen=True)
class WorkStatus:
    project: ProjectRecord
    state: WorkState
    deadline: datetime  # the learner's own (extension included)
    score: float | None = None  # mean review grade, 0..100


@dataclass(frozen=True)
class Reason:
    kind: Literal["inactive", "never", "below", "missed"]
    days: int = 0  # inactive: days since last activity; never: days since joining
    mean: float = 0.0  # below: mean mastery
    weakest: str = ""  # below: the weakest outcome
    project: str = ""  # missed
    deadline: datetime | None = None  # missed


@dataclass(frozen=True)
class AtRisk:
    learner: LearnerFacts
    reasons: list[Reason]


@dataclass(frozen=True)
class OutcomeSummary:
    outcome: str
    title: dict[str, str]
    mean: float  # 0..1, learners without evidence count as 0
    mastered: int  # learners who reached the threshold (with enough evidence)
    share: float  # mastered / learners


@dataclass(frozen=True)
class ProjectSummary:
    project: ProjectRecord
    learners: int  # the learners it is for
    submitted: int
    late: int
    reviewed: int
    missing: int  # deadline passed, nothing handed in
    mean_grade: float | None


@dataclass(frozen=True)
class Summary:
    course: Course
    cohort: str | None
    now: datetime
    window_days: int
    learners: int
    active: int  # did something in the last window_days
    attempts: int
    recent_attempts: int  # in the last window_days
    completed: int  # mastered every outcome
    outcomes: list[OutcomeSummary]
    projects: list[ProjectSummary]
    at_risk: int
    cohorts: list[CohortRecord]  # every cohort, when the summary is not of one


@dataclass(frozen=True)
class LearnerDetail:
    learner: LearnerFacts
    progress: Progress
    work: list[WorkStatus]
    reasons: list[Reason]
    recent: list[AttemptLine]


@dataclass(frozen=True)
class Snapshot:
    """The facts every report is computed from, taken at `now`."""

    course: Course
    now: datetime
    window_days: int
    cohort: CohortRecord | None
    learners: list[LearnerFacts]
    projects: list[ProjectRecord]
    extensions: dict[tuple[str, int], datetime] = field(default_factory=dict)
    cohorts: list[CohortRecord] = field(default_factory=list)
    _work: dict[int, list[WorkStatus]] = field(default_factory=dict, repr=False)

    @cached_property
    def outcomes(self) -> list[str]:
        return self.course.outcome_ids

    def work(self, learner: LearnerFacts) -> list[WorkStatus]:
        """The learner's status on each project meant for them (computed once per learner)."""
        known = self._work.get(learner.id)
        if known is not None:
            return known
        statuses = []
        for project in self.projects:
            if project.cohort_id not in (None, learner.cohort_id):
                continue
            deadline = self.extensions.get((project.id, learner.id), project.deadline)
            handed_in = learner.work.get(project.id)
            state: WorkState
            if handed_in is None:
                if deadline < learner.joined:
                    continue  # due before they joined: not theirs to hand in
                state = "missing" if deadline <= self.now else "open"
                statuses.append(WorkStatus(project, state, deadline))
                continue
            state = "late" if handed_in.late else "submitted"
            if handed_in.reviews:
                state = "reviewed"
            statuses.append(WorkStatus(project, state, deadline, handed_in.score))
        self._work[learner.id] = statuses
        return statuses

    def mean_mastery(self, learner: LearnerFacts) -> float:
        found = learner.mastery
        return sum(found[o].value for o in self.outcomes if o in found) / len(self.outcomes)

    def mastered(self, learner: LearnerFacts, outcome: str) -> bool:
        record = learner.mastery.get(outcome)
        return record is not None and record.mastered(
            self.course.mastery_threshold, self.course.min_attempts
        )


def read_snapshot(
    store: ReportStores,
    course: Course,
    now: datetime,
    window_days: int,
    cohort: CohortRecord | None = None,
    user_id: int | None = None,
) -> Snapshot:
    """The facts, read in one transaction so that they agree with each other."""
    with store.transaction():
        learners = store.facts.learner_facts(
            now - timedelta(days=window_days), cohort.id if cohort else None, user_id
        )
        extensions = {(p, u): d for p, u, d in store.projects.extensions()}
        projects = store.projects.projects()
        cohorts = store.facts.cohorts()
    return Snapshot(course, now, window_days, cohort, learners, projects, extensions, cohorts)


def find_cohort(facts: Facts, text: str) -> CohortRecord | None:
    """A cohort by name (any case), join code or number; None for no text (everyone)."""
    wanted = " ".join(text.split())
    if not wanted:
        return None
    cohorts = facts.cohorts()
    for cohort in cohorts:
        if wanted.casefold() in (cohort.name.casefold(), cohort.code.casefold(), str(cohort.id)):
            return cohort
    known = ", ".join(c.name for c in cohorts[:20]) or "—"
    raise ReportRejected("unknown_cohort", cohort=wanted[:64], known=known)


def risk_reasons(snapshot: Snapshot, learner: LearnerFacts, rules: RiskRules) -> list[Reason]:
    now = snapshot.now
    reasons = []
    last = learner.last_active
    if last is None:
        idle = (now - learner.joined).days
        if idle >= rules.inactive_days:
            reasons.append(Reason("never", days=idle))
    elif (idle := (now - last).days) >= rules.inactive_days:
        reasons.append(Reason("inactive", days=idle))
    if now - learner.joined >= timedelta(days=rules.after_days):
        mean = snapshot.mean_mastery(learner)
        if mean < rules.below:
            weakest = min(
                snapshot.outcomes,
                key=lambda o: learner.mastery[o].value if o in learner.mastery else 0.0,
            )
            reasons.append(Reason("below", mean=mean, weakest=weakest))
    for status in snapshot.work(learner):
        if status.state == "missing":
            reasons.append(Reason("missed", project=status.project.id, deadline=status.deadline))
    return reasons


def at_risk(snapshot: Snapshot, rules: RiskRules) -> list[AtRisk]:
    """Learners at risk, most reasons first, then the longest idle."""
    found = []
    for learner in snapshot.learners:
        reasons = risk_reasons(snapshot, learner, rules)
        if reasons:
            found.append(AtRisk(learner, reasons))
    never = datetime.min.replace(tzinfo=snapshot.now.tzinfo)
    found.sort(key=lambda r: (-len(r.reasons), r.learner.last_active or never, r.learner.id))
    return found


def outcome_summaries(snapshot: Snapshot) -> tuple[list[OutcomeSummary], int]:
    """Per outcome: mean mastery and who reached the threshold; and how many mastered all."""
    course = snapshot.course
    learners = snapshot.learners
    count = len(learners)
    threshold, minimum = course.mastery_threshold, course.min_attempts
    reached_all = dict.fromkeys((x.id for x in learners), True)
    rows = []
    for outcome in course.outcomes:
        total = 0.0
        reached = 0
        for learner in learners:
            record = learner.mastery.get(outcome.id)
            if record is not None:
                total += record.value
                if record.mastered(threshold, minimum):
                    reached += 1
                    continue
            reached_all[learner.id] = False
        rows.append(
            OutcomeSummary(
                outcome.id,
                outcome.title.model_dump(),
                total / count if count else 0.0,
                reached,
                reached / count if count else 0.0,
            )
        )
    return rows, sum(reached_all.values())


def summary(snapshot: Snapshot, rules: RiskRules, risky: list[AtRisk] | None = None) -> Summary:
    """`risky`: the at-risk list of this snapshot, if the caller has it already."""
    learners = snapshot.learners
    since = snapshot.now - timedelta(days=snapshot.window_days)
    outcomes, completed = outcome_summaries(snapshot)
    return Summary(
        course=snapshot.course,
        cohort=snapshot.cohort.name if snapshot.cohort else None,
        now=snapshot.now,
        window_days=snapshot.window_days,
        learners=len(learners),
        active=sum(1 for x in learners if x.last_active is not None and x.last_active >= since),
        attempts=sum(x.attempts for x in learners),
        recent_attempts=sum(x.recent_attempts for x in learners),
        completed=completed,
        outcomes=outcomes,
        projects=_project_summaries(snapshot),
        at_risk=len(at_risk(snapshot, rules) if risky is None else risky),
        cohorts=[] if snapshot.cohort else snapshot.cohorts,
    )


def _project_summaries(snapshot: Snapshot) -> list[ProjectSummary]:
    tally: dict[str, list[WorkStatus]] = {p.id: [] for p in snapshot.projects}
    for learner in snapshot.learners:
        for status in snapshot.work(learner):
            tally[status.project.id].append(status)
    summaries = []
    for project in snapshot.projects:
        statuses = tally[project.id]
        grades = [s.score for s in statuses if s.score is not None]
        summaries.append(
            ProjectSummary(
                project,
                learners=len(statuses),
                submitted=sum(s.state in ("reviewed", "submitted", "late") for s in statuses),
                late=sum(s.state == "late" for s in statuses),
                reviewed=sum(s.state == "reviewed" for s in statuses),
                missing=sum(s.state == "missing" for s in statuses),
                mean_grade=sum(grades) / len(grades) if grades else None,
            )
        )
    return summaries


def learner_detail(
    snapshot: Snapshot, recent: list[AttemptLine], rules: RiskRules
) -> LearnerDetail:
    learner = snapshot.learners[0]
    return LearnerDetail(
        learner,
        summarize(snapshot.course, learner.mastery, learner.attempts),
        snapshot.work(learner),
        risk_reasons(snapshot, learner, rules) if learner.role == "student" else [],
        recent,
    )
