"""Instructors' content work: uploading exercise sets, listing and retiring them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from transtutor.content.importer import Catalog, parse_caption, parse_set, size_problem
from transtutor.content.ports import CourseContent
from transtutor.content.readers import ReadError, format_of
from transtutor.content.records import ImportReceipt, SetInfo
from transtutor.errors import ImportRejected
from transtutor.infra.executors import Runner


class UploadRefused(ImportRejected):
    """A file refused before it is even downloaded (wrong type, too large)."""


@dataclass(frozen=True)
class Imported:
    receipt: ImportReceipt
    title: str
    language_pair: str
    encoding: str


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
    def __init__(self, runner: Runner, content: CourseContent, catalog: Catalog) -> None:
        self.runner = runner
        self.content = content
        self.catalog = catalog

    async def import_upload(
        self, data: bytes, file_name: str, caption: str | None, user_id: int
    ) -> Imported:
        """Validate the whole file (parsing runs off the event loop), then store it as the
        set's next version. ImportRejected lists every problem; nothing is written then."""
        parsed = await self.runner.cpu(
            parse_set, data, file_name, self.catalog, parse_caption(caption)
        )
        receipt = await self.runner.db(
            self.content.import_set,
            parsed.exercise_set,
            source_file=file_name,
            encoding=parsed.encoding,
            imported_by=user_id,
        )
        return Imported(
            receipt,
            parsed.exercise_set.title.en,
            parsed.exercise_set.language_pair,
            parsed.encoding,
        )

    async def sets(self) -> list[SetInfo]:
        return await self.runner.db(self.content.sets, True)

    async def retire(self, set_id: str) -> bool:
        return await self.runner.db(self.content.retire_set, set_id.strip())
