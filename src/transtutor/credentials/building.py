"""Unsigned Open Badges 3.0 credentials: the course credential and the outcome badges.

Every credential is an ``OpenBadgeCredential`` (W3C VC 2.0 data model) whose JSON validates
against 1EdTech's AchievementCredential schema and whose every property is defined by a
context, so canonicalization signs all of it. Where OB 3.0 has no property for something
(the Chinese texts, the EU micro-credential elements, structured evidence counts), a small
inline context — the third ``@context`` entry — defines terms in the issuer's own namespace
``<public url>/ns/credentials#`` (see ``README.md`` here, "Extension terms"). An inline context
rather than a URL: verifiers need nothing from the network to read or check it.

Privacy: the learner appears only as a salted SHA-256 ``identityHash`` of an opaque key, plus
a display name if they chose one. Evidence gives counts, grades and reviewer roles, never
answer texts.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any

from .canonical import DIVERGENT_CONTROLS, OB_V3_CONTEXT, VC_V2_CONTEXT
from .facts import (
    Bilingual,
    Course,
    Issuer,
    Learner,
    Outcome,
    award_gaps,
    is_mastered,
)
from .status_list import status_entry
from .timestamps import format_datetime


class NotEligible(ValueError):
    """The learner has not met the award rule; ``gaps`` says what is missing."""

    def __init__(self, message: str, gaps: object) -> None:
        super().__init__(message)
        self.gaps = gaps


def extension_context(issuer: Issuer) -> dict[str, Any]:
    """The inline context defining this issuer's extension terms."""
    ns = f"{issuer.base}/ns/credentials#"
    return {
        "tt": ns,
        # Language maps over schema.org's name/description: JSON-LD's own way of giving one
        # property in several languages (VC 2.0 §11.1). OB 3.0's `name` and `description`
        # stay plain English strings, which its JSON Schema requires.
        "localizedName": {"@id": "https://schema.org/name", "@container": "@language"},
        "localizedDescription": {
            "@id": "https://schema.org/description",
            "@container": "@language",
        },
        "MicroCredentialElements": "tt:MicroCredentialElements",
        "microCredential": "tt:microCredential",
        "learningOutcomes": {"@id": "tt:learningOutcomes", "@container": "@list"},
        "ectsCredits": "tt:ectsCredits",
        "eqfLevel": "tt:eqfLevel",
        "assessmentType": {"@id": "tt:assessmentType", "@container": "@language"},
        "formOfParticipation": {"@id": "tt:formOfParticipation", "@container": "@language"},
        "qualityAssurance": {"@id": "tt:qualityAssurance", "@container": "@language"},
        "awardingBody": "tt:awardingBody",
        "awardingCountry": "tt:awardingCountry",
        "outcomeLevel": "tt:outcomeLevel",
        "learningOutcome": "tt:learningOutcome",
        "attemptCount": "tt:attemptCount",
        "grade": "tt:grade",
        "passMark": "tt:passMark",
        "reviewerRoles": {"@id": "tt:reviewerRoles", "@container": "@set"},
        "stackedBadge": {"@id": "tt:stackedBadge", "@type": "@id"},
    }


def _clean(value: Any) -> Any:
    """``value`` without the control characters JSON-LD processors canonicalize differently
    (see canonical.DIVERGENT_CONTROLS): invisible in any text, fatal to interoperability."""
    if isinstance(value, str):
        return DIVERGENT_CONTROLS.sub("", value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def json_number(value: float) -> float | int:
    """``2`` rather than ``2.0``: JavaScript parses both as the same number, Python does not,
    and JSON-LD turns an integer into xsd:integer but a float into xsd:double. Writing whole
    numbers as integers gives every verifier, in any language, the same signed RDF (older
    pyld releases and jsonld.js disagreed on ``2.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _languages(text: Bilingual) -> dict[str, str]:
    return {"en": text.en, "zh": text.zh}


def hashed_identity(identity: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex SHA-256 of the UTF-8 identity with the salt
    appended (the spec's example: 'a@example.com' salted 'Kosher')."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def _identifiers(learner: Learner, salt: str) -> list[dict[str, Any]]:
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityHash": hashed_identity(learner.recipient_key, salt),
            "identityType": "identifier",
            "hashed": True,
            "salt": salt,
        }
    ]
    if learner.display_name:
        # OB 3.0's way to show a name in clear: an unhashed IdentityObject of type "name".
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": learner.display_name,
                "identityType": "name",
                "hashed": False,
            }
        )
    return identifiers


def _issuer_profile(issuer: Issuer, did: str) -> dict[str, Any]:
    return {
        "id": did,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.homepage or issuer.base,
    }


def _outcome_url(issuer: Issuer, course: Course, outcome: Outcome) -> str:
    return f"{issuer.base}/courses/{course.id}/outcomes/{outcome.id}"


def _alignment(issuer: Issuer, course: Course, outcome: Outcome) -> dict[str, Any]:
    described = outcome.description.en if outcome.description else outcome.title.en
    return {
        "type": ["Alignment"],
        "targetName": outcome.title.en,
        "targetUrl": _outcome_url(issuer, course, outcome),
        "targetCode": outcome.id,
        "targetDescription": f"{described} (level: {outcome.level})",
        "targetFramework": course.title.en,
        "targetType": "ext:LearningOutcome",
        "localizedName": _languages(outcome.title),
        "outcomeLevel": outcome.level,
    }


def _result_description(
    achievement_id: str, issuer: Issuer, course: Course, outcome: Outcome
) -> dict[str, Any]:
    return {
        "id": f"{achievement_id}/results/{outcome.id}",
        "type": ["ResultDescription"],
        "name": f"Mastery of {outcome.id}: {outcome.title.en}",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
        "requiredValue": _percent(course.mastery_threshold),
        "alignment": [_alignment(issuer, course, outcome)],
    }


def _percent(share: float) -> str:
    return str(round(share * 100))


def _result(achievement_id: str, outcome: Outcome, mastery: float) -> dict[str, Any]:
    return {
        "type": ["Result"],
        "resultDescription": f"{achievement_id}/results/{outcome.id}",
        "value": _percent(mastery),
        "status": "Completed",
    }


def _micro_elements(course: Course, outcomes: list[Outcome]) -> dict[str, Any]:
    elements = course.elements
    block: dict[str, Any] = {
        "type": "MicroCredentialElements",
        "learningOutcomes": [o.id for o in outcomes],
        "ectsCredits": json_number(elements.ects),
        "assessmentType": _languages(elements.assessment),
        "formOfParticipation": _languages(elements.participation),
        "qualityAssurance": _languages(elements.quality_assurance),
        "awardingBody": {
            "id": elements.awarding_body_url,
            "type": ["Profile"],
            "name": elements.awarding_body_name,
            "url": elements.awarding_body_url,
            "address": {"type": ["Address"], "addressCountryCode": elements.country},
        },
        "awardingCountry": elements.country,
    }
    if elements.eqf_level is not None:
        block["eqfLevel"] = elements.eqf_level
    return block


def _envelope(
    issuer: Issuer,
    did: str,
    course: Course,
    *,
    name: Bilingual,
    issued_at: datetime,
    status_index: int,
    credential_id: str | None,
) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT, extension_context(issuer)],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name.en,
        "localizedName": _languages(name),
        "issuer": _issuer_profile(issuer, did),
        "validFrom": format_datetime(issued_at),
    }
    if course.valid_for is not None:
        credential["validUntil"] = format_datetime(issued_at + course.valid_for)
    credential["credentialStatus"] = status_entry(issuer.status_list_url(), status_index)
    return credential


def build_course_credential(
    issuer: Issuer,
    did: str,
    course: Course,
    learner: Learner,
    *,
    issued_at: datetime,
    status_index: int,
    stacked_badges: dict[str, str] | None = None,
    credential_id: str | None = None,
    salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned course credential; NotEligible if the award rule is not met.

    ``stacked_badges`` maps outcome ids to the ids of the outcome badge credentials already
    issued; each becomes the ``id`` of that outcome's evidence and a ``stackedBadge`` link.
    """
    gaps = award_gaps(course, learner)
    if not gaps.eligible:
        raise NotEligible("the award rule is not met", gaps)
    stacked = stacked_badges or {}
    achievement_id = f"{issuer.base}/courses/{course.id}/achievement"
    outcomes = list(course.outcomes)
    rule = _award_rule(course)
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": course.title.en,
        "description": course.description.en,
        "localizedName": _languages(course.title),
        "localizedDescription": _languages(course.description),
        "inLanguage": "en",
        "humanCode": course.id,
        "criteria": {"narrative": f"{rule.en}\n\n{rule.zh}"},
        "creditsAvailable": json_number(course.elements.ects),
        "alignment": [_alignment(issuer, course, o) for o in outcomes],
        "resultDescription": [
            _result_description(achievement_id, issuer, course, o) for o in outcomes
        ],
        "microCredential": _micro_elements(course, outcomes),
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": _identifiers(learner, salt or secrets.token_hex(16)),
        "achievement": achievement,
        "creditsEarned": json_number(course.elements.ects),
        "result": [_result(achievement_id, o, _mastery(learner, o.id)) for o in outcomes],
    }
    if learner.started is not None:
        subject["activityStartDate"] = format_datetime(learner.started)
    subject["activityEndDate"] = format_datetime(issued_at)
    if stacked:
        subject["stackedBadge"] = [stacked[o.id] for o in outcomes if o.id in stacked]
    credential = _envelope(
        issuer,
        did,
        course,
        name=course.title,
        issued_at=issued_at,
        status_index=status_index,
        credential_id=credential_id,
    )
    credential["credentialSubject"] = subject
    credential["evidence"] = _outcome_evidence(
        course, learner, outcomes, stacked
    ) + _project_evidence(course, learner)
    cleaned: dict[str, Any] = _clean(credential)
    return cleaned


def build_outcome_badge(
    issuer: Issuer,
    did: str,
    course: Course,
    outcome_id: str,
    learner: Learner,
    *,
    issued_at: datetime,
    status_index: int,
    credential_id: str | None = None,
    salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned badge for one mastered outcome; NotEligible if it is not mastered."""
    outcome = next((o for o in course.outcomes if o.id == outcome_id), None)
    if outcome is None:
        raise KeyError(outcome_id)
    if not is_mastered(course, learner.record(outcome_id)):
        raise NotEligible(f"{outcome_id} is not mastered", outcome)
    achievement_id = f"{_outcome_url(issuer, course, outcome)}/achievement"
    rule = Bilingual(
        en=(
            f"Mastery of {outcome.id} of at least {_percent(course.mastery_threshold)}% over at "
            f"least {course.min_attempts} graded translation exercises."
        ),
        zh=(
            f"学习成果 {outcome.id} 的掌握度不低于 {_percent(course.mastery_threshold)}%，"
            f"且至少完成 {course.min_attempts} 次评分练习。"
        ),
    )
    description = outcome.description or outcome.title
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": outcome.title.en,
        "description": description.en,
        "localizedName": _languages(outcome.title),
        "localizedDescription": _languages(description),
        "inLanguage": "en",
        "humanCode": f"{course.id}-{outcome.id}",
        "criteria": {"narrative": f"{rule.en}\n\n{rule.zh}"},
        "alignment": [_alignment(issuer, course, outcome)],
        "resultDescription": [_result_description(achievement_id, issuer, course, outcome)],
    }
    subject = {
        "type": ["AchievementSubject"],
        "identifier": _identifiers(learner, salt or secrets.token_hex(16)),
        "achievement": achievement,
        "result": [_result(achievement_id, outcome, _mastery(learner, outcome.id))],
    }
    credential = _envelope(
        issuer,
        did,
        course,
        name=outcome.title,
        issued_at=issued_at,
        status_index=status_index,
        credential_id=credential_id,
    )
    credential["credentialSubject"] = subject
    credential["evidence"] = _outcome_evidence(course, learner, [outcome], {})
    cleaned: dict[str, Any] = _clean(credential)
    return cleaned


def _mastery(learner: Learner, outcome_id: str) -> float:
    record = learner.record(outcome_id)
    return record.mastery if record else 0.0


def _award_rule(course: Course) -> Bilingual:
    threshold = _percent(course.mastery_threshold)
    en = (
        f"Every learning outcome ({', '.join(o.id for o in course.outcomes)}) mastered: a "
        f"recency-weighted mastery of at least {threshold}% over at least "
        f"{course.min_attempts} graded translation exercises each."
    )
    zh = (
        f"掌握全部学习成果（{'、'.join(o.id for o in course.outcomes)}）：每项成果的加权掌握度"
        f"不低于 {threshold}%，且至少完成 {course.min_attempts} 次评分翻译练习。"
    )
    if course.required_projects:
        en += (
            " Required projects graded at or above their pass mark: "
            + ", ".join(f"{p.title.en} ({p.pass_mark:g}/100)" for p in course.required_projects)
            + "."
        )
        zh += (
            "必修项目成绩达到及格线："
            + "、".join(f"{p.title.zh}（{p.pass_mark:g}/100）" for p in course.required_projects)
            + "。"
        )
    return Bilingual(en=en, zh=zh)


def _outcome_evidence(
    course: Course, learner: Learner, outcomes: list[Outcome], stacked: dict[str, str]
) -> list[dict[str, Any]]:
    evidence = []
    for outcome in outcomes:
        record = learner.record(outcome.id)
        attempts = record.attempts if record else 0
        item: dict[str, Any] = {
            "type": ["Evidence"],
            "name": f"Practice record for {outcome.id}",
            "genre": "Practice record",
            "narrative": (
                f"{attempts} graded translation exercises assessed {outcome.id} "
                f"({outcome.title.en}); final mastery {_percent(_mastery(learner, outcome.id))}%."
            ),
            "learningOutcome": outcome.id,
            "attemptCount": attempts,
        }
        if outcome.id in stacked:
            # The outcome badge is the evidence for this outcome: the stacking link.
            item["id"] = stacked[outcome.id]
        evidence.append(item)
    return evidence


def _project_evidence(course: Course, learner: Learner) -> list[dict[str, Any]]:
    evidence = []
    for requirement in course.required_projects:
        record = learner.project(requirement.id)
        if record is None:
            continue
        roles = sorted(set(record.reviewer_roles))
        evidence.append(
            {
                "type": ["Evidence"],
                "name": f"Project {requirement.id}: {requirement.title.en}",
                "genre": "Reviewed project",
                "narrative": (
                    f"Graded {record.grade:g}/100 (pass mark {requirement.pass_mark:g}); "
                    f"reviewed by: {', '.join(roles) or 'nobody recorded'}."
                ),
                "grade": json_number(record.grade),
                "passMark": json_number(requirement.pass_mark),
                "reviewerRoles": roles,
            }
        )
    return evidence
