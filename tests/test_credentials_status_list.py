"""The Bitstring Status List: bit order, encoding, limits, the signed list credential."""

from __future__ import annotations

import base64
import gzip
from pathlib import Path

import pytest

from tests.credentials_fixtures import ISSUER, NOW
from transtutor.credentials import Bitstring, CredentialIssuer, KeyStore, verify
from transtutor.credentials.status_list import (
    MIN_ENTRIES,
    StatusListError,
    read_entry,
    read_list,
)


def test_a_new_list_has_the_minimum_size_and_no_bit_set() -> None:
    bits = Bitstring()
    assert bits.size == MIN_ENTRIES == 131_072
    assert not any(bits.get(i) for i in (0, 1, 7, 8, MIN_ENTRIES - 1))


def test_set_read_and_clear() -> None:
    bits = Bitstring()
    bits.set(0)
    bits.set(9)
    bits.set(MIN_ENTRIES - 1)
    assert bits.get(0) and bits.get(9) and bits.get(MIN_ENTRIES - 1)
    assert not bits.get(1) and not bits.get(8)
    # The spec's order: index 0 is the most significant bit of the first byte.
    assert bits.to_bytes()[:2] == bytes([0b1000_0000, 0b0100_0000])
    bits.set(9, False)
    assert not bits.get(9)


def test_encoded_list_is_multibase_base64url_of_gzip() -> None:
    bits = Bitstring()
    bits.set(5)
    encoded = bits.encode()
    assert (
        encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    )
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(raw) == MIN_ENTRIES // 8 and raw[0] == 0b0000_0100
    assert Bitstring.decode(encoded).get(5)
    assert encoded == Bitstring.decode(encoded).encode()  # deterministic (mtime 0)


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES])
def test_outside_the_list(index: int) -> None:
    with pytest.raises(StatusListError):
        Bitstring().get(index)


def test_too_small_lists_and_bad_encodings_are_refused() -> None:
    with pytest.raises(StatusListError):
        Bitstring(size=1024)
    small = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16))).decode().rstrip("=")
    for bad in ("", "zabc", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode(), small):
        with pytest.raises(StatusListError):
            Bitstring.decode(bad)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode().rstrip(
        "="
    )
    with pytest.raises(StatusListError, match="larger"):
        Bitstring.decode(bomb)


def test_entries_are_read_strictly() -> None:
    good = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "12",
        "statusListCredential": "https://x.example/s",
    }
    assert read_entry(good) == ("https://x.example/s", 12, "revocation")
    for change in (
        {"statusListIndex": 12},
        {"statusListIndex": "-1"},
        {"type": "StatusList2021Entry"},
        {"statusListCredential": None},
    ):
        with pytest.raises(StatusListError):
            read_entry({**good, **change})


def test_the_status_list_credential_is_signed_and_verifies(tmp_path: Path) -> None:
    issuer = CredentialIssuer(ISSUER, KeyStore.open(tmp_path, NOW))
    bits = Bitstring()
    bits.set(3)
    listed = issuer.status_list(bits, NOW)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["id"] == "https://bot.example.edu/status/revocation-1"
    subject = listed["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    decoded, purpose = read_list(listed)
    assert decoded.get(3) and purpose == "revocation"
    assert verify(listed, issuer.local_resolver(lambda url: None), NOW).valid
