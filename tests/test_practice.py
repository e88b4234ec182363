"""The core practice loop, mastery model and exercise selection, with fixed times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.clock import Clock
from transtutor.content.library import Library, install
from transtutor.learning.mastery import DECAY, OutcomeMastery, empty, level
from transtutor.learning.practice import (
    AnswerRejected,
    Feedback,
    Marked,
    NoOpenExercise,
    Practice,
    StaleStep,
    clean_answer,
)
from transtutor.learning.records import PastAttempt
from transtutor.learning.selection import REVIEW_GAP, choose
from transtutor.scoring.scorer import Scorer
from transtutor.store.threaded import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def practice(library: Library) -> AsyncIterator[Practice]:
    database = Database.open(None)
    database.runner.db_sync(install, database.store.content, library)
    service = Practice(
        database.runner, database.store, Scorer(library.rubrics), library.course, clock=Clock(NOW)
    )
    await service.meet(7, "Lin", "en")
    yield service
    database.close()


def test_mastery_weighs_recent_evidence_more() -> None:
    record = empty("LO1")
    for evidence in (0.2, 0.2, 0.2, 1.0):
        record = record.updated(evidence)
    plain_mean = (0.2 * 3 + 1.0) / 4
    assert record.value > plain_mean
    assert record.attempts == 4
    weights = [DECAY**3, DECAY**2, DECAY, 1]
    assert record.value == pytest.approx((0.2 * sum(weights[:3]) + 1.0) / sum(weights))


def test_mastery_needs_enough_attempts() -> None:
    record = empty("LO1").updated(1.0).updated(1.0)
    assert not record.mastered(0.8, 3)
    assert record.updated(1.0).mastered(0.8, 3)
    assert not record.updated(0.0).mastered(0.8, 3)


def test_level_follows_mastery() -> None:
    assert level(empty("LO1")) == 1
    assert level(OutcomeMastery("LO1", 0.5, 3)) == 3
    assert level(OutcomeMastery("LO1", 1.0, 3)) == 5


def test_selection_targets_the_weakest_outcome(library: Library) -> None:
    sets = [(s, 1) for s in library.sets.values()]
    mastery = {o: OutcomeMastery(o, 0.9, 5) for o in library.course.outcome_ids}
    mastery["LO5"] = OutcomeMastery("LO5", 0.3, 4)
    pick = choose(1, library.course, sets, mastery, [], set(), NOW)
    assert pick is not None and pick.outcome == "LO5"
    assert "LO5" in pick.exercise_set.outcomes_of(pick.exercise)


def test_selection_prefers_difficulty_near_level(library: Library) -> None:
    sets = [(s, 1) for s in library.sets.values()]
    mastery = {o: OutcomeMastery(o, 0.95, 5) for o in library.course.outcome_ids}
    mastery["LO1"] = OutcomeMastery("LO1", 0.5, 5)  # level 3
    pick = choose(1, library.course, sets, mastery, [], set(), NOW)
    assert pick is not None and pick.outcome == "LO1"
    candidates = [
        e.difficulty
        for s in library.sets.values()
        for e in s.exercises
        if "LO1" in s.outcomes_of(e)
    ]
    assert abs(pick.exercise.difficulty - 3) == min(abs(d - 3) for d in candidates)


def test_no_repeats_but_failed_items_come_back_for_review(library: Library) -> None:
    sets = [(s, 1) for s in library.sets.values()]
    only = [(library.sets["fintech-zh-en"], 1)]
    first = choose(1, library.course, only, {}, [], set(), NOW)
    assert first is not None
    passed = [PastAttempt("fintech-zh-en", first.exercise.id, 95.0, NOW.isoformat())]
    again = choose(1, library.course, only, {}, passed, set(), NOW)
    assert again is not None and again.exercise.id != first.exercise.id

    failed = [PastAttempt("fintech-zh-en", first.exercise.id, 20.0, NOW.isoformat())]
    soon = choose(1, library.course, only, {}, failed, set(), NOW + timedelta(hours=1))
    assert soon is not None and soon.exercise.id != first.exercise.id
    later = choose(1, library.course, only, {}, failed, set(), NOW + timedelta(days=2))
    assert later is not None and later.exercise.id == first.exercise.id and later.review
    others = [
        PastAttempt("fintech-zh-en", f"x{i}", 90.0, NOW.isoformat()) for i in range(REVIEW_GAP)
    ]
    after_gap = choose(1, library.course, only, {}, failed + others, set(), NOW)
    assert after_gap is not None and after_gap.review
    assert sets  # every bundled set is selectable


async def test_submit_records_attempt_and_mastery(practice: Practice) -> None:
    assignment = await practice.next_exercise(7)
    reference = assignment.exercise.references[0] if assignment.exercise.references else ""
    if not reference:
        pytest.skip("first pick is error_spot")
    feedback = await practice.answer(7, reference, update_id=99)
    assert isinstance(feedback, Feedback)
    assert feedback.result.score >= 90
    assert all(
        feedback.mastery_after[o] > feedback.mastery_before[o] for o in feedback.mastery_after
    )
    history = await practice.runner.db(practice.store.practice.attempts_of, 7)
    assert len(history) == 1 and history[0].exercise_id == assignment.exercise.id
    with pytest.raises(NoOpenExercise):
        await practice.answer(7, reference)


async def test_rejected_answers_change_nothing(practice: Practice) -> None:
    await practice.next_exercise(7)
    for text, reason in (("   ", "empty"), ("🎉🎉", "no_words"), ("x" * 5000, "too_long")):
        with pytest.raises(AnswerRejected) as caught:
            await practice.answer(7, text)
        assert caught.value.reason == reason
    assert await practice.runner.db(practice.store.practice.attempts_of, 7) == []
    assert await practice.current(7)


async def test_error_spot_steps_and_stale_tokens(practice: Practice) -> None:
    now = practice.clock()
    version = (await practice.runner.db(practice.store.content.set_versions, "fintech-zh-en"))[-1]
    opened = await practice.runner.db(
        practice.store.practice.open_exercise, 7, "fintech-zh-en", version, "fin-010", now
    )
    with pytest.raises(AnswerRejected):
        await practice.answer(7, "small firms")  # not in the MT
    marked = await practice.answer(7, "large enterprises")
    assert isinstance(marked, Marked) and marked.mark.span == "large enterprises"
    await practice.classify(7, opened.token, category="Accuracy/Mistranslation")
    with pytest.raises(StaleStep):
        await practice.classify(7, opened.token + 1, severity="major")
    await practice.classify(7, opened.token, severity="major")
    feedback = await practice.finish_marking(7, opened.token)
    assert feedback.result.score == 100
    assert feedback.mastery_after["LO5"] > 0
    with pytest.raises(StaleStep):
        await practice.finish_marking(7, opened.token)


async def test_progress_names_the_next_outcome(practice: Practice) -> None:
    progress = await practice.progress(7)
    assert [o.outcome for o in progress.outcomes] == practice.course.outcome_ids
    assert progress.next_outcome == "LO1" and progress.attempts == 0


def test_clean_answer_strips_invisible_characters() -> None:
    assert clean_answer("\u200bHello\u202e world\x07 \n") == "Hello world"


async def test_warm_up_scores_one_exercise_per_direction(
    practice: Practice, library: Library
) -> None:
    # What `transtutor run` does in the background at start: both directions' resources load.
    assert practice.warm_up(list(library.sets.values())) == 2
