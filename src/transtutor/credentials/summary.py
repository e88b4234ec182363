"""What a verified credential certifies, for the /verify page and ``transtutor verify``.

Read only after :func:`.verifying.verify` said valid: the values are then the issuer's.
Tolerant of missing fields (a credential of another OB 3.0 issuer may lack our extensions):
absent values become empty strings or None rather than errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CertifiedOutcome:
    """One learning outcome the credential aligns to, with the learner's result."""

    id: str
    title_en: str
    title_zh: str
    level: str
    mastery_percent: str


@dataclass(frozen=True)
class Certification:
    """The parts of a credential a person reads."""

    credential_id: str
    name_en: str
    name_zh: str
    issuer_name: str
    issuer_id: str
    valid_from: str
    valid_until: str | None
    achievement_type: str
    ects: float | None
    outcomes: tuple[CertifiedOutcome, ...]
    holder_name: str | None


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def what_it_certifies(credential: Mapping[str, Any]) -> Certification:
    """The readable content of ``credential`` (see the module docstring for when to call)."""
    subject = _map(credential.get("credentialSubject"))
    achievement = _map(subject.get("achievement"))
    names = _map(achievement.get("localizedName"))
    results = {
        _text(r.get("resultDescription")): _text(r.get("value"))
        for r in map(_map, _list(subject.get("result")))
    }
    descriptions = {
        _text(_map(a).get("targetCode")): _text(d.get("id"))
        for d in map(_map, _list(achievement.get("resultDescription")))
        for a in _list(d.get("alignment"))[:1]
    }
    outcomes = []
    for alignment in map(_map, _list(achievement.get("alignment"))):
        code = _text(alignment.get("targetCode"))
        titles = _map(alignment.get("localizedName"))
        outcomes.append(
            CertifiedOutcome(
                id=code,
                title_en=_text(titles.get("en")) or _text(alignment.get("targetName")),
                title_zh=_text(titles.get("zh")),
                level=_text(alignment.get("outcomeLevel")),
                mastery_percent=results.get(descriptions.get(code, ""), ""),
            )
        )
    issuer = credential.get("issuer")
    issuer_map = _map(issuer)
    holder = next(
        (
            _text(i.get("identityHash"))
            for i in map(_map, _list(subject.get("identifier")))
            if i.get("identityType") == "name" and i.get("hashed") is False
        ),
        None,
    )
    credits = achievement.get("creditsAvailable")
    return Certification(
        credential_id=_text(credential.get("id")),
        name_en=_text(names.get("en")) or _text(achievement.get("name")),
        name_zh=_text(names.get("zh")),
        issuer_name=_text(issuer_map.get("name")),
        issuer_id=_text(issuer_map.get("id")) or _text(issuer),
        valid_from=_text(credential.get("validFrom")),
        valid_until=_text(credential.get("validUntil")) or None,
        achievement_type=_text(achievement.get("achievementType")),
        ects=float(credits) if isinstance(credits, (int, float)) else None,
        outcomes=tuple(outcomes),
        holder_name=holder or None,
    )
