"""The course and its exercise sets, every version kept (attempts point at the text answered)."""

from __future__ import annotations

import hashlib
import json

from transtutor.clock import utcnow
from transtutor.content.models import Course, ExerciseSet
from transtutor.content.records import ImportReceipt, SetInfo
from transtutor.store.connection import Rows, iso, to_json


class ContentStore(Rows):
    def save_course(self, course: Course) -> int:
        """Store the course; a changed one becomes its next version. Returns the version."""
        data = course.model_dump_json()
        with self.db.atomic():
            row = self._row("SELECT data, version FROM courses WHERE id = ?", [course.id])
            if row is not None and row["data"] == data:
                return int(row["version"])
            version = 1 if row is None else int(row["version"]) + 1
            self.db.table("courses").upsert(
                {
                    "id": course.id,
                    "title": to_json(course.title.model_dump()),
                    "mastery_threshold": course.mastery_threshold,
                    "min_attempts": course.min_attempts,
                    "data": data,
                    "updated_at": iso(utcnow()),
                    "version": version,
                },
                pk="id",
            )
            self.db.execute("DELETE FROM outcomes WHERE course_id = ?", [course.id])
            self.db.table("outcomes").insert_all(
                {
                    "course_id": course.id,
                    "id": o.id,
                    "position": i,
                    "title": to_json(o.title.model_dump()),
                }
                for i, o in enumerate(course.outcomes)
            )
        return version

    def stored_course(self) -> tuple[Course, int] | None:
        """The course this database holds and its version (the latest saved, should an old
        database hold several)."""
        row = self._row("SELECT data, version FROM courses ORDER BY updated_at DESC LIMIT 1")
        if row is None:
            return None
        return Course.model_validate_json(row["data"]), int(row["version"])

    def outcome_evidence(self) -> dict[str, tuple[int, int]]:
        """Per outcome with stored evidence: (learners, pieces of evidence)."""
        rows = self._rows(
            "SELECT outcome_id, COUNT(*) AS learners, SUM(attempts) AS pieces FROM mastery "
            "GROUP BY outcome_id"
        )
        return {str(r["outcome_id"]): (int(r["learners"]), int(r["pieces"] or 0)) for r in rows}

    def import_set(
        self,
        exercise_set: ExerciseSet,
        *,
        source_file: str = "",
        encoding: str = "",
        imported_by: int | None = None,
        only_if_new: bool = False,
    ) -> ImportReceipt:
        """Store a validated set as its next version (an identical re-import stores nothing).

        Earlier versions stay, so attempts keep pointing at the exercise text they answered.
        With `only_if_new` (content loaded at start), content that any earlier version already
        had is skipped, so a newer version uploaded in the chat, or a retirement, survives a
        restart.
        """
        data = exercise_set.model_dump_json()
        checksum = hashlib.sha256(data.encode()).hexdigest()
        count = len(exercise_set.exercises)
        with self.db.atomic():
            latest = self._row(
                "SELECT version, checksum, retired FROM exercise_sets WHERE id = ? "
                "ORDER BY version DESC LIMIT 1",
                [exercise_set.id],
            )
            if latest and latest["checksum"] == checksum and not latest["retired"]:
                return ImportReceipt(exercise_set.id, latest["version"], count, unchanged=True)
            if (
                latest
                and only_if_new
                and self._row(
                    "SELECT 1 FROM exercise_sets WHERE id = ? AND checksum = ?",
                    [exercise_set.id, checksum],
                )
            ):
                return ImportReceipt(exercise_set.id, latest["version"], count, unchanged=True)
            version = (latest["version"] + 1) if latest else 1
            self.db.table("exercise_sets").insert(
                {
                    "id": exercise_set.id,
                    "version": version,
                    "title": to_json(exercise_set.title.model_dump()),
                    "language_pair": exercise_set.language_pair,
                    "rubric": exercise_set.rubric,
                    "source_file": source_file,
                    "encoding": encoding,
                    "checksum": checksum,
                    "exercise_count": count,
                    "imported_at": iso(utcnow()),
                    "imported_by": imported_by,
                    "retired": 0,
                    "data": data,
                }
            )
            self.db.table("exercises").insert_all(
                {
                    "set_id": exercise_set.id,
                    "set_version": version,
                    "id": exercise.id,
                    "position": position,
                    "type": exercise.type.value,
                    "difficulty": exercise.difficulty,
                    "outcomes": to_json(exercise_set.outcomes_of(exercise)),
                    "data": exercise.model_dump_json(),
                }
                for position, exercise in enumerate(exercise_set.exercises)
            )
        return ImportReceipt(exercise_set.id, version, count, unchanged=False)

    def retire_set(self, set_id: str) -> bool:
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE exercise_sets SET retired = 1 WHERE id = ? AND retired = 0", [set_id]
            )
        return cursor.rowcount > 0

    def sets(self, include_retired: bool = False) -> list[SetInfo]:
        """The latest version of every set (students get the ones not retired)."""
        rows = self._rows(
            "SELECT id, version, title, language_pair, exercise_count, imported_at, retired "
            "FROM exercise_sets s WHERE version = "
            "(SELECT MAX(version) FROM exercise_sets WHERE id = s.id) ORDER BY id"
        )
        return [
            SetInfo(
                r["id"],
                r["version"],
                json.loads(r["title"]),
                r["language_pair"],
                r["exercise_count"],
                r["imported_at"],
                bool(r["retired"]),
            )
            for r in rows
            if include_retired or not r["retired"]
        ]

    def exercise_set(self, set_id: str, version: int | None = None) -> ExerciseSet | None:
        if version is None:
            data = self._value(
                "SELECT data FROM exercise_sets WHERE id = ? ORDER BY version DESC LIMIT 1",
                [set_id],
            )
        else:
            data = self._value(
                "SELECT data FROM exercise_sets WHERE id = ? AND version = ?", [set_id, version]
            )
        return ExerciseSet.model_validate_json(data) if data else None

    def set_versions(self, set_id: str) -> list[int]:
        rows = self._rows(
            "SELECT version FROM exercise_sets WHERE id = ? ORDER BY version", [set_id]
        )
        return [r["version"] for r in rows]
