"""Bad input to verify(): a reason every time, never a traceback."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import Bitstring, CredentialIssuer, KeyStore, Reason, Verdict, verify


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any]:
    issuer = CredentialIssuer(ISSUER, KeyStore.open(tmp_path_factory.mktemp("keys"), NOW))
    credential = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=1)
    listed = issuer.status_list(Bitstring(), NOW)
    return credential, issuer.local_resolver(lambda url: listed)


def _is_a_clear_verdict(verdict: Verdict) -> bool:
    return (
        isinstance(verdict, Verdict) and bool(verdict.message("en")) and bool(verdict.message("zh"))
    )


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", Reason.NOT_JSON),
        ("{", Reason.NOT_JSON),
        ("[1, 2]", Reason.NOT_A_CREDENTIAL),
        ("42", Reason.NOT_A_CREDENTIAL),
        ('{"hello": "world"}', Reason.NOT_A_CREDENTIAL),
        (
            '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}',
            Reason.MALFORMED,
        ),
        (b"\xff\xfe\x00garbage", Reason.NOT_JSON),
        ("[" * 100_000, Reason.MALFORMED),  # nested too deeply for any parser
    ],
)
def test_obvious_garbage(
    issued: tuple[dict[str, Any], Any], text: str | bytes, reason: Reason
) -> None:
    verdict = verify(text, issued[1], NOW)
    assert verdict.reason is reason, verdict
    assert _is_a_clear_verdict(verdict)


def test_a_foreign_context_is_refused_not_fetched(issued: tuple[dict[str, Any], Any]) -> None:
    credential = copy.deepcopy(issued[0])
    credential["@context"].append("https://attacker.example/context.json")
    verdict = verify(credential, issued[1], NOW)
    assert verdict.reason is Reason.MALFORMED and "not bundled" in verdict.detail


def test_a_v1_credential_is_not_ours(issued: tuple[dict[str, Any], Any]) -> None:
    credential = copy.deepcopy(issued[0])
    credential["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    assert verify(credential, issued[1], NOW).reason is Reason.NOT_A_CREDENTIAL


def test_a_proof_removed_or_replaced_by_junk(issued: tuple[dict[str, Any], Any]) -> None:
    for junk in (
        None,
        7,
        "x",
        [],
        [{}],
        [{"type": "Ed25519Signature2020"}],
        {"type": "DataIntegrityProof"},
    ):
        credential = copy.deepcopy(issued[0])
        credential["proof"] = junk
        verdict = verify(credential, issued[1], NOW)
        assert verdict.reason is Reason.MALFORMED, (junk, verdict)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_truncated_credentials(issued: tuple[dict[str, Any], Any], cut: float) -> None:
    text = json.dumps(issued[0], ensure_ascii=False)
    verdict = verify(text[: int(len(text) * cut)], issued[1], NOW)
    assert verdict.reason is Reason.NOT_JSON
    assert _is_a_clear_verdict(verdict)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_json)
def test_random_json(issued: tuple[dict[str, Any], Any], value: Any) -> None:
    verdict = verify(json.dumps(value), issued[1], NOW)
    assert not verdict.valid and _is_a_clear_verdict(verdict)


_keys = st.sampled_from(
    [
        "@context",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "credentialStatus",
        "proof",
        "id",
        "evidence",
        "@id",
        "@type",
        "@value",
    ]
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=_keys, value=_json)
def test_a_field_replaced_by_random_json(
    issued: tuple[dict[str, Any], Any], key: str, value: Any
) -> None:
    credential = copy.deepcopy(issued[0])
    credential[key] = value
    verdict = verify(json.dumps(credential), issued[1], NOW)
    assert _is_a_clear_verdict(verdict)
    assert not verdict.valid or credential == issued[0]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_random_bytes(issued: tuple[dict[str, Any], Any], data: bytes) -> None:
    verdict = verify(data, issued[1], NOW)
    assert not verdict.valid and _is_a_clear_verdict(verdict)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["evidence"].append(
            {"id": "fake-evidence", "type": ["Evidence"], "name": "Extra praise"}
        ),
        lambda c: c["credentialSubject"].update({"id": "relative/learner"}),
        lambda c: c["credentialSubject"]["achievement"].update({"image": "pic.png"}),
        lambda c: c.update({"@type": []}),
        lambda c: c["credentialSubject"].update({"@id": "urn:x"}),
    ],
)
def test_changes_the_signature_cannot_see_are_refused(
    issued: tuple[dict[str, Any], Any], change: Any
) -> None:
    # Keyword noise ("@type": []) leaves the signed RDF graph unchanged, so the signature
    # alone would pass it; relative IRIs are dropped from the graph by the JSON-LD to-RDF
    # algorithm in other processors. Both would show readers content nobody signed.
    credential = copy.deepcopy(issued[0])
    change(credential)
    verdict = verify(credential, issued[1], NOW)
    assert verdict.reason is Reason.MALFORMED, verdict


def test_a_proof_with_an_unreadable_created_is_malformed(
    issued: tuple[dict[str, Any], Any],
) -> None:
    credential = copy.deepcopy(issued[0])
    credential["proof"][0]["created"] = "yesterday"
    assert verify(credential, issued[1], NOW).reason is Reason.MALFORMED


def test_control_characters_that_verifiers_disagree_on_are_refused(
    issued: tuple[dict[str, Any], Any],
) -> None:
    # pyld writes U+0001 raw into N-Quads, RDFC-1.0 (jsonld.js) writes \u0001: the same
    # credential would verify here and fail elsewhere, so neither side accepts one.
    credential = copy.deepcopy(issued[0])
    credential["credentialSubject"]["achievement"]["name"] += "\x01"
    verdict = verify(credential, issued[1], NOW)
    assert verdict.reason is Reason.MALFORMED and "control characters" in verdict.detail
