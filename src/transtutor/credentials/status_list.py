"""W3C Bitstring Status List v1.0: the revocation list and the entries that point into it.

A list is a bitstring of at least 131,072 bits (16 KiB — the spec's minimum, so one
credential's position tells an observer little about who holds it). Bit ``i`` is the
``i``-th bit counted from the most significant bit of the first byte; 1 means revoked.
Published as ``encodedList``: the bitstring GZIP-compressed, then multibase base64url.
The list credential is signed like any other credential (see :mod:`.issuing`).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .canonical import VC_V2_CONTEXT
from .multibase import MultibaseError, decode_base64url, encode_base64url
from .timestamps import format_datetime

MIN_ENTRIES = 131_072
REVOCATION = "revocation"
# A decompressed list larger than this is refused: a gzip "bomb" must not exhaust memory.
MAX_BYTES = 16 * 1024 * 1024


class StatusListError(ValueError):
    """A status list or entry that cannot be read."""


class Bitstring:
    """A mutable bitstring of a fixed length (a multiple of 8, at least MIN_ENTRIES)."""

    def __init__(self, size: int = MIN_ENTRIES, data: bytes | None = None) -> None:
        if size < MIN_ENTRIES or size % 8:
            raise StatusListError(f"a status list has at least {MIN_ENTRIES} bits, in whole bytes")
        if data is not None and len(data) * 8 != size:
            raise StatusListError("the data does not match the size")
        self._bits = bytearray(data if data is not None else size // 8)

    @property
    def size(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise StatusListError(f"index {index} is outside the list (0..{self.size - 1})")
        # The spec counts from the left: index 0 is the high bit of byte 0.
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        byte, bit = self._locate(index)
        return bool(self._bits[byte] >> bit & 1)

    def set(self, index: int, value: bool = True) -> None:
        byte, bit = self._locate(index)
        if value:
            self._bits[byte] |= 1 << bit
        else:
            self._bits[byte] &= ~(1 << bit) & 0xFF

    def encode(self) -> str:
        """The ``encodedList`` value. mtime=0 keeps the output a function of the bits alone."""
        return encode_base64url(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        """The bitstring of an ``encodedList``; StatusListError if it is not one."""
        try:
            compressed = decode_base64url(encoded)
            inflater = zlib.decompressobj(wbits=31)  # 31: gzip framing
            raw = inflater.decompress(compressed, MAX_BYTES)
            if inflater.unconsumed_tail:
                raise StatusListError("the status list is larger than allowed")
        except MultibaseError as exc:
            raise StatusListError(f"encodedList: {exc}") from exc
        except zlib.error as exc:
            raise StatusListError("encodedList is not GZIP data") from exc
        if len(raw) * 8 < MIN_ENTRIES:
            raise StatusListError(f"the status list has fewer than {MIN_ENTRIES} entries")
        return cls(len(raw) * 8, raw)


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential at position ``index`` of the list."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": REVOCATION,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str, issuer_did: str, bits: Bitstring, now: datetime
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential publishing ``bits`` at ``list_url``.

    ``validFrom`` is the time of this version; verifiers may cache it, and a revocation
    shows in the next version the web server serves.
    """
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": format_datetime(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": REVOCATION,
            "encodedList": bits.encode(),
        },
    }


def read_entry(entry: object) -> tuple[str, int, str]:
    """(list URL, index, purpose) of a credentialStatus entry; StatusListError if malformed."""
    if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError("credentialStatus is not a BitstringStatusListEntry")
    url, index, purpose = (
        entry.get("statusListCredential"),
        entry.get("statusListIndex"),
        entry.get("statusPurpose"),
    )
    if not isinstance(url, str) or not isinstance(purpose, str):
        raise StatusListError("credentialStatus lacks statusListCredential or statusPurpose")
    if not isinstance(index, str) or not index.isdigit() or len(index) > 12:
        raise StatusListError("statusListIndex is not a non-negative integer string")
    return url, int(index), purpose


def read_list(credential: Mapping[str, Any]) -> tuple[Bitstring, str]:
    """(bits, purpose) of a BitstringStatusListCredential's subject."""
    types = credential.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise StatusListError("not a BitstringStatusListCredential")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError("the status list credential has no BitstringStatusList subject")
    encoded, purpose = subject.get("encodedList"), subject.get("statusPurpose")
    if not isinstance(encoded, str) or not isinstance(purpose, str):
        raise StatusListError("the status list lacks encodedList or statusPurpose")
    return Bitstring.decode(encoded), purpose
