"""What the reports and the digest need of a store (the reports read a read-only one)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from transtutor.infra.delivery import Deliveries
from transtutor.learning.records import AttemptLine
from transtutor.people.records import CohortRecord, Recipient
from transtutor.projects.records import ProjectRecord
from transtutor.reports.facts import LearnerFacts


class Facts(Protocol):
    def cohorts(self) -> list[CohortRecord]: ...
    def learner_facts(
        self, since: datetime, cohort_id: int | None = None, user_id: int | None = None
    ) -> list[LearnerFacts]: ...


class Deadlines(Protocol):
    def projects(self) -> list[ProjectRecord]: ...
    def extensions(self) -> list[tuple[str, int, datetime]]: ...


class RecentAttempts(Protocol):
    def recent_attempts(self, user_id: int, limit: int) -> list[AttemptLine]: ...


class ReportStores(Protocol):
    @property
    def facts(self) -> Facts: ...
    @property
    def projects(self) -> Deadlines: ...
    @property
    def practice(self) -> RecentAttempts: ...
    def transaction(self) -> AbstractContextManager[Any]: ...


class Staff(Protocol):
    def staff(self, roles: tuple[str, ...]) -> list[Recipient]: ...


class DigestStores(Protocol):
    @property
    def learners(self) -> Staff: ...
    @property
    def reminders(self) -> Deliveries: ...
