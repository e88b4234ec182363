"""The student practice loop: exercises, answers, feedback, mastery and progress.

The channel (Telegram, the terminal of `transtutor try`, tests) calls these use cases and turns
their results and errors into messages; nothing here knows how messages look.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from transtutor.clock import utcnow
from transtutor.content.models import (
    ERROR_CATEGORIES,
    SEVERITIES,
    Course,
    Exercise,
    ExerciseSet,
)
from transtutor.errors import Rejected, TranstutorError
from transtutor.infra.executors import Runner
from transtutor.learning import mastery as mastery_rules
from transtutor.learning.ports import PracticeStores
from transtutor.learning.progress import Progress, summarize
from transtutor.learning.records import NewAttempt, RecordedAttempt
from transtutor.learning.selection import choose
from transtutor.people.records import UserRecord
from transtutor.scoring import text as tx
from transtutor.scoring.checks import ErrorMark, span_of
from transtutor.scoring.scorer import Scorer, ScoreResult

MIN_ANSWER_LIMIT = 1000
MAX_ANSWER_LIMIT = 4000
MAX_MARKS = 5
SEEN_EVERY = timedelta(minutes=1)


class NoOpenExercise(TranstutorError):
    pass


class NoExercises(TranstutorError):
    pass


class StaleStep(TranstutorError):
    """A button or step belongs to an exercise that is no longer open."""


class AnswerRejected(Rejected):
    """An answer the scorer should not see."""

    prefix = "reject"


@dataclass(frozen=True)
class Assignment:
    """An open exercise, with what the channel needs to show it."""

    token: int
    exercise_set: ExerciseSet
    version: int
    exercise: Exercise
    outcome: str = ""
    review: bool = False
    marks: list[ErrorMark] = field(default_factory=list)


@dataclass(frozen=True)
class Marked:
    """error_spot step 1 done: these words are marked; category and severity come next."""

    assignment: Assignment
    mark: ErrorMark


@dataclass(frozen=True)
class Feedback:
    assignment: Assignment
    result: ScoreResult
    mastery_before: dict[str, float]
    mastery_after: dict[str, float]


def clean_answer(text: str) -> str:
    """Drop control and invisible format characters (zero-width, bidi marks; category C),
    keeping line breaks and tabs; trim."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _course_letter(ch: str) -> bool:
    return tx.HAN.match(ch) is not None or unicodedata.name(ch, "").startswith("LATIN")


def in_course_scripts(text: str) -> bool:
    """False when the letters are all in scripts other than Latin and Han (Arabic, Hebrew,
    Cyrillic, kana...): such a message is not an attempt at English or Chinese."""
    letters = [ch for ch in text if unicodedata.category(ch)[0] == "L"]
    return not letters or any(_course_letter(ch) for ch in letters)


def answer_limit(exercise: Exercise) -> int:
    longest = max(len(t) for t in [exercise.source, exercise.mt or "", *exercise.references])
    return max(MIN_ANSWER_LIMIT, min(MAX_ANSWER_LIMIT, 3 * longest))


class Practice:
    """Use cases of a student's practice. Store calls run on the runner's storage thread."""

    def __init__(
        self,
        runner: Runner,
        store: PracticeStores,
        scorer: Scorer,
        course: Course,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.scorer = scorer
        self.course = course
        self.clock = clock
        self._sets: dict[tuple[str, int], ExerciseSet] = {}
        self._users: dict[int, tuple[UserRecord, datetime]] = {}

    # -- users -------------------------------------------------------------------------------

    async def meet(self, user_id: int, name: str, language: str) -> UserRecord:
        """The user's record, registering them on first contact. Records are cached for
        SEEN_EVERY so that a busy learner does not cost a write per message."""
        now = self.clock()
        cached = self._users.get(user_id)
        if cached is not None and now - cached[1] < SEEN_EVERY and cached[0].name == name:
            return cached[0]
        record = await self.runner.db(self.store.learners.touch_user, user_id, name, language, now)
        self._users[user_id] = (replace(record, created=False), now)
        return record

    def forget_cached(self, user_id: int) -> None:
        """Drop a cached user record (after a change made elsewhere: role, cohort)."""
        self._users.pop(user_id, None)

    async def set_language(self, user_id: int, language: str) -> None:
        await self.runner.db(self.store.learners.set_language, user_id, language)
        self.forget_cached(user_id)

    # -- exercises ---------------------------------------------------------------------------

    # Methods ending in _in run on the storage thread: an answer is read,
    # scored and recorded in one job there, so it costs one hop off the event loop.

    def _set_in(self, set_id: str, version: int) -> ExerciseSet | None:
        """A set version, parsed from the store once and then kept (versions never change)."""
        key = (set_id, version)
        if key not in self._sets:
            loaded = self.store.content.exercise_set(set_id, version)
            if loaded is None:
                return None
            self._sets[key] = loaded
        return self._sets[key]

    def _assignment_in(self, user_id: int) -> Assignment:
        opened = self.store.practice.open_exercise_of(user_id)
        if opened is None:
            raise NoOpenExercise(str(user_id))
        exercise_set = self._set_in(opened.set_id, opened.set_version)
        if exercise_set is None:
            raise NoOpenExercise(opened.set_id)
        exercise = next((e for e in exercise_set.exercises if e.id == opened.exercise_id), None)
        if exercise is None:
            raise NoOpenExercise(opened.exercise_id)
        marks = [ErrorMark(**m) for m in opened.state.get("marks", [])]
        return Assignment(opened.token, exercise_set, opened.set_version, exercise, marks=marks)

    async def current(self, user_id: int) -> Assignment:
        return await self.runner.db(self._assignment_in, user_id)

    async def next_exercise(self, user_id: int) -> Assignment:
        return await self.runner.db(self._next_in, user_id, self.clock())

    def _next_in(self, user_id: int, now: datetime) -> Assignment:
        sets = []
        for info in self.store.content.sets():
            exercise_set = self._set_in(info.id, info.version)
            if exercise_set is not None:
                sets.append((exercise_set, info.version))
        pick = choose(
            user_id,
            self.course,
            sets,
            self.store.practice.mastery(user_id),
            self.store.practice.attempts_of(user_id),
            self.store.practice.recent_skips(user_id, now - timedelta(days=1)),
            now,
        )
        if pick is None:
            raise NoExercises()
        opened = self.store.practice.open_exercise(
            user_id, pick.exercise_set.id, pick.version, pick.exercise.id, now
        )
        return Assignment(
            opened.token, pick.exercise_set, pick.version, pick.exercise, pick.outcome, pick.review
        )

    async def skip(self, user_id: int) -> Assignment:
        return await self.runner.db(self._skip_in, user_id, self.clock())

    def _skip_in(self, user_id: int, now: datetime) -> Assignment:
        assignment = self._assignment_in(user_id)
        if not self.store.practice.skip_exercise(user_id, assignment.token, now):
            raise NoOpenExercise(str(user_id))
        return assignment

    # -- answers -----------------------------------------------------------------------------

    def _checked(self, assignment: Assignment, text: str) -> str:
        answer = clean_answer(text)
        if not answer:
            raise AnswerRejected("empty")
        limit = answer_limit(assignment.exercise)
        if len(answer) > limit:
            raise AnswerRejected("too_long", length=len(answer), limit=limit)
        if not has_words(answer):
            raise AnswerRejected("no_words")
        if not in_course_scripts(answer):
            raise AnswerRejected("wrong_script")
        return answer

    async def answer(
        self, user_id: int, text: str, update_id: int | None = None
    ) -> Feedback | Marked:
        """A learner's message for the open exercise: a translation or post-edit is scored and
        recorded; for error_spot it is the marked words (step 1, then classify())."""
        return await self.runner.db(self._answer_in, user_id, text, update_id, self.clock())

    def _answer_in(
        self, user_id: int, text: str, update_id: int | None, now: datetime
    ) -> Feedback | Marked:
        try:
            assignment = self._assignment_in(user_id)
        except NoOpenExercise:
            # Handled again after a crash: the answer was recorded; its feedback is owed.
            recorded = self._recorded_in(user_id, update_id)
            if recorded is None:
                raise
            return recorded
        words = self._checked(assignment, text)
        if assignment.exercise.spotting:
            if span_of(assignment.exercise.mt or "", words) is None:
                raise AnswerRejected("not_in_mt", words=words[:80])
            if len(assignment.marks) >= MAX_MARKS:
                raise AnswerRejected("too_many_marks", limit=MAX_MARKS)
            mark = ErrorMark(words)
            self._save_marks_in(user_id, assignment, [*assignment.marks, mark])
            return Marked(assignment, mark)
        result = self.scorer.score_exercise(
            assignment.exercise.scored_as(), assignment.exercise_set, words
        )
        return self._record_in(user_id, assignment, words, result, update_id, now)

    async def classify(
        self, user_id: int, token: int, category: str | None = None, severity: str | None = None
    ) -> Assignment:
        """error_spot, steps 2 and 3: category, then severity, of the last marked words."""
        return await self.runner.db(self._classify_in, user_id, token, category, severity)

    def _classify_in(
        self,
        user_id: int,
        token: int,
        category: str | None,
        severity: str | None,
    ) -> Assignment:
        assignment = self._button_in(user_id, token)
        if not assignment.marks:
            raise StaleStep()
        last = assignment.marks[-1]
        if category is not None:
            if category not in ERROR_CATEGORIES:
                raise StaleStep()
            last = ErrorMark(last.span, category, None)
        if severity is not None:
            if severity not in SEVERITIES or last.category is None:
                raise StaleStep()
            last = ErrorMark(last.span, last.category, severity)
        marks = [*assignment.marks[:-1], last]
        self._save_marks_in(user_id, assignment, marks)
        return replace(assignment, marks=marks)

    async def finish_marking(
        self, user_id: int, token: int, update_id: int | None = None
    ) -> Feedback:
        return await self.runner.db(self._finish_in, user_id, token, update_id, self.clock())

    def _finish_in(
        self, user_id: int, token: int, update_id: int | None, now: datetime
    ) -> Feedback:
        assignment = self._button_in(user_id, token)
        complete = [m for m in assignment.marks if m.severity]
        if not complete:
            raise StaleStep()
        result = self.scorer.score_exercise(
            assignment.exercise.scored_as(), assignment.exercise_set, "", complete
        )
        answer = " | ".join(f"{m.span} [{m.category}, {m.severity}]" for m in complete)
        return self._record_in(user_id, assignment, answer, result, update_id, now)

    def _button_in(self, user_id: int, token: int) -> Assignment:
        """The open exercise a button belongs to, or StaleStep if it is no longer open."""
        try:
            assignment = self._assignment_in(user_id)
        except NoOpenExercise:
            raise StaleStep() from None
        if assignment.token != token:
            raise StaleStep()
        return assignment

    def _save_marks_in(self, user_id: int, assignment: Assignment, marks: list[ErrorMark]) -> None:
        state = {
            "marks": [
                {"span": m.span, "category": m.category, "severity": m.severity} for m in marks
            ]
        }
        if not self.store.practice.save_state(user_id, assignment.token, state):
            raise StaleStep()

    def _record_in(
        self,
        user_id: int,
        assignment: Assignment,
        answer: str,
        result: ScoreResult,
        update_id: int | None,
        now: datetime,
    ) -> Feedback:
        change = record_attempt(
            self.store,
            assignment.token,
            NewAttempt(
                user_id,
                assignment.exercise_set.id,
                assignment.version,
                assignment.exercise.id,
                assignment.exercise.type.value,
                answer,
                result.score,
                result.to_dict(),
                now,
                update_id,
            ),
            result.evidence,
        )
        if change is None:
            raise StaleStep()
        return Feedback(assignment, result, change.before, change.after)

    async def owe_feedback(self, user_id: int, update_id: int) -> bool:
        """The reply to an answer could not be sent: its feedback is owed, and given the next
        time the learner writes (see `owed_feedback`). False if the update recorded nothing."""
        owed = await self.runner.db(self.store.practice.owe_feedback, user_id, update_id)
        self.forget_cached(user_id)  # the next meet() reads `feedback_owed`
        return owed

    async def owed_feedback(self, user_id: int) -> list[tuple[int, Feedback]]:
        """Feedback owed to the learner (attempt id, feedback), oldest first."""
        return await self.runner.db(self._owed_in, user_id)

    def _owed_in(self, user_id: int) -> list[tuple[int, Feedback]]:
        owed = []
        for attempt_id, recorded in self.store.practice.owed_feedback(user_id):
            feedback = self._feedback_of(recorded)
            if feedback is not None:
                owed.append((attempt_id, feedback))
        return owed

    async def feedback_sent(self, user_id: int, attempt_ids: list[int]) -> None:
        await self.runner.db(self.store.practice.feedback_sent, attempt_ids)
        self.forget_cached(user_id)

    def _recorded_in(self, user_id: int, update_id: int | None) -> Feedback | None:
        recorded = (
            None
            if update_id is None
            else self.store.practice.attempt_for_update(user_id, update_id)
        )
        return None if recorded is None else self._feedback_of(recorded)

    def _feedback_of(self, recorded: RecordedAttempt) -> Feedback | None:
        """The feedback an attempt was given, rebuilt from what was stored with it."""
        exercise_set = self._set_in(recorded.set_id, recorded.set_version)
        exercises = exercise_set.exercises if exercise_set else []
        exercise = next((e for e in exercises if e.id == recorded.exercise_id), None)
        if exercise_set is None or exercise is None:
            return None
        mastery = recorded.result.get("mastery", {})
        return Feedback(
            Assignment(0, exercise_set, recorded.set_version, exercise),
            ScoreResult.from_dict(recorded.result),
            mastery.get("before", {}),
            mastery.get("after", {}),
        )

    def warm_up(self, sets: list[ExerciseSet]) -> int:
        """Score one exercise of each language pair against its own reference, so the
        scorer's lexicons and models are loaded before the first learner answers (they load
        lazily and take seconds). Runs on a worker thread; returns how many were scored."""
        scored: dict[str, Exercise] = {}
        for exercise_set in sets:
            for exercise in exercise_set.exercises:
                if not exercise.spotting and exercise.references:
                    if exercise_set.language_pair not in scored:
                        self.scorer.score_exercise(exercise, exercise_set, exercise.references[0])
                        scored[exercise_set.language_pair] = exercise
                    break
        return len(scored)

    # -- progress ----------------------------------------------------------------------------

    async def progress(self, user_id: int) -> Progress:
        return await self.runner.db(self._progress_in, user_id)

    def _progress_in(self, user_id: int) -> Progress:
        return summarize(
            self.course,
            self.store.practice.mastery(user_id),
            self.store.practice.attempt_count(user_id),
        )


def record_attempt(
    store: PracticeStores, token: int, attempt: NewAttempt, evidence: dict[str, float]
) -> mastery_rules.MasteryChange | None:
    """Close the open exercise `token` and store the attempt with its evidence and the mastery
    it moves, in one transaction. None (nothing written) if that exercise is no longer open:
    answered already, skipped or replaced."""
    with store.transaction():
        if not store.practice.close_exercise(attempt.user_id, token):
            return None
        change = mastery_rules.apply(store.practice.mastery(attempt.user_id), evidence)
        result = {
            **attempt.result,
            "evidence": evidence,  # replayed when a project review changes the order
            "mastery": {"before": change.before, "after": change.after},  # for owed replies
        }
        store.practice.add_attempt(replace(attempt, result=result))
        store.practice.save_mastery(attempt.user_id, change.updated.values(), attempt.at)
    return change
