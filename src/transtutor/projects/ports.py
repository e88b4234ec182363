"""What projects, reviews and reminders need of a store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from transtutor.infra.delivery import Deliveries
from transtutor.learning.mastery import OutcomeMastery
from transtutor.learning.records import Evidence
from transtutor.people.records import Recipient, UserRecord
from transtutor.projects.grading import Rating
from transtutor.projects.records import ProjectRecord, ReviewRecord, SubmissionRecord


class ProjectRecords(Protocol):
    def create_project(
        self, project: ProjectRecord, created_by: int | None, now: datetime
    ) -> bool: ...
    def project(self, project_id: str) -> ProjectRecord | None: ...
    def projects(self) -> list[ProjectRecord]: ...
    def extend(
        self, project_id: str, user_id: int, deadline: datetime, granted_by: int | None
    ) -> None: ...
    def extensions(self) -> list[tuple[str, int, datetime]]: ...
    def deadline_for(self, project: ProjectRecord, user_id: int) -> tuple[datetime, bool]: ...
    def add_submission(
        self,
        project_id: str,
        user_id: int,
        text: str | None,
        file: tuple[str, str] | None,
        now: datetime,
        late: bool,
        update_id: int | None = None,
    ) -> int: ...
    def submission(self, submission_id: int) -> SubmissionRecord | None: ...
    def latest_submissions(self, user_id: int) -> dict[str, SubmissionRecord]: ...


class Grades(Protocol):
    def review_queue(self, reviewer_id: int, project_id: str | None = None) -> list[int]: ...
    def reviews(self, submission_id: int) -> list[ReviewRecord]: ...
    def save_grade(
        self,
        submission_id: int,
        reviewer_id: int,
        review: Sequence[Rating],
        score: float,
        comment: str,
        now: datetime,
    ) -> None: ...
    def reviewed_submissions(self, user_id: int) -> list[tuple[int, str]]: ...


class People(Protocol):
    def user(self, user_id: int) -> UserRecord | None: ...


class LearnerEvidence(Protocol):
    def mastery(self, user_id: int) -> dict[str, OutcomeMastery]: ...
    def attempt_evidence(self, user_id: int) -> list[Evidence]: ...
    def replace_mastery(
        self, user_id: int, records: Iterable[OutcomeMastery], now: datetime
    ) -> None: ...


class Reminders(Deliveries, Protocol):
    def reminder_recipients(
        self, project: ProjectRecord, lead_minutes: int, user_id: int = 0
    ) -> list[Recipient]: ...
    def finish_wave(self, project_id: str, user_id: int, lead: int, now: datetime) -> None: ...
    def finished_waves(self) -> set[tuple[str, int, int]]: ...


class ProjectStores(Protocol):
    @property
    def projects(self) -> ProjectRecords: ...
    @property
    def reviews(self) -> Grades: ...
    @property
    def learners(self) -> People: ...


class ReviewStores(ProjectStores, Protocol):
    @property
    def practice(self) -> LearnerEvidence: ...
    def transaction(self) -> AbstractContextManager[Any]: ...


class ReminderStores(Protocol):
    @property
    def projects(self) -> ProjectRecords: ...
    @property
    def reminders(self) -> Reminders: ...
