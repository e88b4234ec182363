"""Reviewing project work: a reviewer goes through the queue, rates each criterion of the
project's review rubric, adds a comment and sends the grade, which reaches the student and
feeds their outcome mastery (see `grading` for how two reviews combine).

The review in progress is kept as the reviewer's pending input (see `inputs`): the levels
chosen so far and the stage, so buttons pressed twice or out of order change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from transtutor.clock import utcnow
from transtutor.content.models import ReviewRubric
from transtutor.infra.executors import Runner
from transtutor.learning import mastery
from transtutor.learning.records import Evidence
from transtutor.people.awaiting import Inputs
from transtutor.people.records import PendingInput, UserRecord
from transtutor.projects.grading import LEVEL_MAX, Combined, Rating, combine, ratings
from transtutor.projects.ports import ReviewStores
from transtutor.projects.projects import ProjectRejected, Projects
from transtutor.projects.records import ProjectRecord, ReviewRecord, SubmissionRecord

MAX_COMMENT = 1500
Stage = Literal["rate", "comment", "confirm"]


@dataclass(frozen=True)
class Reviewing:
    submission: SubmissionRecord
    project: ProjectRecord
    rubric: ReviewRubric
    student: UserRecord
    levels: list[int]
    comment: str
    stage: Stage
    earlier_reviews: int  # by others; not shown, so that reviews stay independent
    queued: int  # submissions waiting after this one

    @property
    def criterion_index(self) -> int:
        return len(self.levels)


@dataclass(frozen=True)
class Graded:
    reviewing: Reviewing
    score: float  # this reviewer's grade
    combined: Combined  # all reviews of the submission
    reviews: list[ReviewRecord]
    mastery_before: dict[str, float]
    mastery_after: dict[str, float]


class Review:
    def __init__(
        self,
        runner: Runner,
        store: ReviewStores,
        projects: Projects,
        inputs: Inputs,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.projects = projects
        self.inputs = inputs
        self.clock = clock

    async def start(self, reviewer_id: int, project_id: str = "") -> Reviewing | None:
        """Open the oldest submission waiting for this reviewer (optionally of one project)."""
        if project_id:
            project_id = (await self.projects.project(project_id)).id
        queue = await self.runner.db(
            self.store.reviews.review_queue, reviewer_id, project_id or None
        )
        if not queue:
            return None
        waiting = await self.inputs.expect(
            reviewer_id, "review", str(queue[0]), {"levels": [], "stage": "rate", "comment": ""}
        )
        return await self._load(waiting, len(queue) - 1)

    async def _load(self, waiting: PendingInput, queued: int | None = None) -> Reviewing:
        submission_id = int(waiting.ref)
        found = await self.runner.db(self._load_in, submission_id, waiting.user_id)
        submission, student, earlier, queue = found
        project = await self.projects.project(submission.project_id)
        return Reviewing(
            submission,
            project,
            self.projects.rubric_of(project),
            student,
            list(waiting.data.get("levels", [])),
            str(waiting.data.get("comment", "")),
            waiting.data.get("stage", "rate"),
            earlier,
            queue - 1 if queued is None else queued,
        )

    def _load_in(
        self, submission_id: int, reviewer_id: int
    ) -> tuple[SubmissionRecord, UserRecord, int, int]:
        submission = self.store.projects.submission(submission_id)
        assert submission is not None
        student = self.store.learners.user(submission.user_id)
        assert student is not None
        earlier = len(self.store.reviews.reviews(submission_id))
        return submission, student, earlier, len(self.store.reviews.review_queue(reviewer_id))

    def _current(
        self, reviewer_id: int, submission_id: int, stage: Stage | None = None
    ) -> PendingInput:
        """The review in progress for this submission (at `stage`, if given)."""
        waiting = self.inputs.get(reviewer_id)
        if (
            waiting is None
            or waiting.kind != "review"
            or waiting.ref != str(submission_id)
            or (stage is not None and waiting.data.get("stage") != stage)
        ):
            raise ProjectRejected("stale_review")
        return waiting

    def reviewing(self, reviewer_id: int) -> PendingInput | None:
        """The review waiting for this reviewer's comment, if any."""
        waiting = self.inputs.get(reviewer_id)
        if waiting and waiting.kind == "review" and waiting.data.get("stage") == "comment":
            return waiting
        return None

    async def rate(self, reviewer_id: int, submission_id: int, index: int, level: int) -> Reviewing:
        waiting = self._current(reviewer_id, submission_id, "rate")
        levels = list(waiting.data["levels"])
        if index != len(levels) or not 0 <= level <= LEVEL_MAX:
            raise ProjectRejected("stale_review")  # a second press on an earlier criterion
        levels.append(level)
        current = await self._load(waiting)
        stage: Stage = "comment" if len(levels) == len(current.rubric.criteria) else "rate"
        await self.inputs.update(waiting, {**waiting.data, "levels": levels, "stage": stage})
        return replace(current, levels=levels, stage=stage)

    async def back(self, reviewer_id: int, submission_id: int) -> Reviewing:
        """Undo the last rating (also from the comment step)."""
        waiting = self._current(reviewer_id, submission_id)
        levels = list(waiting.data["levels"])[:-1]
        data = {"levels": levels, "stage": "rate", "comment": ""}
        return await self._load(await self.inputs.update(waiting, data))

    async def comment(self, reviewer_id: int, text: str | None) -> Reviewing:
        """The comment for the student (None: no comment); then the grade can be sent."""
        waiting = self.reviewing(reviewer_id)
        if waiting is None:
            raise ProjectRejected("stale_review")
        cleaned = (text or "").strip()
        if len(cleaned) > MAX_COMMENT:
            raise ProjectRejected("comment_long", limit=str(MAX_COMMENT))
        data = {**waiting.data, "comment": cleaned, "stage": "confirm"}
        return await self._load(await self.inputs.update(waiting, data))

    async def skip_comment(self, reviewer_id: int, submission_id: int) -> Reviewing:
        self._current(reviewer_id, submission_id, "comment")
        return await self.comment(reviewer_id, None)

    async def send(self, reviewer_id: int, submission_id: int) -> Graded:
        """Store the grade and update the student's mastery (one transaction)."""
        waiting = self._current(reviewer_id, submission_id, "confirm")
        current = await self._load(waiting)
        review = ratings(current.rubric, current.levels)
        before, after = await self.runner.db(
            grade,
            self.store,
            current.submission,
            reviewer_id,
            review,
            current.comment,
            self.clock(),
        )
        self.inputs.forget(reviewer_id)  # removed with the grade, in the same transaction
        reviews = await self.runner.db(self.store.reviews.reviews, submission_id)
        return Graded(
            current,
            combine([review]).score,
            combine(r.ratings for r in reviews),
            reviews,
            before,
            after,
        )


def grade(
    store: ReviewStores,
    submission: SubmissionRecord,
    reviewer_id: int,
    review: list[Rating],
    comment: str,
    now: datetime,
) -> tuple[dict[str, float], dict[str, float]]:
    """Store one reviewer's grade and replay the student's mastery with it, in one
    transaction; the student's mastery before and after, for the outcomes it evidences."""
    student = submission.user_id
    with store.transaction():
        store.reviews.save_grade(
            submission.id, reviewer_id, review, combine([review]).score, comment, now
        )
        before = store.practice.mastery(student)
        # A late review changes what came when: replay all evidence in time order.
        evidence = store.practice.attempt_evidence(student)
        for submission_id, first_review in store.reviews.reviewed_submissions(student):
            combined = combine(g.ratings for g in store.reviews.reviews(submission_id))
            evidence.append(Evidence(first_review, 1, submission_id, combined.evidence))
        after = mastery.replay(e.outcomes for e in sorted(evidence))
        store.practice.replace_mastery(student, after.values(), now)
    outcomes = {o for rating in review for o in rating.outcomes}
    return mastery.values(before, outcomes), mastery.values(after, outcomes)
