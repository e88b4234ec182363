"""What the web server and ``transtutor verify`` need from storage, as a small protocol.

The bot's store implements :class:`CredentialArchive`; :class:`MemoryArchive` is the one
for tests (and for a server that has nothing stored yet). Both are read by key only.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol

from transtutor.credentials import Bitstring


class CredentialArchive(Protocol):
    """Read access to what the issuer has published.

    Called from the event loop's thread (the web server) or the main thread (the CLI),
    never from a worker thread, so a SQLite connection bound to its thread is fine. Each
    call should be quick: one lookup by key.
    """

    def credential(self, credential_id: str) -> Mapping[str, Any] | None:
        """The issued credential JSON with this ``id``; None if unknown or forgotten."""
        ...

    def encoded_status_list(self, list_id: str) -> str | None:
        """The current ``encodedList`` of status list ``list_id``; None if there is none."""
        ...


class MemoryArchive:
    """A :class:`CredentialArchive` in a dict, for tests and a bare server."""

    def __init__(self) -> None:
        self._credentials: dict[str, dict[str, Any]] = {}
        self._lists: dict[str, Bitstring] = {}

    def add(self, credential: Mapping[str, Any]) -> None:
        """Keep an issued credential (a copy), found by its ``id``."""
        self._credentials[str(credential["id"])] = copy.deepcopy(dict(credential))

    def forget(self, credential_id: str) -> None:
        """Drop a credential's JSON; its status bit stays, as after /forget."""
        self._credentials.pop(credential_id, None)

    def status_bits(self, list_id: str = "revocation-1") -> Bitstring:
        """The list's bits, created empty on first use; set a bit to revoke."""
        return self._lists.setdefault(list_id, Bitstring())

    def revoke(self, index: int, list_id: str = "revocation-1") -> None:
        self.status_bits(list_id).set(index)

    def credential(self, credential_id: str) -> Mapping[str, Any] | None:
        found = self._credentials.get(credential_id)
        return copy.deepcopy(found) if found is not None else None

    def encoded_status_list(self, list_id: str) -> str | None:
        bits = self._lists.get(list_id)
        return bits.encode() if bits is not None else None
