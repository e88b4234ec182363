"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa 1.0).

Signing follows the spec's algorithms step by step (section 3.3, "eddsa-rdfc-2022"):

1. proof configuration: the proof options without ``proofValue``, with the document's
   ``@context``; canonicalized (RDFC-1.0) and hashed with SHA-256;
2. transformation: the document without ``proof``, canonicalized and hashed with SHA-256;
3. hash data: proofConfigHash followed by transformedDocumentHash (64 bytes);
4. Ed25519 signature over the hash data, written as multibase base58btc (``z...``).

The test suite replays the spec's published test vector through these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import canonicalize
from .multibase import MultibaseError, decode_base58btc, encode_base58btc
from .timestamps import format_datetime, parse_datetime

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION = "assertionMethod"


class ProofError(ValueError):
    """A proof that is missing, malformed or of a kind this module does not verify."""


class NotPortable(ValueError):
    """The document would sign correctly but fail in widely used verifiers (see
    :func:`portable_order`); refused so no learner holds a credential wallets reject."""


def portable_order(nquads: str) -> bool:
    """Whether the canonical N-Quads sort the same by code point and by UTF-16 code unit.

    RDFC-1.0 orders quads by Unicode code point, as pyld does; jsonld.js (rdf-canonize 5),
    the implementation behind most wallets, orders by UTF-16 code units. They disagree
    only when a character above U+FFFF meets one in U+E000-U+FFFF at the same position of
    two quads, and then its verifiers reject a correct signature (w3c/rdf-canon#18;
    tests/test_credentials_interop.py shows it). If the final order agrees, every pairwise
    comparison agrees, which covers the sorts inside the algorithm too for our documents.
    """
    lines = nquads.splitlines()
    return sorted(lines) == sorted(lines, key=lambda line: line.encode("utf-16-be"))


@dataclass(frozen=True)
class ProofCheck:
    """The parts of an embedded proof a verifier needs after the signature was checked."""

    verification_method: str
    created: str
    valid: bool


def canonical_forms(
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    extra_contexts: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """(canonical proof configuration, canonical document): what eddsa-rdfc-2022 hashes."""
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if config.get("type") != PROOF_TYPE or config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    # The spec gives the proof configuration the document's @context, so both are read
    # with the same term definitions.
    config["@context"] = document.get("@context")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return canonicalize(config, extra_contexts), canonicalize(unsecured, extra_contexts)


def _hash(config_nquads: str, document_nquads: str) -> bytes:
    config_hash = hashlib.sha256(config_nquads.encode("utf-8")).digest()
    return config_hash + hashlib.sha256(document_nquads.encode("utf-8")).digest()


def hash_data(
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    extra_contexts: Mapping[str, Any] | None = None,
) -> bytes:
    """The 64 bytes eddsa-rdfc-2022 signs: SHA-256(proof config) || SHA-256(document)."""
    return _hash(*canonical_forms(document, proof_options, extra_contexts))


def proof_options(verification_method: str, created: datetime) -> dict[str, Any]:
    """The proof options of an assertion proof made now by ``verification_method``."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": ASSERTION,
    }


def sign(
    document: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    extra_contexts: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with an embedded eddsa-rdfc-2022 proof.

    The proof is written as a one-element array: 1EdTech's AchievementCredential schema
    requires ``proof`` to be an array, and Data Integrity treats an array as a proof set, so a
    verifier that expects a single object still finds the same proof.
    """
    if "proof" in document:
        raise ProofError("the document already carries a proof")
    options = proof_options(verification_method, created)
    config_nquads, document_nquads = canonical_forms(document, options, extra_contexts)
    if not portable_order(document_nquads):
        raise NotPortable(
            "the credential's texts sort differently in JavaScript verifiers (a character "
            "above U+FFFF against one in U+E000-U+FFFF, e.g. an emoji against fullwidth "
            "punctuation, at the same place in two texts of one property); change one text"
        )
    signature = key.sign(_hash(config_nquads, document_nquads))
    secured = dict(document)
    secured["proof"] = [{**options, "proofValue": encode_base58btc(signature)}]
    return secured


def the_proof(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The single embedded proof of ``document``; ProofError if there is none or several."""
    proof = document.get("proof")
    if isinstance(proof, list):
        # A proof set of several proofs would need each checked; this issuer never makes one.
        if len(proof) != 1:
            raise ProofError("expected exactly one proof")
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise ProofError("the credential carries no proof")
    for field in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            raise ProofError(f"the proof has no {field}")
    if proof["type"] != PROOF_TYPE or proof["cryptosuite"] != CRYPTOSUITE:
        raise ProofError(f"unsupported proof {proof['type']}/{proof['cryptosuite']}")
    if proof["proofPurpose"] != ASSERTION:
        raise ProofError("the proof's purpose is not assertionMethod")
    if "created" in proof and parse_datetime(proof["created"]) is None:
        raise ProofError("the proof's created is not a date-time with time zone")
    if "@context" in proof:
        # The spec lets a proof carry @context only if it is a prefix of the document's;
        # this issuer never writes one, so treat it as foreign rather than half-support it.
        raise ProofError("proofs with their own @context are not supported")
    return proof


def check(
    document: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    extra_contexts: Mapping[str, Any] | None = None,
) -> ProofCheck:
    """Check the embedded proof of ``document`` against ``public_key``.

    Returns a ProofCheck whose ``valid`` is False if the signature does not match (the
    document or the proof was changed after signing); raises ProofError if the proof is
    malformed and CanonicalizationError if the document is not valid JSON-LD.
    """
    proof = the_proof(document)
    try:
        signature = decode_base58btc(proof["proofValue"])
    except MultibaseError as exc:
        raise ProofError(f"proofValue: {exc}") from exc
    data = hash_data(document, proof, extra_contexts)
    try:
        public_key.verify(signature, data)
        valid = True
    except InvalidSignature:
        valid = False
    return ProofCheck(
        verification_method=proof["verificationMethod"],
        created=str(proof.get("created", "")),
        valid=valid,
    )
