"""MT drafts for post_edit exercises written without `mt`: fetched from the AI provider when
the set is imported, before any learner sees it, and stored with the set's version, so every
learner post-edits the same draft. A draft is fetched once: it is kept per exercise and source
text, and a restart or an identical re-import reuses it.

An exercise whose draft cannot be had is held back (left out of the stored version) and the
instructor is told; the next import (a restart, an upload) tries again. Without a provider
and without a stored draft, the set is refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from transtutor.ai import AiUnavailable, Draft, Provider, Reason, draft
from transtutor.clock import utcnow
from transtutor.content.models import MAX_ENGINE_CHARS, Exercise, ExerciseSet
from transtutor.content.ports import DraftStore
from transtutor.errors import ImportRejected, Problem
from transtutor.infra.executors import Runner

log = logging.getLogger("transtutor.drafts")


@dataclass(frozen=True)
class HeldBack:
    exercise_id: str
    reason: str  # an AiUnavailable reason: timeout, server_error ...


@dataclass(frozen=True)
class Drafted:
    """A set with its drafts in place; `exercise_set` is None when every exercise is held
    back (nothing to store)."""

    exercise_set: ExerciseSet | None
    fetched: int = 0
    reused: int = 0
    held_back: tuple[HeldBack, ...] = ()


def needs_drafts(exercise_set: ExerciseSet) -> list[Exercise]:
    return [e for e in exercise_set.exercises if e.needs_draft]


def refused_without_provider(exercise_set: ExerciseSet, file: str) -> ImportRejected:
    ids = ", ".join(e.id for e in needs_drafts(exercise_set))
    return ImportRejected(
        [
            Problem(
                file,
                f"exercises {ids}",
                "mt",
                "post_edit without 'mt' needs an MT draft from an AI provider, and none is "
                "configured: set TRANSTUTOR_AI_URL and TRANSTUTOR_AI_MODEL (see the README), "
                "or give each exercise its 'mt'",
            )
        ]
    )


def with_drafts(exercise_set: ExerciseSet, drafts: dict[str, Draft]) -> ExerciseSet | None:
    """The set with each drafted exercise's `mt` and `mt_engine` filled in and the exercises
    still without a draft left out; None if none is left."""
    exercises = []
    for exercise in exercise_set.exercises:
        if exercise.needs_draft:
            got = drafts.get(exercise.id)
            if got is None:
                continue
            exercise = drafted(exercise, got)
        exercises.append(exercise)
    if not exercises:
        return None
    return exercise_set.model_copy(update={"exercises": exercises})


def drafted(exercise: Exercise, got: Draft) -> Exercise:
    """The exercise with its draft, validated as if the author had written it (raises
    ValidationError for a draft that could not be stored: too long, control characters)."""
    data = exercise.model_dump()
    data.update(mt=got.text, mt_engine=got.engine[:MAX_ENGINE_CHARS])
    return Exercise.model_validate(data)


class Drafting:
    """Completes sets with MT drafts. `provider` may be None or not configured: stored
    drafts are still used, and a set needing a new one is refused."""

    def __init__(
        self,
        runner: Runner,
        store: DraftStore,
        provider: Provider | None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.provider = provider
        self.clock = clock

    @property
    def can_fetch(self) -> bool:
        return self.provider is not None and self.provider.configured

    async def complete(self, exercise_set: ExerciseSet, file: str = "") -> Drafted:
        """The set ready to store. Raises ImportRejected when a draft is needed and no
        provider is configured; a draft the provider fails to give holds its exercise back."""
        needing = needs_drafts(exercise_set)
        if not needing:
            return Drafted(exercise_set)
        drafts: dict[str, Draft] = {}
        missing = []
        for exercise in needing:
            stored = await self.runner.db(
                self.store.draft, exercise_set.id, exercise.id, exercise.source
            )
            if stored is None:
                missing.append(exercise)
            else:
                drafts[exercise.id] = Draft(stored.text, stored.engine)
        if missing and not self.can_fetch:
            raise refused_without_provider(exercise_set, file or exercise_set.id)
        results = await asyncio.gather(*(self._fetch(exercise_set, e) for e in missing))
        held = []
        for exercise, result in zip(missing, results, strict=True):
            if isinstance(result, Draft):
                drafts[exercise.id] = result
            else:
                held.append(HeldBack(exercise.id, result))
        if held:
            log.warning(
                "set %s: %d exercise(s) held back, no MT draft: %s",
                exercise_set.id,
                len(held),
                ", ".join(f"{h.exercise_id} ({h.reason})" for h in held),
            )
        return Drafted(
            with_drafts(exercise_set, drafts),
            fetched=len(missing) - len(held),
            reused=len(needing) - len(missing),
            held_back=tuple(held),
        )

    async def _fetch(self, exercise_set: ExerciseSet, exercise: Exercise) -> Draft | str:
        assert self.provider is not None
        try:
            got = await draft(
                self.provider,
                exercise.source,
                source_lang=exercise_set.source_lang,
                target_lang=exercise_set.target_lang,
            )
        except AiUnavailable as exc:
            return exc.reason.value
        try:
            drafted(exercise, got)
        except ValidationError:
            return Reason.bad_response.value
        await self.runner.db(
            self.store.save_draft,
            exercise_set.id,
            exercise.id,
            exercise.source,
            got.text,
            got.engine,
            self.clock(),
        )
        return got
