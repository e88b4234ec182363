"""Instructors' content work: uploading exercise sets, listing and retiring them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from pydantic import ValidationError

from transtutor.ai import Draft
from transtutor.clock import utcnow
from transtutor.content.drafting import (
    Drafting,
    HeldBack,
    drafted,
    needs_drafts,
    refused_without_provider,
)
from transtutor.content.importer import Catalog, parse_caption, parse_set, size_problem
from transtutor.content.models import ExerciseSet, ExerciseType
from transtutor.content.ports import CourseContent
from transtutor.content.readers import ReadError, format_of
from transtutor.content.records import ImportReceipt, SetInfo
from transtutor.errors import ImportRejected, Problem, Rejected
from transtutor.infra.executors import Runner


class DraftRefused(Rejected):
    """/drafts <set> <exercise> <text> refused: no such draft, or a text that cannot be one."""

    prefix = "drafts"


EDITED = " (edited by an instructor)"


class UploadRefused(ImportRejected):
    """A file refused before it is even downloaded (wrong type, too large)."""


@dataclass(frozen=True)
class Imported:
    receipt: ImportReceipt
    title: str
    language_pair: str
    encoding: str
    drafts: int = 0  # MT drafts the set's post_edit exercises got from the provider
    held_back: tuple[HeldBack, ...] = field(default=())  # exercises left out: no draft


def check_upload(file_name: str | None, size: int | None) -> str:
    """The file name to use, or UploadRefused: decided from the metadata Telegram sends."""
    name = PurePath(file_name or "upload").name
    try:
        format_of(name)
    except ReadError as exc:
        raise UploadRefused([exc.problem]) from exc
    problem = size_problem(size or 0, name)
    if problem is not None:
        raise UploadRefused([problem])
    return name


class Authoring:
    def __init__(
        self,
        runner: Runner,
        content: CourseContent,
        catalog: Catalog,
        drafting: Drafting | None = None,
    ) -> None:
        self.runner = runner
        self.content = content
        self.catalog = catalog
        self.drafting = drafting

    async def import_upload(
        self, data: bytes, file_name: str, caption: str | None, user_id: int
    ) -> Imported:
        """Validate the whole file (parsing runs off the event loop), then store it as the
        set's next version. ImportRejected lists every problem; nothing is written then."""
        parsed = await self.runner.cpu(
            parse_set, data, file_name, self.catalog, parse_caption(caption)
        )
        exercise_set, drafts = parsed.exercise_set, 0
        held_back: tuple[HeldBack, ...] = ()
        if needs_drafts(exercise_set):
            if self.drafting is None:
                raise refused_without_provider(exercise_set, file_name)
            drafted = await self.drafting.complete(exercise_set, file_name)
            if drafted.exercise_set is None:
                reasons = ", ".join(sorted({h.reason for h in drafted.held_back}))
                raise ImportRejected(
                    [
                        Problem(
                            file_name,
                            "",
                            "mt",
                            f"no MT draft could be had from the AI provider ({reasons}); "
                            "nothing was imported: send the file again later",
                        )
                    ]
                )
            exercise_set = drafted.exercise_set
            drafts, held_back = drafted.fetched + drafted.reused, drafted.held_back
        receipt = await self.runner.db(
            self.content.import_set,
            exercise_set,
            source_file=file_name,
            encoding=parsed.encoding,
            imported_by=user_id,
        )
        return Imported(
            receipt,
            parsed.exercise_set.title.en,
            parsed.exercise_set.language_pair,
            parsed.encoding,
            drafts,
            held_back,
        )

    async def sets(self) -> list[SetInfo]:
        return await self.runner.db(self.content.sets, True)

    async def latest(self, set_id: str) -> ExerciseSet | None:
        """The set's latest version (for /drafts: the drafts it was stored with)."""
        return await self.runner.db(self.content.exercise_set, set_id.strip())

    async def replace_draft(
        self, set_id: str, exercise_id: str, text: str, user_id: int
    ) -> ImportReceipt:
        """An instructor's own version of a fetched MT draft, stored as the set's next version
        (attempts on earlier versions keep theirs) and kept as the draft for later imports."""
        exercise_set = await self.latest(set_id)
        exercises = exercise_set.exercises if exercise_set is not None else []
        exercise = next((e for e in exercises if e.id == exercise_id), None)
        if (
            exercise_set is None
            or exercise is None
            or exercise.type is not ExerciseType.post_edit
            or not exercise.mt_engine
        ):
            raise DraftRefused("not_found", set_id=set_id, exercise_id=exercise_id)
        engine = exercise.mt_engine.removesuffix(EDITED) + EDITED
        try:
            replaced = drafted(exercise, Draft(text, engine))
        except ValidationError:
            raise DraftRefused("bad_text") from None
        exercises = [replaced if e.id == exercise_id else e for e in exercise_set.exercises]
        if self.drafting is not None:
            await self.runner.db(
                self.drafting.store.save_draft,
                set_id,
                exercise_id,
                exercise.source,
                replaced.mt or "",
                engine,
                utcnow(),
            )
        return await self.runner.db(
            self.content.import_set,
            exercise_set.model_copy(update={"exercises": exercises}),
            source_file=f"/drafts {exercise_id}",
            imported_by=user_id,
        )

    async def retire(self, set_id: str) -> bool:
        return await self.runner.db(self.content.retire_set, set_id.strip())
