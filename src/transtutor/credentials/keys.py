"""The issuer's Ed25519 signing keys in the data directory: create, load, rotate.

Layout of the key directory (``<data dir>/credential-keys`` by convention of the caller)::

    keys.json          public part: every key ever used, newest last, and the current one
    <key id>.pem       private key of the *current* key only, PKCS#8, file mode 0600

Rotation makes a new current key and deletes the old private key (it must never sign again)
but keeps its public key in ``keys.json``: the DID document keeps listing it, so credentials
signed before the rotation stay verifiable. Private key material is never logged, printed or
put in an exception message.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .multibase import ed25519_public_from_multibase, ed25519_public_multibase
from .timestamps import format_datetime

MANIFEST = "keys.json"


class KeyStoreError(RuntimeError):
    """The key directory is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class PublicKeyRecord:
    """One key the issuer has used: its id (a DID URL fragment) and public key."""

    key_id: str
    public_key_multibase: str
    created: str

    def public_key(self) -> Ed25519PublicKey:
        """The key as a ``cryptography`` object, for verifying."""
        raw = ed25519_public_from_multibase(self.public_key_multibase)
        return Ed25519PublicKey.from_public_bytes(raw)


def key_id_for(public: Ed25519PublicKey) -> str:
    """A short id derived from the key itself, so a regenerated key never reuses an id.

    (If ids were counters, a lost data directory would make a new ``key-1`` and old
    credentials would fail as "bad signature" instead of "unknown key".)
    """
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "key-" + hashlib.sha256(raw).hexdigest()[:16]


class KeyStore:
    """The signing keys in one directory. Build with :meth:`open`, which creates a first key."""

    def __init__(self, directory: Path, records: list[PublicKeyRecord], current: str) -> None:
        self.directory = directory
        self._records = records
        self._current = current
        self._private: Ed25519PrivateKey | None = None

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | str, now: datetime) -> KeyStore:
        """The key store in ``directory``; generates the first key there if it has none."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        # The directory holds a private key: nobody else should even list it.
        os.chmod(path, 0o700)
        if not (path / MANIFEST).exists():
            store = cls(path, [], "")
            store._add_key(now)
            return store
        return cls._load(path)

    @classmethod
    def _load(cls, path: Path) -> KeyStore:
        try:
            data = json.loads((path / MANIFEST).read_text("utf-8"))
            records = [
                PublicKeyRecord(r["id"], r["publicKeyMultibase"], r["created"])
                for r in data["keys"]
            ]
            current = str(data["current"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyStoreError(f"{path / MANIFEST} is unreadable: {exc}") from exc
        if current not in {r.key_id for r in records}:
            raise KeyStoreError(f"{path / MANIFEST}: the current key {current!r} is not listed")
        return cls(path, records, current)

    # -- use ------------------------------------------------------------------------------

    @property
    def current_id(self) -> str:
        """The id (DID URL fragment) of the key that signs new credentials."""
        return self._current

    def records(self) -> Iterator[PublicKeyRecord]:
        """Every key ever used, oldest first (the DID document lists them all)."""
        return iter(self._records)

    def record(self, key_id: str) -> PublicKeyRecord | None:
        """The record of ``key_id``, or None if this issuer never had such a key."""
        return next((r for r in self._records if r.key_id == key_id), None)

    def signing_key(self) -> Ed25519PrivateKey:
        """The current private key, read from its 0600 file once and kept in memory."""
        if self._private is None:
            pem = self.directory / f"{self._current}.pem"
            try:
                loaded = serialization.load_pem_private_key(pem.read_bytes(), password=None)
            except (OSError, ValueError) as exc:
                # The message names the file, never its content.
                raise KeyStoreError(f"cannot read the signing key {pem}") from exc
            if not isinstance(loaded, Ed25519PrivateKey):
                raise KeyStoreError(f"{pem} is not an Ed25519 key")
            self._private = loaded
        return self._private

    def rotate(self, now: datetime) -> PublicKeyRecord:
        """Make a new current key; the old one stops signing but stays verifiable."""
        old = self._current
        record = self._add_key(now)
        old_pem = self.directory / f"{old}.pem"
        # Deleted only after the manifest names the new key, so a crash in between leaves a
        # store that still signs (with either key) rather than one with no private key.
        old_pem.unlink(missing_ok=True)
        return record

    # -- internals ------------------------------------------------------------------------

    def _add_key(self, now: datetime) -> PublicKeyRecord:
        private = Ed25519PrivateKey.generate()
        public = private.public_key()
        key_id = key_id_for(public)
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        record = PublicKeyRecord(key_id, ed25519_public_multibase(raw), format_datetime(now))
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # O_EXCL with mode 0600: the file is never, even for a moment, readable by others,
        # and an existing key file is never overwritten.
        fd = os.open(self.directory / f"{key_id}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        self._records.append(record)
        self._current = key_id
        self._private = private
        self._write_manifest()
        return record

    def _write_manifest(self) -> None:
        data = {
            "current": self._current,
            "keys": [
                {"id": r.key_id, "publicKeyMultibase": r.public_key_multibase, "created": r.created}
                for r in self._records
            ],
        }
        tmp = self.directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        # Atomic replace: a reader sees the old or the new manifest, never half of one.
        os.replace(tmp, self.directory / MANIFEST)
