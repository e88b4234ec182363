"""Checking a credential: structure, issuer key, signature, validity window, revocation.

``verify`` never raises on bad input: every failure is a :class:`Verdict` with a reason code
(for programs and tests) and a sentence in English and Chinese (for the /verify page and
``transtutor verify``). The outside world — DID documents and status lists — comes through a
:class:`Resolver` of two callables, so the web server, a local store or a test can answer,
and this module never opens a connection itself.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import proof as proofs
from .canonical import (
    DIVERGENT_CONTROLS,
    VC_V2_CONTEXT,
    CanonicalizationError,
    iri_valued_terms,
)
from .did import find_assertion_key
from .multibase import MultibaseError, ed25519_public_from_multibase
from .status_list import StatusListError, read_entry, read_list
from .timestamps import parse_datetime

# Larger inputs are refused before parsing: a credential is a few kilobytes.
MAX_INPUT = 1_000_000


class Reason(enum.Enum):
    """Why a credential is not valid (or VALID)."""

    VALID = "valid"
    NOT_JSON = "not_json"
    MALFORMED = "malformed"
    NOT_A_CREDENTIAL = "not_a_credential"
    UNKNOWN_ISSUER_KEY = "unknown_issuer_key"
    BAD_SIGNATURE = "bad_signature"
    TAMPERED = "tampered"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATUS_UNAVAILABLE = "status_unavailable"


_SENTENCES: dict[Reason, tuple[str, str]] = {
    Reason.VALID: (
        "Valid: authentic, unaltered, not revoked and within its validity.",
        "有效：真实、未被篡改、未被撤销，且在有效期内。",
    ),
    Reason.NOT_JSON: ("This is not JSON.", "这不是 JSON 数据。"),
    Reason.MALFORMED: ("The credential is malformed", "凭证格式不正确"),
    Reason.NOT_A_CREDENTIAL: (
        "This is not an Open Badges 3.0 credential",
        "这不是 Open Badges 3.0 凭证",
    ),
    Reason.UNKNOWN_ISSUER_KEY: (
        "The signing key is not one of the issuer's keys",
        "签名密钥不属于该发证机构",
    ),
    Reason.BAD_SIGNATURE: ("The signature is not valid", "签名无效"),
    Reason.TAMPERED: ("The credential was changed after it was signed", "凭证在签发后被修改过"),
    Reason.NOT_YET_VALID: ("The credential is not valid yet", "凭证尚未生效"),
    Reason.EXPIRED: ("The credential has expired", "凭证已过期"),
    Reason.REVOKED: ("The credential was revoked by its issuer", "凭证已被发证机构撤销"),
    Reason.STATUS_UNAVAILABLE: (
        "Its revocation status cannot be checked",
        "无法查询凭证的撤销状态",
    ),
}


@dataclass(frozen=True)
class Resolver:
    """Where verification gets the outside world from. Each returns None if it cannot."""

    did_document: Callable[[str], Mapping[str, Any] | None]
    status_list: Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`verify`. ``detail`` adds what exactly was wrong."""

    reason: Reason
    detail: str = ""
    credential: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return self.reason is Reason.VALID

    def message(self, language: str = "en") -> str:
        """One sentence for people, in ``en`` or ``zh``."""
        en, zh = _SENTENCES[self.reason]
        text = zh if language.startswith("zh") else en
        if self.detail and not self.valid:
            text += (": " if language == "en" else "：") + self.detail
        return text


class _Fail(Exception):
    """Internal: stops verification with a verdict."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(detail)
        self.verdict = Verdict(reason, detail)


def verify(
    credential: str | bytes | Mapping[str, Any],
    resolver: Resolver,
    now: datetime | None = None,
) -> Verdict:
    """Check ``credential`` (JSON text, bytes or a parsed object) completely.

    Order matters for the reason given: a credential that fails its signature is reported as
    tampered or forged before anything it claims (validity, status) is believed.
    """
    moment = now or datetime.now(UTC)
    try:
        document = _parse(credential)
        _check_shape(document)
        _check_signature(document, resolver)
        _check_window(document, moment)
        _check_status(document, resolver, moment)
    except _Fail as failure:
        return failure.verdict
    except RecursionError:
        return Verdict(Reason.MALFORMED, "nested too deeply")
    except Exception as exc:  # a last net: the contract is a verdict, never a traceback
        return Verdict(Reason.MALFORMED, f"unreadable ({type(exc).__name__})")
    return Verdict(Reason.VALID, credential=document)


def _parse(credential: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(credential, Mapping):
        return credential
    if isinstance(credential, (bytes, bytearray)):
        if len(credential) > MAX_INPUT:
            raise _Fail(Reason.MALFORMED, "larger than any credential")
        try:
            credential = bytes(credential).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _Fail(Reason.NOT_JSON, "not UTF-8 text") from exc
    if not isinstance(credential, str):
        raise _Fail(Reason.NOT_JSON)
    if len(credential) > MAX_INPUT:
        raise _Fail(Reason.MALFORMED, "larger than any credential")
    try:
        parsed = json.loads(credential)
    except ValueError as exc:
        raise _Fail(Reason.NOT_JSON, str(exc).split(":")[0]) from exc
    if not isinstance(parsed, dict):
        raise _Fail(Reason.NOT_A_CREDENTIAL, "a JSON object was expected")
    return parsed


def _check_shape(document: Mapping[str, Any]) -> None:
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2_CONTEXT:
        raise _Fail(Reason.NOT_A_CREDENTIAL, "@context does not start with the VC 2.0 context")
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise _Fail(Reason.NOT_A_CREDENTIAL, "type lacks VerifiableCredential")
    if "proof" not in document:
        raise _Fail(Reason.MALFORMED, "no proof")
    if not isinstance(document.get("credentialSubject"), Mapping):
        raise _Fail(Reason.MALFORMED, "no credentialSubject")
    if _issuer_id(document) is None:
        raise _Fail(Reason.MALFORMED, "no issuer id")
    keyword = _stray_keyword(document)
    if keyword:
        raise _Fail(
            Reason.MALFORMED, f"uses the JSON-LD keyword {keyword}, which credentials never do"
        )
    relative = _relative_iri(document)
    if relative:
        raise _Fail(Reason.MALFORMED, f"{relative} is not an absolute IRI")
    if _has_divergent_controls(document):
        raise _Fail(Reason.MALFORMED, "contains control characters verifiers disagree on")


_ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|_:)\S*$")


def _relative_iri(document: Mapping[str, Any]) -> str | None:
    """The first IRI-valued property whose value is not an absolute IRI, if any.

    The JSON-LD to-RDF algorithm drops relative IRIs (and the statements that use them) from
    the graph the signature covers; pyld keeps them, other processors do not. So such a value
    either slips past other verifiers' signature checks or makes one document verify
    differently in different places. This issuer writes absolute IRIs only; refuse the rest.
    """
    terms = iri_valued_terms() | {"stackedBadge"}
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "@context":
                    continue
                if key in terms:
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str) and not _ABSOLUTE_IRI.match(item):
                            return str(key)
                pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return None


def _has_divergent_controls(document: Mapping[str, Any]) -> bool:
    """Whether any key or text holds a character pyld and RDFC-1.0 escape differently
    (canonical.DIVERGENT_CONTROLS): its verdict here could differ from other verifiers'."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if DIVERGENT_CONTROLS.search(node):
                return True
        elif isinstance(node, Mapping):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def _stray_keyword(document: Mapping[str, Any]) -> str | None:
    """The first JSON-LD keyword key (``@id``, ``@type``…) outside ``@context``, if any.

    The signature covers the RDF graph, not the JSON text, and keywords can change the JSON
    a reader sees without changing the graph (``"@type": []`` adds nothing); someone could
    then show content the issuer never signed under a valid proof. This issuer writes plain
    terms only, so any such key is refused.
    """
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "@context":
                    continue
                if isinstance(key, str) and key.startswith("@"):
                    return str(key)
                pending.append(value)
        elif isinstance(node, list):
            pending.extend(node)
    return None


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _check_signature(document: Mapping[str, Any], resolver: Resolver) -> None:
    try:
        proof = proofs.the_proof(document)
    except proofs.ProofError as exc:
        raise _Fail(Reason.MALFORMED, str(exc)) from exc
    method = proof["verificationMethod"]
    did = method.split("#", 1)[0]
    # The key must belong to the issuer the credential names; otherwise anyone could sign a
    # credential "from" this programme with a key of their own.
    if did != _issuer_id(document):
        raise _Fail(Reason.UNKNOWN_ISSUER_KEY, "the proof was not made by the issuer")
    public_key = _resolve_key(resolver, did, method)
    try:
        checked = proofs.check(document, public_key)
    except proofs.ProofError as exc:
        raise _Fail(Reason.BAD_SIGNATURE, str(exc)) from exc
    except CanonicalizationError as exc:
        raise _Fail(Reason.MALFORMED, f"not valid JSON-LD ({exc})") from exc
    if not checked.valid:
        raise _Fail(Reason.TAMPERED, "the signature does not match the content")


def _resolve_key(resolver: Resolver, did: str, method: str) -> Ed25519PublicKey:
    try:
        document = resolver.did_document(did)
    except Exception as exc:  # a resolver's network or storage error is not the credential's
        raise _Fail(
            Reason.UNKNOWN_ISSUER_KEY, f"the issuer's DID could not be resolved ({did})"
        ) from exc
    if document is None:
        raise _Fail(Reason.UNKNOWN_ISSUER_KEY, f"unknown issuer {did}")
    encoded = find_assertion_key(document, method)
    if encoded is None:
        raise _Fail(Reason.UNKNOWN_ISSUER_KEY, f"{method} is not among the issuer's keys")
    try:
        return Ed25519PublicKey.from_public_bytes(ed25519_public_from_multibase(encoded))
    except (MultibaseError, ValueError) as exc:
        raise _Fail(Reason.UNKNOWN_ISSUER_KEY, f"{method} is not an Ed25519 key") from exc


# A validFrom this far ahead of the verifier's clock still counts as begun: clocks differ, and
# a status list is signed when it is asked for (to the second), so it can be "from" a second
# after the verifier took its time.
CLOCK_SKEW = timedelta(minutes=1)


def _check_window(document: Mapping[str, Any], now: datetime) -> None:
    valid_from = parse_datetime(document.get("validFrom"))
    if valid_from is None:
        raise _Fail(Reason.MALFORMED, "validFrom is missing or not a date-time with time zone")
    if now + CLOCK_SKEW < valid_from:
        raise _Fail(Reason.NOT_YET_VALID, f"valid from {document['validFrom']}")
    if "validUntil" in document:
        valid_until = parse_datetime(document["validUntil"])
        if valid_until is None:
            raise _Fail(Reason.MALFORMED, "validUntil is not a date-time with time zone")
        if now >= valid_until:
            raise _Fail(Reason.EXPIRED, f"valid until {document['validUntil']}")


def _check_status(document: Mapping[str, Any], resolver: Resolver, now: datetime) -> None:
    entries = document.get("credentialStatus")
    if entries is None:
        return
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            url, index, purpose = read_entry(entry)
        except StatusListError as exc:
            raise _Fail(Reason.MALFORMED, str(exc)) from exc
        status_credential = _fetch_list(resolver, url)
        # The list is a credential too: it must be the issuer's own and correctly signed,
        # or a forged list could "un-revoke" a credential.
        verdict = _verify_list(status_credential, resolver, now, _issuer_id(document))
        if not verdict.valid:
            raise _Fail(
                Reason.STATUS_UNAVAILABLE,
                f"the status list is not valid: {verdict.detail or verdict.reason.value}",
            )
        try:
            bits, list_purpose = read_list(status_credential)
            if list_purpose != purpose:
                raise StatusListError("the status list has another purpose")
            flagged = bits.get(index)
        except StatusListError as exc:
            raise _Fail(Reason.STATUS_UNAVAILABLE, str(exc)) from exc
        if flagged and purpose == "revocation":
            raise _Fail(Reason.REVOKED)


def _fetch_list(resolver: Resolver, url: str) -> Mapping[str, Any]:
    try:
        listed = resolver.status_list(url)
    except Exception as exc:  # the resolver's failure, reported as such
        raise _Fail(Reason.STATUS_UNAVAILABLE, f"{url} could not be fetched") from exc
    if not isinstance(listed, Mapping):
        raise _Fail(Reason.STATUS_UNAVAILABLE, f"{url} gave no status list")
    return listed


def _verify_list(
    listed: Mapping[str, Any], resolver: Resolver, now: datetime, issuer: str | None
) -> Verdict:
    if _issuer_id(listed) != issuer:
        return Verdict(Reason.UNKNOWN_ISSUER_KEY, "issued by someone else")
    try:
        _check_shape(listed)
        _check_signature(listed, resolver)
        _check_window(listed, now)
    except _Fail as failure:
        return failure.verdict
    return Verdict(Reason.VALID)
