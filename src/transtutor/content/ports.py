"""What content work needs of a store: the course and exercise-set versions."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from transtutor.content.models import Course, ExerciseSet
from transtutor.content.records import ImportReceipt, SetInfo, StoredDraft


class CourseContent(Protocol):
    def save_course(self, course: Course) -> int: ...
    def stored_course(self) -> tuple[Course, int] | None: ...
    def outcome_evidence(self) -> dict[str, tuple[int, int]]: ...
    def import_set(
        self,
        exercise_set: ExerciseSet,
        *,
        source_file: str = "",
        encoding: str = "",
        imported_by: int | None = None,
        only_if_new: bool = False,
    ) -> ImportReceipt: ...
    def sets(self, include_retired: bool = False) -> list[SetInfo]: ...
    def retire_set(self, set_id: str) -> bool: ...
    def exercise_set(self, set_id: str, version: int | None = None) -> ExerciseSet | None: ...


class DraftStore(Protocol):
    """MT drafts fetched at import, kept per exercise and source text (fetched once)."""

    def draft(self, set_id: str, exercise_id: str, source: str) -> StoredDraft | None: ...
    def save_draft(
        self, set_id: str, exercise_id: str, source: str, text: str, engine: str, now: datetime
    ) -> None: ...
