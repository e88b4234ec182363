"""What is known about people: users, roles, invitations, cohorts, pending inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    language: str
    role: str
    cohort_id: int | None
    created: bool = False  # True when this call registered the user
    feedback_owed: bool = False  # an answer's feedback could not be sent (see owe_feedback)


@dataclass
class RoleChanges:
    """What making the database agree with the configured roles changed."""

    revoked: list[tuple[int, str, str]] = field(default_factory=list)  # id, was, now
    kept: list[tuple[int, str]] = field(default_factory=list)  # pre-tracking roles kept


@dataclass(frozen=True)
class RoleHolder:
    user_id: int
    name: str
    role: str
    source: str  # "config" or "chat"


@dataclass(frozen=True)
class InviteRecord:
    code: str
    role: str
    created_by: int | None
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class CohortRecord:
    id: int
    name: str
    code: str
    learners: int


@dataclass(frozen=True)
class Recipient:
    """Someone a message nobody asked for (a reminder, a digest) goes to."""

    user_id: int
    name: str
    language: str


@dataclass(frozen=True)
class PendingInput:
    """What a user's next message is for: project work (`submission`) or a review comment."""

    user_id: int
    kind: str
    ref: str
    data: dict[str, Any]
    since: datetime
