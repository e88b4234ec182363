"""Keys in the data directory, did:web identifiers and the DID document."""

from __future__ import annotations

import json
import logging
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from tests.credentials_fixtures import NOW
from transtutor.credentials import KeyStore, KeyStoreError, did_document, did_from_url
from transtutor.credentials.did import DidError, did_document_url, find_assertion_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_open_generates_a_private_key_readable_only_by_the_owner(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path / "keys", NOW)
    pem = tmp_path / "keys" / f"{store.current_id}.pem"
    assert _mode(pem) == 0o600
    assert _mode(tmp_path / "keys") == 0o700
    assert pem.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    manifest = json.loads((tmp_path / "keys" / "keys.json").read_text())
    assert manifest["current"] == store.current_id
    assert "PRIVATE" not in json.dumps(manifest)


def test_reopening_loads_the_same_key(tmp_path: Path) -> None:
    first = KeyStore.open(tmp_path, NOW)
    message = b"same key"
    signature = first.signing_key().sign(message)
    again = KeyStore.open(tmp_path, NOW + timedelta(days=3))
    assert again.current_id == first.current_id
    record = again.record(again.current_id)
    assert record is not None
    record.public_key().verify(signature, message)


def test_rotation_keeps_old_public_keys_and_drops_old_private_keys(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path, NOW)
    old = store.current_id
    new = store.rotate(NOW + timedelta(days=30))
    assert store.current_id == new.key_id != old
    assert not (tmp_path / f"{old}.pem").exists()
    assert _mode(tmp_path / f"{new.key_id}.pem") == 0o600
    reopened = KeyStore.open(tmp_path, NOW)
    assert [r.key_id for r in reopened.records()] == [old, new.key_id]
    assert reopened.current_id == new.key_id


def test_no_key_material_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore.open(tmp_path, NOW)
    store.rotate(NOW)
    pem = (tmp_path / f"{store.current_id}.pem").read_text()
    body = "".join(pem.splitlines()[1:-1])
    assert body not in caplog.text


def test_a_broken_manifest_is_a_named_error(tmp_path: Path) -> None:
    (tmp_path / "keys.json").write_text("{not json")
    with pytest.raises(KeyStoreError):
        KeyStore.open(tmp_path, NOW)
    (tmp_path / "keys.json").write_text(json.dumps({"current": "key-x", "keys": []}))
    with pytest.raises(KeyStoreError):
        KeyStore.open(tmp_path, NOW)


def test_a_missing_private_key_is_a_named_error_without_content(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path, NOW)
    (tmp_path / f"{store.current_id}.pem").unlink()
    with pytest.raises(KeyStoreError, match="cannot read"):
        KeyStore.open(tmp_path, NOW).signing_key()


@pytest.mark.parametrize(
    "url, did",
    [
        ("https://bot.example.edu", "did:web:bot.example.edu"),
        ("https://bot.example.edu/", "did:web:bot.example.edu"),
        ("https://Bot.Example.edu:8443", "did:web:bot.example.edu%3A8443"),
        ("https://example.edu/programmes/itic", "did:web:example.edu:programmes:itic"),
        ("http://localhost:8080", "did:web:localhost%3A8080"),
    ],
)
def test_did_from_url(url: str, did: str) -> None:
    assert did_from_url(url) == did


@pytest.mark.parametrize(
    "url", ["http://bot.example.edu", "https://bot.example.edu/?x=1", "bot.example.edu", ""]
)
def test_did_from_url_refuses_what_did_web_cannot_express(url: str) -> None:
    with pytest.raises(DidError):
        did_from_url(url)


def test_did_document_url() -> None:
    assert (
        did_document_url("did:web:bot.example.edu")
        == "https://bot.example.edu/.well-known/did.json"
    )
    assert (
        did_document_url("did:web:example.edu:programmes:itic")
        == "https://example.edu/programmes/itic/did.json"
    )
    assert (
        did_document_url("did:web:localhost%3A8080")
        == "https://localhost:8080/.well-known/did.json"
    )


def test_did_document_lists_every_key_as_multikey(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path, NOW)
    first = store.current_id
    store.rotate(NOW)
    document = did_document("did:web:bot.example.edu", store.records(), store.current_id)
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == "did:web:bot.example.edu"
    methods = document["verificationMethod"]
    assert [m["type"] for m in methods] == ["Multikey", "Multikey"]
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in methods)
    assert document["assertionMethod"][0] == f"did:web:bot.example.edu#{store.current_id}"
    assert f"did:web:bot.example.edu#{first}" in document["assertionMethod"]
    assert (
        find_assertion_key(document, f"did:web:bot.example.edu#{first}")
        == methods[1]["publicKeyMultibase"]
    )
    assert find_assertion_key(document, "did:web:bot.example.edu#nope") is None


def test_relative_ids_and_unauthorised_keys_in_a_did_document() -> None:
    document = {
        "id": "did:web:x.example",
        "verificationMethod": [
            {
                "id": "#k1",
                "type": "Multikey",
                "controller": "did:web:x.example",
                "publicKeyMultibase": "z6Mk1",
            },
            {
                "id": "#k2",
                "type": "Multikey",
                "controller": "did:web:x.example",
                "publicKeyMultibase": "z6Mk2",
            },
            {
                "id": "#k3",
                "type": "Multikey",
                "controller": "did:web:other.example",
                "publicKeyMultibase": "z6Mk3",
            },
        ],
        "assertionMethod": ["#k1", "did:web:x.example#k3"],
    }
    assert find_assertion_key(document, "did:web:x.example#k1") == "z6Mk1"
    assert find_assertion_key(document, "did:web:x.example#k2") is None  # not for assertions
    assert find_assertion_key(document, "did:web:x.example#k3") is None  # someone else's key
