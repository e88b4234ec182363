"""eddsa-rdfc-2022 against the W3C test vector, and an independent check of our proofs.

The vector (tests/data/credentials/vc-di-eddsa, source and licence in the README there) fixes
every intermediate value of the spec's example: both canonical forms, both hashes, the
signature. Ed25519 is deterministic, so signing the vector's document with its key must give
exactly the published proofValue.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from tests.credentials_fixtures import COURSE, ISSUER, LEARNER, NOW
from transtutor.credentials import CredentialIssuer, KeyStore, proof
from transtutor.credentials.canonical import bundled_context, canonicalize
from transtutor.credentials.multibase import (
    decode_base58btc,
    ed25519_private_from_multibase,
    ed25519_public_from_multibase,
    ed25519_public_multibase,
)
from transtutor.credentials.timestamps import parse_datetime

VECTOR = Path(__file__).parent / "data" / "credentials" / "vc-di-eddsa"
EXAMPLES_URL = "https://www.w3.org/ns/credentials/examples/v2"
EXTRA = {EXAMPLES_URL: json.loads((VECTOR / "credentials-examples-v2.jsonld").read_text())}


def _read(name: str) -> str:
    return (VECTOR / name).read_text("utf-8")


def _vector_key() -> Ed25519PrivateKey:
    pair = json.loads(_read("keyPair.json"))
    return Ed25519PrivateKey.from_private_bytes(
        ed25519_private_from_multibase(pair["privateKeyMultibase"])
    )


def test_vector_canonical_forms_match() -> None:
    unsigned = json.loads(_read("unsigned.json"))
    config = json.loads(_read("proofConfigDataInt.json"))
    assert canonicalize(unsigned, EXTRA) == _read("canonDocDataInt.txt")
    assert canonicalize(config, EXTRA) == _read("proofCanonDataInt.txt")


def test_vector_hash_data_matches() -> None:
    unsigned = json.loads(_read("unsigned.json"))
    config = json.loads(_read("proofConfigDataInt.json"))
    data = proof.hash_data(unsigned, config, EXTRA)
    assert data[:32].hex() == _read("proofHashDataInt.txt").strip()
    assert data[32:].hex() == _read("docHashDataInt.txt").strip()
    assert data.hex() == _read("combinedHashDataInt.txt").strip()


def test_vector_signature_is_reproduced_exactly() -> None:
    unsigned = json.loads(_read("unsigned.json"))
    signed = json.loads(_read("signedDataInt.json"))
    expected = signed["proof"]
    created = parse_datetime(expected["created"])
    assert created is not None
    ours = proof.sign(unsigned, _vector_key(), expected["verificationMethod"], created, EXTRA)
    (our_proof,) = ours["proof"]
    assert our_proof == expected
    assert decode_base58btc(our_proof["proofValue"]).hex() == _read("sigHexDataInt.txt").strip()


def test_vector_signed_document_verifies_and_a_change_does_not() -> None:
    signed = json.loads(_read("signedDataInt.json"))
    pair = json.loads(_read("keyPair.json"))
    public = Ed25519PublicKey.from_public_bytes(
        ed25519_public_from_multibase(pair["publicKeyMultibase"])
    )
    assert proof.check(signed, public, EXTRA).valid
    signed["credentialSubject"]["alumniOf"] = "Another School"
    assert not proof.check(signed, public, EXTRA).valid


def test_vector_public_key_matches_private_key() -> None:
    pair = json.loads(_read("keyPair.json"))
    raw = _vector_key().public_key().public_bytes_raw()
    assert ed25519_public_multibase(raw) == pair["publicKeyMultibase"]


def _independent_verify(credential: dict, did_document: dict) -> bool:
    """A verifier written from the spec text alone, sharing no code with transtutor's:
    pyld for RDFC-1.0 (URDNA2015), hashlib, base58, cryptography (vc-di-eddsa §3.3.2-3.3.6)."""
    contexts = {
        "https://www.w3.org/ns/credentials/v2": json.loads(
            json.dumps(bundled_context("https://www.w3.org/ns/credentials/v2"))
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": json.loads(
            (
                Path(__file__).parents[1] / "src/transtutor/credentials/contexts/ob-v3p0-3.0.3.json"
            ).read_text()
        ),
    }

    def loader(url: str, options: object = None) -> dict:
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    def rdfc(doc: dict) -> bytes:
        text = jsonld.normalize(
            doc,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
        )
        return text.encode("utf-8")

    # 1. Take the proof out: the unsecured document and the proof options.
    unsecured = dict(credential)
    proofs = unsecured.pop("proof")
    the = proofs[0] if isinstance(proofs, list) else proofs
    options = {k: v for k, v in the.items() if k != "proofValue"}
    assert options["type"] == "DataIntegrityProof" and options["cryptosuite"] == "eddsa-rdfc-2022"
    # 2. Proof configuration gets the document's @context; both canonicalized and hashed.
    options["@context"] = credential["@context"]
    hash_data = hashlib.sha256(rdfc(options)).digest() + hashlib.sha256(rdfc(unsecured)).digest()
    # 3. The key: the verification method in the issuer's DID document, multicodec 0xed01.
    method = next(
        m for m in did_document["verificationMethod"] if m["id"] == the["verificationMethod"]
    )
    assert the["verificationMethod"] in did_document["assertionMethod"]
    key_bytes = base58.b58decode(method["publicKeyMultibase"][1:])
    assert key_bytes[:2] == b"\xed\x01"
    # 4. The signature: multibase base58btc.
    assert the["proofValue"].startswith("z")
    signature = base58.b58decode(the["proofValue"][1:])
    try:
        Ed25519PublicKey.from_public_bytes(key_bytes[2:]).verify(signature, hash_data)
    except Exception:
        return False
    return True


def test_an_independent_verifier_accepts_our_credential(tmp_path: Path) -> None:
    issuer = CredentialIssuer(ISSUER, KeyStore.open(tmp_path / "keys", NOW))
    credential = issuer.issue_course_credential(COURSE, LEARNER, now=NOW, status_index=3)
    did_document = issuer.did_document()
    assert _independent_verify(credential, did_document)
    changed = json.loads(json.dumps(credential))
    changed["credentialSubject"]["result"][0]["value"] = "99"
    assert not _independent_verify(changed, did_document)


def test_bundled_contexts_are_the_published_files() -> None:
    # Every signature covers what these files define: a changed byte changes what old
    # credentials mean. SHA-256 of the copies named in contexts/README.md.
    directory = Path(__file__).parents[1] / "src" / "transtutor" / "credentials" / "contexts"
    expected = {
        "credentials-v2.jsonld": "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        "ob-v3p0-3.0.3.json": "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    }
    for name, digest in expected.items():
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest, name
