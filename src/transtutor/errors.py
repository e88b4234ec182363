"""Domain errors. The chat and CLI edges turn these into user-facing messages."""

from __future__ import annotations

from dataclasses import dataclass


class TranstutorError(Exception):
    """Base of every error the core raises on purpose."""


class CommandFailed(TranstutorError):
    """A clear one-line reason an offline command could not do what was asked."""


class Rejected(TranstutorError):
    """A request refused with a reason the user can act on. The edge shows the message
    `{prefix}.{reason}` with `params` filled in (as plain text)."""

    prefix = "reject"

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(reason)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file, located precisely enough to fix it."""

    file: str
    where: str  # "exercise fin-001", "row 7", "line 12", "" for the whole file
    field: str  # "source", "references", "" when not about one field
    reason: str

    def __str__(self) -> str:
        location = ", ".join(part for part in (self.file, self.where) if part)
        field = f" [{self.field}]" if self.field else ""
        return f"{location}{field}: {self.reason}"


class ImportRejected(TranstutorError):
    """A content file failed validation; nothing from it was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


class UnknownRubric(TranstutorError):
    pass


class UnknownExercise(TranstutorError):
    pass
