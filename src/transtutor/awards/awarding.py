"""Awarding credentials from mastery evidence (the README's "Credentials").

After every piece of evidence (a scored answer, a project grade) `award` issues what became
due: an outcome badge for each newly mastered outcome, and the course credential once the
award rule holds (every outcome mastered, every required project passed), stacking the
badges. Each credential gets a status index of its own, reserved before it is signed, so a
crash can leave an unused index but never two credentials on one. Signing is CPU work and
runs off the storage thread. Revoking sets the credential's bit in the status list.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from transtutor import credentials as vc
from transtutor.awards.courses import credential_course
from transtutor.awards.ports import AwardStores
from transtutor.awards.records import STATUS_LIST, IssuedCredential, Kind, NewCredential
from transtutor.clock import utcnow
from transtutor.content.models import Course
from transtutor.errors import Rejected
from transtutor.infra.executors import Runner
from transtutor.projects.grading import combine
from transtutor.reports.snapshot import find_cohort

log = logging.getLogger(__name__)
MAX_REASON = 300
MAX_NAME = 80
PEER = "peer"


class AwardRejected(Rejected):
    """A credential request that cannot be done (unknown id, credentials not set up...)."""

    prefix = "award"


@dataclass(frozen=True)
class Standing:
    """Where a learner stands: the credential if issued, else what is missing."""

    course: vc.Course | None  # None: the course awards no credential
    issued: list[IssuedCredential]
    gaps: vc.AwardGaps | None
    learner: vc.Learner | None
    credential: dict[str, Any] | None  # the course credential's JSON, once issued

    @property
    def course_credential(self) -> IssuedCredential | None:
        return _course_credential(self.issued)


def _course_credential(issued: list[IssuedCredential]) -> IssuedCredential | None:
    return next((c for c in issued if c.kind == "course"), None)


@dataclass(frozen=True)
class Due:
    kind: Kind
    outcome_id: str | None


class Awards:
    def __init__(
        self,
        runner: Runner,
        store: AwardStores,
        course: Course,
        issuer: vc.CredentialIssuer | None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.runner = runner
        self.store = store
        self.course = credential_course(course)
        self.issuer = issuer  # None without TRANSTUTOR_PUBLIC_URL: nothing can be signed
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}

    @property
    def enabled(self) -> bool:
        return self.course is not None and self.issuer is not None

    # -- what the learner has ----------------------------------------------------------------

    def _learner_in(self, user_id: int) -> vc.Learner:
        """The learner's record as the credential states it (read on the storage thread)."""
        assert self.course is not None
        mastery = self.store.practice.mastery(user_id)
        outcomes = tuple(
            vc.OutcomeRecord(o.id, mastery[o.id].value, mastery[o.id].attempts)
            for o in self.course.outcomes
            if o.id in mastery
        )
        latest = self.store.projects.latest_submissions(user_id)
        projects = []
        for requirement in self.course.required_projects:
            submission = latest.get(requirement.id)
            reviews = self.store.reviews.reviews(submission.id) if submission else []
            if reviews:
                roles = sorted({self._role_of(r.reviewer_id) for r in reviews})
                grade = combine(r.ratings for r in reviews).score
                projects.append(vc.ProjectRecord(requirement.id, grade, tuple(roles)))
        return vc.Learner("", outcomes, tuple(projects))  # the key is read when signing

    def _role_of(self, reviewer_id: int) -> str:
        reviewer = self.store.learners.user(reviewer_id)
        return PEER if reviewer is None or reviewer.role == "student" else reviewer.role

    def _standing_in(self, user_id: int, with_document: bool = True) -> Standing:
        if self.course is None:
            return Standing(None, [], None, None, None)
        learner = self._learner_in(user_id)
        issued = self.store.credentials.issued_to(user_id)
        course_credential = _course_credential(issued)
        document = (
            self.store.credentials.document(course_credential.id)
            if course_credential and with_document
            else None
        )
        return Standing(self.course, issued, vc.award_gaps(self.course, learner), learner, document)

    async def standing(self, user_id: int) -> Standing:
        return await self.runner.db(self._standing_in, user_id)

    # -- issuing -----------------------------------------------------------------------------

    def _due(self, standing: Standing) -> list[Due]:
        assert self.course is not None and standing.learner is not None
        have = {(c.kind, c.outcome_id) for c in standing.issued}
        due = [
            Due("outcome", o.id)
            for o in vc.mastered_outcomes(self.course, standing.learner)
            if ("outcome", o.id) not in have
        ]
        if standing.gaps is not None and standing.gaps.eligible and ("course", None) not in have:
            due.append(Due("course", None))
        return due

    async def award(self, user_id: int) -> list[IssuedCredential]:
        """Issue what the learner's evidence now earns; the credentials issued (often none)."""
        if not self.enabled:
            return []
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:  # two answers in quick succession must not issue a badge twice
            # After every answer: the issued JSON is not needed to know what is due.
            standing = await self.runner.db(self._standing_in, user_id, False)
            due = self._due(standing)
            if not due:
                return []
            stacked = {c.outcome_id: c.id for c in standing.issued if c.outcome_id}
            issued = []
            for item in due:  # badges first: the course credential stacks them
                made = await self._issue(user_id, item, standing.learner, stacked)
                if made is not None:
                    issued.append(made)
                    if made.outcome_id:
                        stacked[made.outcome_id] = made.id
            return issued

    async def _issue(
        self,
        user_id: int,
        due: Due,
        learner: vc.Learner | None,
        stacked: dict[str, str],
        named: bool = True,
    ) -> IssuedCredential | None:
        assert self.course is not None and self.issuer is not None and learner is not None
        now = self.clock()
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        index, key, name = await self.runner.db(self._reserve_in, credential_id, user_id, due, now)
        learner = replace(learner, recipient_key=key, display_name=name if named else None)
        try:
            if due.kind == "outcome":
                assert due.outcome_id is not None
                document = await self.runner.cpu(
                    self.issuer.issue_outcome_badge,
                    self.course,
                    due.outcome_id,
                    learner,
                    now=now,
                    status_index=index,
                    credential_id=credential_id,
                )
            else:
                document = await self.runner.cpu(
                    self.issuer.issue_course_credential,
                    self.course,
                    learner,
                    now=now,
                    status_index=index,
                    stacked_badges=dict(stacked),
                    credential_id=credential_id,
                )
        except vc.NotPortable:
            # A display name whose characters some wallets order differently: issue without it.
            await self.runner.db(self.store.credentials.drop_unsigned, credential_id)
            if learner.display_name:
                log.warning("credential for user %s: display name not portable, left out", user_id)
                return await self._issue(user_id, due, learner, stacked, named=False)
            log.warning("credential for user %s not issued: NotPortable", user_id)
            return None
        except vc.NotEligible as exc:
            log.warning("credential for user %s not issued: %s", user_id, type(exc).__name__)
            await self.runner.db(self.store.credentials.drop_unsigned, credential_id)
            return None
        new = NewCredential(credential_id, user_id, due.kind, due.outcome_id, index, document, now)
        await self.runner.db(self.store.credentials.save_credential, new)
        log.info("credential %s (%s) issued to user %s", credential_id, due.kind, user_id)
        return IssuedCredential(credential_id, user_id, due.kind, due.outcome_id, index, now)

    def _reserve_in(
        self, credential_id: str, user_id: int, due: Due, now: datetime
    ) -> tuple[int, str, str | None]:
        """The status index for the credential, the learner's key and chosen name."""
        credentials = self.store.credentials
        with self.store.transaction():
            if credentials.encoded_status_list(STATUS_LIST) is None:
                credentials.save_status_list(STATUS_LIST, vc.Bitstring().encode(), now)
            key = credentials.recipient_key(user_id, now)
            index = credentials.reserve_index(credential_id, user_id, due.kind, due.outcome_id, now)
            name = credentials.display_name(user_id)
        return index, key, name

    async def name_on_credentials(self, user_id: int, text: str) -> str | None:
        """`/credential name <name>`: the name to put on credentials issued from now on
        (`-` for none); returns it."""
        name = " ".join(text.split())
        if not name:
            raise AwardRejected("name_usage")
        if len(name) > MAX_NAME:
            raise AwardRejected("name_long", limit=str(MAX_NAME))
        chosen = None if name == "-" else name
        await self.runner.db(self.store.credentials.set_display_name, user_id, chosen, self.clock())
        return chosen

    # -- coordinators ------------------------------------------------------------------------

    async def issued(self, cohort: str = "") -> list[IssuedCredential]:
        """Course credentials issued (to one cohort's learners: name, code or number)."""
        return await self.runner.db(self._issued_in, cohort)

    def _issued_in(self, cohort: str) -> list[IssuedCredential]:
        found = find_cohort(self.store.facts, cohort)  # the reports' rule; None: everyone
        return self.store.credentials.issued(found.id if found else None)

    async def revoke(self, text: str, by: int) -> IssuedCredential:
        """`<credential id> <reason>`: revoke it (its status bit set); the credential."""
        words = text.split(maxsplit=1)
        if len(words) < 2 or not words[1].strip():
            raise AwardRejected("revoke_usage")
        wanted = words[0].strip()
        if re.fullmatch(r"[0-9a-fA-F-]{36}", wanted):
            wanted = f"urn:uuid:{wanted.lower()}"
        reason = words[1].strip()[:MAX_REASON]
        found = await self.runner.db(self._revoke_in, wanted, reason, by, self.clock())
        if found is None:
            raise AwardRejected("unknown_credential", credential_id=wanted[:80])
        log.info("credential %s revoked by %s", found.id, by)
        return found

    def _revoke_in(
        self, credential_id: str, reason: str, by: int, now: datetime
    ) -> IssuedCredential | None:
        credentials = self.store.credentials
        with self.store.transaction():
            found = credentials.credential(credential_id)
            if found is None:
                return None
            if found.revoked_at is not None:
                raise AwardRejected("already_revoked", credential_id=credential_id[:80])
            encoded = credentials.encoded_status_list(STATUS_LIST)
            bits = vc.Bitstring.decode(encoded) if encoded else vc.Bitstring()
            bits.set(found.status_index)
            credentials.save_status_list(STATUS_LIST, bits.encode(), now)
            credentials.revoke(credential_id, reason, by, now)
            return credentials.credential(credential_id)
