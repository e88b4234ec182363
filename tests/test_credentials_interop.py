"""A verifier that is not transtutor's accepts its proofs: Digital Bazaar's jsonld-signatures
with the eddsa-rdfc-2022 cryptosuite (the implementation of the W3C spec's editors), run by
Node over the bundled contexts, offline.

Needs ``node`` and the packages pinned in tests/interop/package-lock.json:
``npm ci --prefix tests/interop``. Skipped, saying so, when either is missing.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import Bitstring, CredentialIssuer, KeyStore, ProjectRecord

INTEROP = Path(__file__).parent / "interop"
CONTEXTS = Path(__file__).parents[1] / "src" / "transtutor" / "credentials" / "contexts"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (INTEROP / "node_modules" / "jsonld-signatures").exists(),
    reason="the reference verifier needs node and `npm ci --prefix tests/interop`",
)


def _node_verify(
    tmp_path: Path, credential: dict[str, Any], did_document: dict[str, Any]
) -> dict[str, Any]:
    (tmp_path / "credential.json").write_text(json.dumps(credential, ensure_ascii=False), "utf-8")
    (tmp_path / "did.json").write_text(json.dumps(did_document), "utf-8")
    contexts = [
        f"https://www.w3.org/ns/credentials/v2={CONTEXTS / 'credentials-v2.jsonld'}",
        f"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json={CONTEXTS / 'ob-v3p0-3.0.3.json'}",
    ]
    done = subprocess.run(
        [
            "node",
            str(INTEROP / "verify_di.mjs"),
            str(tmp_path / "credential.json"),
            str(tmp_path / "did.json"),
            *contexts,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def issuer(tmp_path: Path) -> CredentialIssuer:
    return CredentialIssuer(ISSUER, KeyStore.open(tmp_path / "keys", NOW))


def test_reference_verifier_accepts_the_course_credential(
    issuer: CredentialIssuer, tmp_path: Path
) -> None:
    credential = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=4)
    assert _node_verify(tmp_path, credential, issuer.did_document()) == {
        "verified": True,
        "error": "",
    }


def test_reference_verifier_accepts_badges_and_status_lists(
    issuer: CredentialIssuer, tmp_path: Path
) -> None:
    badge = issuer.issue_outcome_badge(COURSE, "LO1", LEARNER, now=NOW, status_index=5)
    assert _node_verify(tmp_path, badge, issuer.did_document())["verified"]
    bits = Bitstring()
    bits.set(5)
    assert _node_verify(tmp_path, issuer.status_list(bits, NOW), issuer.did_document())["verified"]


def test_reference_verifier_rejects_a_changed_credential(
    issuer: CredentialIssuer, tmp_path: Path
) -> None:
    credential = copy.deepcopy(
        issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=4)
    )
    credential["credentialSubject"]["result"][1]["value"] = "100"
    result = _node_verify(tmp_path, credential, issuer.did_document())
    assert result["verified"] is False and "signature" in result["error"].lower()


def test_reference_verifier_accepts_old_credentials_after_rotation(
    issuer: CredentialIssuer, tmp_path: Path
) -> None:
    old = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=4)
    issuer.keys.rotate(NOW)
    assert _node_verify(tmp_path, old, issuer.did_document())["verified"]


def test_reference_verifier_agrees_on_fractional_numbers(
    issuer: CredentialIssuer, tmp_path: Path
) -> None:
    # Numbers are where JSON-LD processors in different languages most easily disagree.
    course = dataclasses.replace(COURSE, elements=dataclasses.replace(COURSE.elements, ects=2.5))
    learner = dataclasses.replace(LEARNER, projects=(ProjectRecord("P1", 77.5, ("instructor",)),))
    credential = issuer.issue_course_credential(course, learner, now=NOW, status_index=4)
    assert credential["credentialSubject"]["achievement"]["creditsAvailable"] == 2.5
    assert _node_verify(tmp_path, credential, issuer.did_document())["verified"]
