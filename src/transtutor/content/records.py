"""Exercise sets as the store keeps them: versions, what an import did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetInfo:
    id: str
    version: int
    title: dict[str, str]
    language_pair: str
    exercise_count: int
    imported_at: str
    retired: bool


@dataclass(frozen=True)
class ImportReceipt:
    set_id: str
    version: int
    exercise_count: int
    unchanged: bool


@dataclass(frozen=True)
class StoredDraft:
    """An MT draft fetched for a post_edit exercise at import, kept for its source text."""

    set_id: str
    exercise_id: str
    text: str
    engine: str
    fetched_at: str
