"""AI assistance for learners: /explain, the second opinion, the opt-out and the notice.

Nothing here runs before or inside the scoring of an answer: the channel calls these after
the feedback has been sent. Every failure is AiUnavailable (the learner reads its one line)
or NothingToExplain. Only texts go to the provider; the learner is known to it by nothing
(the user id is the key of the daily count and the opt-out, on this side only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from transtutor.ai import (
    Agreement,
    AiUnavailable,
    Explanation,
    Judgement,
    Provider,
    ProviderStats,
    Reason,
    agreement,
    explain,
    second_opinion,
)
from transtutor.clock import utcnow
from transtutor.content.models import Exercise, ExerciseSet
from transtutor.errors import TranstutorError
from transtutor.infra.executors import Runner
from transtutor.learning.ports import AiRecords, AssistStores
from transtutor.learning.records import AiUsage, LastAttempt

log = logging.getLogger("transtutor.ai")
# A learner told that the second opinion failed is not told again for this long, unless one
# has come through since: one line per outage, not one per answer until the circuit opens.
FAILURE_QUIET = timedelta(minutes=30)


class NothingToExplain(TranstutorError):
    """The learner has no scored answer yet (or its exercise is gone)."""


class StoredUsage:
    """The provider's UsageCounter on the store: a learner's count survives a restart."""

    def __init__(self, runner: Runner, records: AiRecords) -> None:
        self.runner = runner
        self.records = records

    async def take(self, learner: Hashable, day: date, limit: int) -> bool:
        return await self.runner.db(self.records.take_request, _user(learner), day, limit)

    async def give_back(self, learner: Hashable, day: date) -> None:
        await self.runner.db(self.records.give_back_request, _user(learner), day)

    async def used(self, learner: Hashable, day: date) -> int:
        return await self.runner.db(self.records.used_requests, _user(learner), day)


class StoredOptOuts:
    """The provider's OptOuts on the store (/ai off), remembered once read: the provider asks
    at every call, and a storage-thread hop per call would queue among answers being scored.
    `Assist.turn` and /forget keep it true."""

    def __init__(self, runner: Runner, records: AiRecords) -> None:
        self.runner = runner
        self.records = records
        self._known: dict[int, bool] = {}

    async def ai_off(self, learner: Hashable) -> bool:
        user_id = _user(learner)
        if user_id not in self._known:
            self._known[user_id] = await self.runner.db(self.records.ai_off, user_id)
        return self._known[user_id]

    def learnt(self, user_id: int, off: bool) -> None:
        self._known[user_id] = off

    def forget(self, user_id: int) -> None:
        self._known.pop(user_id, None)


def _user(learner: Hashable) -> int:
    if not isinstance(learner, int):
        raise TypeError("the AI features count learners by user id")
    return learner


@dataclass(frozen=True)
class Opinion:
    """The second opinion on an attempt, with its agreement with the offline findings."""

    judgement: Judgement
    agreement: Agreement
    offline: int  # errors the offline scorer found


@dataclass(frozen=True)
class ProviderUse:
    """For the coordinator: what is configured and what was asked of it."""

    configured: bool
    host: str
    model: str
    judge: bool
    stats: ProviderStats
    usage: AiUsage


class Assist:
    """The learner-facing AI uses over one Provider (not configured: every use says how to
    enable it). Background work (the second opinion) is tracked so shutdown can end it."""

    def __init__(
        self,
        runner: Runner,
        store: AssistStores,
        provider: Provider,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.provider = provider
        self.clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ready: set[int] = set()  # told once, and not turned off: no store read needed
        self._failure_told: dict[int, datetime] = {}

    @property
    def configured(self) -> bool:
        return self.provider.configured

    @property
    def judge_on(self) -> bool:
        return self.provider.configured and self.provider.settings.judge

    async def turn(self, user_id: int, on: bool) -> None:
        await self.runner.db(self.store.ai.set_ai_off, user_id, not on)
        self.forget(user_id)

    def forget(self, user_id: int) -> None:
        """Drop what is remembered of the learner (after /ai on|off, /forget)."""
        self._ready.discard(user_id)
        self._failure_told.pop(user_id, None)
        if isinstance(self.provider.opt_outs, StoredOptOuts):
            self.provider.opt_outs.forget(user_id)

    async def opinion_due(self, user_id: int) -> bool | None:
        """Before a second opinion: True, go ahead; False, the notice is due (tell the learner
        now and send nothing this time); None, the learner turned AI assistance off."""
        if user_id in self._ready:
            return True
        off, told_now = await self.runner.db(self.store.ai.opinion_state, user_id, self.clock())
        if isinstance(self.provider.opt_outs, StoredOptOuts):
            self.provider.opt_outs.learnt(user_id, off)  # the provider need not ask again
        if off:
            return None
        if told_now:
            return False
        self._ready.add(user_id)
        return True

    def failure_due(self, user_id: int) -> bool:
        """Should the learner hear that the second opinion failed? Once per FAILURE_QUIET,
        and again after one has come through."""
        now = self.clock()
        told = self._failure_told.get(user_id)
        if told is not None and now - told < FAILURE_QUIET:
            return False
        self._failure_told[user_id] = now
        return True

    async def is_off(self, user_id: int) -> bool:
        return await self.runner.db(self.store.ai.ai_off, user_id)

    async def used_today(self, user_id: int) -> int:
        """Requests counted for the learner today (the provider's day is UTC)."""
        return await self.provider.usage.used(user_id, self.clock().date())

    async def take_notice(self, user_id: int) -> bool:
        """True once per learner: now is the time to tell them what AI features send."""
        return await self.runner.db(self.store.ai.take_notice, user_id, self.clock())

    async def check(self, user_id: int) -> None:
        """AiUnavailable now, before any work, if the learner would be refused anyway."""
        await self.provider.check(user_id)

    def _attempt_in(self, user_id: int) -> tuple[LastAttempt, ExerciseSet, Exercise]:
        last = self.store.ai.last_attempt(user_id)
        if last is None:
            raise NothingToExplain(str(user_id))
        exercise_set = self.store.content.exercise_set(last.set_id, last.set_version)
        exercises = exercise_set.exercises if exercise_set is not None else []
        exercise = next((e for e in exercises if e.id == last.exercise_id), None)
        if exercise_set is None or exercise is None:
            raise NothingToExplain(last.exercise_id)
        return last, exercise_set, exercise

    async def explain(self, user_id: int, lang: str) -> Explanation:
        """The provider's explanation of the learner's last scored answer, labelled as
        AI-generated, in `lang`, within one Telegram message. Raises AiUnavailable or
        NothingToExplain."""
        await self.provider.check(user_id)
        last, exercise_set, exercise = await self.runner.db(self._attempt_in, user_id)
        answer = last.answer
        if exercise.spotting:  # the answer is marks on the shown translation
            answer = f"{exercise.mt}\n[the student marked as wrong: {last.answer}]"
        return await explain(
            self.provider,
            source=exercise.source,
            answer=answer,
            references=exercise.references,
            errors=last.result.get("errors", []),
            lang=lang,
            source_lang=exercise_set.source_lang,
            target_lang=exercise_set.target_lang,
            learner=user_id,
        )

    async def second_opinion(
        self,
        user_id: int,
        exercise_set: ExerciseSet,
        exercise: Exercise,
        answer: str,
        offline: Sequence[Mapping[str, Any]],
    ) -> Opinion | None:
        """The model's MQM annotation of an answer just scored, beside the offline findings
        (which it never changes), its agreement stored as counts; None for an answer that is
        not a translation (error spotting). The texts come from the caller, so nothing waits
        on the store before the provider answers. Raises AiUnavailable."""
        if exercise.spotting:
            return None
        judged = await second_opinion(
            self.provider,
            source=exercise.source,
            answer=answer,
            source_lang=exercise_set.source_lang,
            target_lang=exercise_set.target_lang,
            references=exercise.references,
            learner=user_id,
        )
        self._failure_told.pop(user_id, None)  # the next failure is news again
        agreed = agreement(judged.errors, offline)
        counts = (agreed.matched, agreed.ai_only, agreed.offline_only, agreed.same_severity)
        last = await self.runner.db(self.store.ai.last_attempt, user_id)
        if last is not None and last.exercise_id == exercise.id:
            await self.runner.db(
                self.store.ai.save_agreement, last.id, user_id, counts, agreed.dice, self.clock()
            )
        log.info(
            "ai judge agreement: matched %d, ai only %d, offline only %d, dice %.2f",
            *counts[:3],
            agreed.dice,
        )
        return Opinion(judged, agreed, len(offline))

    async def usage(self) -> ProviderUse:
        usage = await self.runner.db(self.store.ai.usage, self.clock().date())
        settings = self.provider.settings
        return ProviderUse(
            self.configured,
            settings.host,
            settings.model,
            self.judge_on,
            self.provider.stats,
            usage,
        )

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work in the background (after a reply was sent), kept until it ends."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("AI background work failed", exc_info=task.exception())

    @property
    def pending(self) -> int:
        """Background AI work not finished yet."""
        return len(self._tasks)

    async def idle(self) -> None:
        """Wait for the background work started so far (tests, benchmarks, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel background work and close the provider's connections."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.provider.aclose()


__all__ = [
    "AiUnavailable",
    "Assist",
    "NothingToExplain",
    "Opinion",
    "ProviderUse",
    "Reason",
    "StoredOptOuts",
    "StoredUsage",
]
