"""The plain facts a credential is built from, independent of storage and course parsing.

The bot fills these from ``course.yaml``, the mastery store and the project reviews; this
package never reads either. Fields a ``course.yaml`` needs for them (documented in
``README.md`` beside this file, "course.yaml fields")::

    id, title {en, zh}, description {en, zh}, mastery_threshold, min_attempts,
    outcomes: [{id, title {en, zh}, level, description {en, zh}?}],
    credential:
      required_projects: [{id, title {en, zh}, pass_mark}]
      valid_years: 5                      # optional; no validUntil without it
      ects: 2                             # notional workload in ECTS credits
      assessment: {en, zh}                # assessment type
      participation: {en, zh}             # form of participation
      quality_assurance: {en, zh}
      awarding_body: {name, url}
      country: CN                         # ISO 3166-1 alpha-2 of the awarding body
      eqf_level: 6                        # optional
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Bilingual:
    """A text in English and Chinese (course.yaml's ``{en: …, zh: …}``)."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Outcome:
    """One learning outcome of the course, with the level it is certified at."""

    id: str
    title: Bilingual
    level: str  # as /progress shows it, e.g. "EQF 6" or "advanced"
    description: Bilingual | None = None


@dataclass(frozen=True)
class ProjectRequirement:
    """A project the award rule requires, with its pass mark (grade 0..100)."""

    id: str
    title: Bilingual
    pass_mark: float


@dataclass(frozen=True)
class MicroCredentialElements:
    """The EU micro-credential elements (Council Recommendation of 16 June 2022, Annex I)
    that the learning outcomes and identity fields do not already carry."""

    ects: float
    assessment: Bilingual
    participation: Bilingual
    quality_assurance: Bilingual
    awarding_body_name: str
    awarding_body_url: str
    country: str  # ISO 3166-1 alpha-2
    eqf_level: int | None = None


@dataclass(frozen=True)
class Course:
    """What the credential certifies and the rule for awarding it."""

    id: str
    title: Bilingual
    description: Bilingual
    outcomes: tuple[Outcome, ...]
    elements: MicroCredentialElements
    mastery_threshold: float = 0.8
    min_attempts: int = 3
    required_projects: tuple[ProjectRequirement, ...] = ()
    valid_for: timedelta | None = None  # None: the credential does not expire


@dataclass(frozen=True)
class Issuer:
    """The programme that signs: its public URL (the did:web comes from it) and name."""

    public_url: str  # TRANSTUTOR_PUBLIC_URL, e.g. https://bot.example.edu
    name: str
    homepage: str | None = None  # the programme's page; defaults to public_url

    @property
    def base(self) -> str:
        return self.public_url.rstrip("/")

    def status_list_url(self, list_id: str = "revocation-1") -> str:
        """Where the web server publishes a status list credential."""
        return f"{self.base}/status/{list_id}"


@dataclass(frozen=True)
class OutcomeRecord:
    """A learner's standing on one outcome at the time of the award."""

    outcome_id: str
    mastery: float  # 0..1
    attempts: int  # graded pieces of evidence


@dataclass(frozen=True)
class ProjectRecord:
    """A learner's graded project: the grade and who reviewed it (roles only, no names)."""

    project_id: str
    grade: float  # 0..100
    reviewer_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Learner:
    """Who receives the credential, and their record.

    ``recipient_key`` is hashed (salted SHA-256) into the credential: use an opaque random
    reference the store keeps per learner (and shows in /mydata), never the Telegram id —
    a Telegram id has so few possible values that even a salted hash of it can be reversed
    by trying them all. ``display_name`` is put on the credential only if the learner chose
    to; None otherwise.
    """

    recipient_key: str
    outcomes: tuple[OutcomeRecord, ...]
    projects: tuple[ProjectRecord, ...] = ()
    display_name: str | None = None
    started: datetime | None = None

    def record(self, outcome_id: str) -> OutcomeRecord | None:
        return next((o for o in self.outcomes if o.outcome_id == outcome_id), None)

    def project(self, project_id: str) -> ProjectRecord | None:
        return next((p for p in self.projects if p.project_id == project_id), None)


@dataclass(frozen=True)
class AwardGaps:
    """What a learner still lacks for the course credential (empty when eligible)."""

    outcomes: tuple[Outcome, ...] = ()
    projects: tuple[ProjectRequirement, ...] = ()

    @property
    def eligible(self) -> bool:
        return not (self.outcomes or self.projects)


def is_mastered(course: Course, record: OutcomeRecord | None) -> bool:
    """The README's rule: mastery ≥ threshold with at least min_attempts pieces of evidence."""
    return (
        record is not None
        and record.mastery >= course.mastery_threshold
        and record.attempts >= course.min_attempts
    )


def award_gaps(course: Course, learner: Learner) -> AwardGaps:
    """Which outcomes and required projects stand between the learner and the award."""
    outcomes = tuple(o for o in course.outcomes if not is_mastered(course, learner.record(o.id)))
    projects = []
    for requirement in course.required_projects:
        record = learner.project(requirement.id)
        if record is None or record.grade < requirement.pass_mark:
            projects.append(requirement)
    return AwardGaps(outcomes=outcomes, projects=tuple(projects))


def mastered_outcomes(course: Course, learner: Learner) -> tuple[Outcome, ...]:
    """The outcomes the learner has mastered: each one earns an outcome badge."""
    return tuple(o for o in course.outcomes if is_mastered(course, learner.record(o.id)))
