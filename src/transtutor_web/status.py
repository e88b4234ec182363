"""Signed status list credentials, made from the archive's encoded lists and kept until a
bit changes (signing costs a canonicalization, tens of milliseconds)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from transtutor.credentials import Bitstring, CredentialIssuer
from transtutor.credentials.status_list import StatusListError

from .archive import CredentialArchive

# What a list id may be: it is a URL path segment and a storage key, nothing more.
LIST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class StatusLists:
    """The issuer's status list credentials, signed on demand and cached per encoded list.

    ``encoded(list_id)`` is read on the caller's thread (see :class:`CredentialArchive`);
    :meth:`sign` may then run in a worker thread, since it touches no storage.
    """

    def __init__(self, issuer: CredentialIssuer, clock: Callable[[], datetime]) -> None:
        self.issuer = issuer
        self.clock = clock
        self._signed: dict[str, tuple[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def list_id(self, url: str) -> str | None:
        """The list id of one of this issuer's status list URLs; None for any other URL."""
        prefix = self.issuer.facts.status_list_url("")
        if not url.startswith(prefix):
            return None
        candidate = url[len(prefix) :]
        return candidate if LIST_ID.match(candidate) else None

    def cached(self, list_id: str, encoded: str) -> dict[str, Any] | None:
        """The signed list for exactly this encoded content, if it was signed before."""
        with self._lock:
            hit = self._signed.get(list_id)
        return hit[1] if hit is not None and hit[0] == encoded else None

    def sign(self, list_id: str, encoded: str) -> dict[str, Any] | None:
        """The signed BitstringStatusListCredential for ``encoded``; None if it is unreadable."""
        found = self.cached(list_id, encoded)
        if found is not None:
            return found
        try:
            bits = Bitstring.decode(encoded)
        except StatusListError:
            return None
        signed = self.issuer.status_list(bits, self.clock(), list_id)
        with self._lock:
            self._signed[list_id] = (encoded, signed)
        return signed


def status_urls(credential: Mapping[str, Any]) -> Iterator[str]:
    """The statusListCredential URLs a credential points to (for fetching before verifying)."""
    entries = credential.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, Mapping):
            url = entry.get("statusListCredential")
            if isinstance(url, str):
                yield url


def prefetch(
    lists: StatusLists, archive: CredentialArchive, credential: Mapping[str, Any]
) -> dict[str, str]:
    """URL -> encoded list for each of the issuer's lists ``credential`` points to that the
    archive has: read here, on the caller's thread, so verification needs no storage."""
    found: dict[str, str] = {}
    for url in status_urls(credential):
        list_id = lists.list_id(url)
        if list_id is None or url in found:
            continue
        encoded = archive.encoded_status_list(list_id)
        if encoded is not None:
            found[url] = encoded
    return found


def resolve_lists(
    lists: StatusLists, encoded_by_url: Mapping[str, str]
) -> Callable[[str], Mapping[str, Any] | None]:
    """A status_list callable for :class:`Resolver` answering from prefetched lists."""

    def status_list(url: str) -> Mapping[str, Any] | None:
        list_id = lists.list_id(url)
        encoded = encoded_by_url.get(url)
        if list_id is None or encoded is None:
            return None
        return lists.sign(list_id, encoded)

    return status_list
