"""Multibase and multicodec helpers for the two encodings credentials use.

Data Integrity and Multikey write keys and signatures as multibase base58btc (prefix ``z``);
the Bitstring Status List writes its compressed list as multibase base64url without padding
(prefix ``u``). ``base58`` does the alphabet arithmetic; the prefixes are simple enough that a
dedicated multibase package would only add a dependency.
"""

from __future__ import annotations

import base64
import binascii

import base58

# Multicodec varint prefixes (https://github.com/multiformats/multicodec, table.csv):
# ed25519-pub is 0xed and ed25519-priv is 0x1300, each written as an unsigned varint.
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class MultibaseError(ValueError):
    """A multibase string that is not what the caller expects."""


def encode_base58btc(data: bytes) -> str:
    """``z`` followed by the base58btc (Bitcoin alphabet) form of ``data``."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(text: str) -> bytes:
    """The bytes of a ``z...`` multibase string; MultibaseError for anything else."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise MultibaseError("not a base58btc multibase string (it must start with 'z')")
    try:
        return base58.b58decode(text[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MultibaseError("not valid base58btc") from exc


def encode_base64url(data: bytes) -> str:
    """``u`` followed by unpadded base64url, as the Bitstring Status List requires."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(text: str) -> bytes:
    """The bytes of a ``u...`` multibase string; MultibaseError for anything else."""
    if not isinstance(text, str) or not text.startswith("u"):
        raise MultibaseError("not a base64url multibase string (it must start with 'u')")
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MultibaseError("not valid base64url") from exc


def ed25519_public_multibase(raw: bytes) -> str:
    """A Multikey ``publicKeyMultibase`` for a 32-byte Ed25519 public key."""
    if len(raw) != 32:
        raise MultibaseError("an Ed25519 public key has 32 bytes")
    return encode_base58btc(ED25519_PUB_PREFIX + raw)


def ed25519_public_from_multibase(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 Multikey; MultibaseError if it is another key type."""
    data = decode_base58btc(text)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey (multicodec 0xed01, 32 bytes)")
    return data[2:]


def ed25519_private_from_multibase(text: str) -> bytes:
    """The 32-byte seed of an Ed25519 ``privateKeyMultibase`` (used by the spec's vectors)."""
    data = decode_base58btc(text)
    if not data.startswith(ED25519_PRIV_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 private Multikey (multicodec 0x1300, 32 bytes)")
    return data[2:]
