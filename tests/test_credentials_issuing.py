"""Issue -> verify round trips, every failure reason, key rotation, the 1EdTech schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import (
    Bitstring,
    CredentialIssuer,
    KeyStore,
    Learner,
    NotEligible,
    OutcomeRecord,
    Reason,
    Resolver,
    award_gaps,
    mastered_outcomes,
    verify,
)
from transtutor.credentials.building import hashed_identity
from transtutor.credentials.verifying import CLOCK_SKEW

SCHEMA = json.loads(
    (
        Path(__file__).parent / "data/credentials/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)


class World:
    """An issuer, its revocation list and a resolver answering from them."""

    def __init__(self, directory: Path) -> None:
        self.keys = KeyStore.open(directory / "keys", NOW)
        self.issuer = CredentialIssuer(ISSUER, self.keys)
        self.bits = Bitstring()

    def status_list(self, url: str) -> Mapping[str, Any] | None:
        if url != ISSUER.status_list_url():
            return None
        return self.issuer.status_list(self.bits, NOW)

    @property
    def resolver(self) -> Resolver:
        return self.issuer.local_resolver(self.status_list)

    def issue(self, index: int = 5, **kwargs: Any) -> dict[str, Any]:
        return self.issuer.issue_course_credential(
            COURSE, LEARNER, now=NOW, status_index=index, **kwargs
        )


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _validate(credential: Mapping[str, Any]) -> None:
    validator = jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_round_trip_from_json_text(world: World) -> None:
    credential = world.issue()
    verdict = verify(
        json.dumps(credential, ensure_ascii=False), world.resolver, NOW + timedelta(days=1)
    )
    assert verdict.valid, verdict
    assert verdict.message("en").startswith("Valid")
    assert verdict.message("zh").startswith("有效")


def test_shape_of_the_course_credential(world: World) -> None:
    credential = world.issue()
    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": "did:web:bot.example.edu",
        "type": ["Profile"],
        "name": ISSUER.name,
        "url": "https://bot.example.edu",
    }
    assert credential["validFrom"] == "2026-12-01T12:00:00Z"
    assert credential["validUntil"].startswith("2031-11-")
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["localizedName"] == {"en": COURSE.title.en, "zh": COURSE.title.zh}
    assert [a["targetCode"] for a in achievement["alignment"]] == ["LO1", "LO2"]
    assert [r["value"] for r in subject["result"]] == ["86", "91"]
    assert (
        "80%" in achievement["criteria"]["narrative"]
        and "80%" in achievement["criteria"]["narrative"].split("\n\n")[1]
    )
    elements = achievement["microCredential"]
    assert elements["ectsCredits"] == 2 and elements["awardingCountry"] == "CN"
    assert isinstance(elements["ectsCredits"], int)  # 2, not 2.0: see building.json_number
    assert {e.get("attemptCount") for e in credential["evidence"]} >= {12, 9}
    project = next(e for e in credential["evidence"] if e["genre"] == "Reviewed project")
    assert project["grade"] == 78 and project["reviewerRoles"] == ["instructor", "peer"]
    status = credential["credentialStatus"]
    assert status == {
        "id": "https://bot.example.edu/status/revocation-1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://bot.example.edu/status/revocation-1",
    }
    (proof,) = credential["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022" and proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == f"did:web:bot.example.edu#{world.keys.current_id}"
    assert proof["proofValue"].startswith("z")


def test_the_learner_appears_only_hashed(world: World) -> None:
    credential = world.issue()
    text = json.dumps(credential)
    assert LEARNER.recipient_key not in text
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["hashed"] is True
    assert identity["identityHash"] == hashed_identity(LEARNER.recipient_key, identity["salt"])


def test_display_name_only_when_the_learner_opts_in(world: World) -> None:
    named = Learner(
        LEARNER.recipient_key, LEARNER.outcomes, LEARNER.projects, display_name="Li Hua"
    )
    credential = world.issuer.issue_course_credential(COURSE, named, now=NOW, status_index=1)
    identities = credential["credentialSubject"]["identifier"]
    assert {
        "type": "IdentityObject",
        "identityHash": "Li Hua",
        "identityType": "name",
        "hashed": False,
    } in identities
    assert verify(credential, world.resolver, NOW).valid
    _validate(credential)


def test_identity_hash_matches_the_ob3_example() -> None:
    # The OB 3.0 data model's IdentityHash example: 'a@example.com' salted with 'Kosher'.
    assert hashed_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


@pytest.mark.parametrize(
    "path, value",
    [
        (("credentialSubject", "result", 0, "value"), "100"),
        (("credentialSubject", "achievement", "name"), "Master of Everything"),
        (("credentialSubject", "achievement", "localizedName", "zh"), "万能大师"),
        (("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("credentialStatus", "statusListIndex"), "6"),
        (("evidence", 0, "attemptCount"), 100),
        (("proof", 0, "created"), "2026-12-01T12:00:01Z"),
    ],
)
def test_a_changed_field_is_tampered(world: World, path: tuple[Any, ...], value: Any) -> None:
    changed = copy.deepcopy(world.issue())
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    verdict = verify(json.dumps(changed), world.resolver, NOW)
    assert verdict.reason is Reason.TAMPERED, verdict
    assert "changed" in verdict.message()


def test_an_added_field_is_tampered(world: World) -> None:
    changed = copy.deepcopy(world.issue())
    changed["credentialSubject"]["achievement"]["creditsAvailable"] = 60
    assert verify(changed, world.resolver, NOW).reason is Reason.TAMPERED


def test_a_forged_signature_is_tampered_and_a_broken_one_bad(world: World) -> None:
    credential = world.issue()
    forged = copy.deepcopy(credential)
    forged["proof"][0]["proofValue"] = world.issue()["proof"][0]["proofValue"]
    assert verify(forged, world.resolver, NOW).reason is Reason.TAMPERED
    broken = copy.deepcopy(credential)
    broken["proof"][0]["proofValue"] = "not-multibase"
    assert verify(broken, world.resolver, NOW).reason is Reason.BAD_SIGNATURE


def test_revoked_is_rejected_and_restored_is_accepted(world: World) -> None:
    credential = world.issue(index=42)
    world.bits.set(42)
    verdict = verify(credential, world.resolver, NOW)
    assert verdict.reason is Reason.REVOKED
    assert "撤销" in verdict.message("zh")
    world.bits.set(42, False)
    assert verify(credential, world.resolver, NOW).valid


def test_another_bit_does_not_revoke(world: World) -> None:
    credential = world.issue(index=42)
    world.bits.set(41)
    world.bits.set(43)
    assert verify(credential, world.resolver, NOW).valid


def test_expired_and_not_yet_valid(world: World) -> None:
    credential = world.issue()
    assert (
        verify(credential, world.resolver, NOW + timedelta(days=365 * 5 + 2)).reason
        is Reason.EXPIRED
    )
    early = verify(credential, world.resolver, NOW - CLOCK_SKEW - timedelta(seconds=1))
    assert early.reason is Reason.NOT_YET_VALID
    # A verifier whose clock is a few seconds behind the issuer's still accepts it.
    assert verify(credential, world.resolver, NOW - timedelta(seconds=5)).reason is Reason.VALID


def test_rotated_key_still_verifies_old_credentials(world: World) -> None:
    old = world.issue()
    old_key = world.keys.current_id
    world.keys.rotate(NOW + timedelta(days=1))
    assert world.keys.current_id != old_key
    new = world.issue()
    assert new["proof"][0]["verificationMethod"].endswith(world.keys.current_id)
    document = world.issuer.did_document()
    assert [m["id"].split("#")[1] for m in document["verificationMethod"]] == [
        world.keys.current_id,
        old_key,
    ]
    assert verify(old, world.resolver, NOW).valid
    assert verify(new, world.resolver, NOW).valid


def test_a_key_the_issuer_never_had_is_unknown(world: World, tmp_path: Path) -> None:
    stranger = World(tmp_path / "other")
    credential = stranger.issue()
    verdict = verify(credential, world.resolver, NOW)
    assert verdict.reason is Reason.UNKNOWN_ISSUER_KEY, verdict


def test_a_key_of_another_did_cannot_sign_for_the_issuer(world: World) -> None:
    credential = copy.deepcopy(world.issue())
    credential["proof"][0]["verificationMethod"] = "did:web:evil.example#key-1"
    assert verify(credential, world.resolver, NOW).reason is Reason.UNKNOWN_ISSUER_KEY


def test_an_unresolvable_issuer_is_unknown(world: World) -> None:
    def failing(did: str) -> None:
        raise OSError("network down")

    resolver = Resolver(did_document=failing, status_list=world.status_list)
    assert verify(world.issue(), resolver, NOW).reason is Reason.UNKNOWN_ISSUER_KEY


def test_status_list_unavailable_or_forged(world: World, tmp_path: Path) -> None:
    credential = world.issue(index=9)
    no_lists = world.issuer.local_resolver(lambda url: None)
    assert verify(credential, no_lists, NOW).reason is Reason.STATUS_UNAVAILABLE
    # A list signed by someone else that claims the credential is fine is not believed.
    world.bits.set(9)
    stranger = World(tmp_path / "other")
    forged = world.issuer.local_resolver(lambda url: stranger.issuer.status_list(Bitstring(), NOW))
    assert verify(credential, forged, NOW).reason is Reason.STATUS_UNAVAILABLE
    # A list whose bits were edited after signing is not believed either.
    listed = copy.deepcopy(world.issuer.status_list(world.bits, NOW))
    listed["credentialSubject"]["encodedList"] = Bitstring().encode()
    edited = world.issuer.local_resolver(lambda url: listed)
    assert verify(credential, edited, NOW).reason is Reason.STATUS_UNAVAILABLE


def test_course_credential_validates_against_the_1edtech_schema(world: World) -> None:
    _validate(world.issue())


def test_outcome_badges_validate_verify_and_stack(world: World) -> None:
    badges = {
        o.id: world.issuer.issue_outcome_badge(COURSE, o.id, LEARNER, now=NOW, status_index=10 + i)
        for i, o in enumerate(COURSE.outcomes)
    }
    for badge in badges.values():
        _validate(badge)
        assert verify(badge, world.resolver, NOW).valid
    assert badges["LO2"]["credentialSubject"]["achievement"]["achievementType"] == "Competency"
    course = world.issue(stacked_badges={k: v["id"] for k, v in badges.items()})
    _validate(course)
    assert verify(course, world.resolver, NOW).valid
    assert course["credentialSubject"]["stackedBadge"] == [badges["LO1"]["id"], badges["LO2"]["id"]]
    assert {e.get("id") for e in course["evidence"]} >= {badges["LO1"]["id"], badges["LO2"]["id"]}


def test_not_mastered_is_not_eligible(world: World) -> None:
    weak = Learner("learner-x", (OutcomeRecord("LO1", 0.95, 10), OutcomeRecord("LO2", 0.7, 10)))
    gaps = award_gaps(COURSE, weak)
    assert [o.id for o in gaps.outcomes] == ["LO2"] and [p.id for p in gaps.projects] == ["P1"]
    with pytest.raises(NotEligible) as raised:
        world.issuer.issue_course_credential(COURSE, weak, now=NOW, status_index=1)
    assert raised.value.gaps == gaps
    with pytest.raises(NotEligible):
        world.issuer.issue_outcome_badge(COURSE, "LO2", weak, now=NOW, status_index=1)
    few = Learner("learner-y", (OutcomeRecord("LO1", 0.95, 2),))
    assert "LO1" in [o.id for o in award_gaps(COURSE, few).outcomes]
    assert award_gaps(COURSE, LEARNER).eligible
    assert [o.id for o in mastered_outcomes(COURSE, weak)] == ["LO1"]
    assert [o.id for o in mastered_outcomes(COURSE, LEARNER)] == ["LO1", "LO2"]


def test_what_a_verified_credential_certifies(world: World) -> None:
    from transtutor.credentials import what_it_certifies

    credential = world.issue()
    verdict = verify(credential, world.resolver, NOW)
    assert verdict.valid and verdict.credential is not None
    summary = what_it_certifies(verdict.credential)
    assert summary.name_zh == COURSE.title.zh and summary.issuer_id == "did:web:bot.example.edu"
    assert summary.achievement_type == "MicroCredential" and summary.ects == 2.0
    assert [(o.id, o.level, o.mastery_percent) for o in summary.outcomes] == [
        ("LO1", "EQF 6", "86"),
        ("LO2", "EQF 6", "91"),
    ]
    assert summary.outcomes[1].title_zh == "一致地使用领域术语"
    assert summary.holder_name is None
    assert what_it_certifies({"credentialSubject": 3}).outcomes == ()
