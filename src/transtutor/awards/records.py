"""Issued credentials as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Kind = Literal["course", "outcome"]
STATUS_LIST = "revocation-1"


@dataclass(frozen=True)
class IssuedCredential:
    id: str  # urn:uuid:...
    user_id: int | None  # None once the learner was forgotten
    kind: Kind
    outcome_id: str | None  # for an outcome badge
    status_index: int
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    name: str = ""  # the learner's, for coordinators' lists
    cohort_id: int | None = None
    language: str = "en"  # the learner's, to tell them


@dataclass(frozen=True)
class NewCredential:
    """A signed credential to store under the status index reserved for it."""

    id: str
    user_id: int
    kind: Kind
    outcome_id: str | None
    status_index: int
    document: dict[str, Any]
    issued_at: datetime
