"""One check of a credential: what the /verify page, the credential pages and
``transtutor verify`` all do, in two steps so storage is read on the caller's thread and the
slow part (canonicalization, signatures) can run in a worker thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transtutor.credentials import Certification, Verdict, verify, what_it_certifies
from transtutor.credentials.verifying import MAX_INPUT

from .archive import CredentialArchive
from .status import StatusLists, prefetch, resolve_lists

StatusFallback = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Check:
    """A verdict, and what the credential certifies when the verdict says it is valid."""

    verdict: Verdict
    certification: Certification | None


def peek(credential: str | bytes | Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The parsed object if ``credential`` is a JSON object of a plausible size, else None
    (verify then says what is wrong with it)."""
    if isinstance(credential, Mapping):
        return credential
    if len(credential) > MAX_INPUT:
        return None
    try:
        parsed = json.loads(credential)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def gather(
    credential: str | bytes | Mapping[str, Any], lists: StatusLists, archive: CredentialArchive
) -> dict[str, str]:
    """Step 1, on the caller's thread: the encoded status lists the credential points to."""
    parsed = peek(credential)
    return prefetch(lists, archive, parsed) if parsed is not None else {}


def check(
    credential: str | bytes | Mapping[str, Any],
    lists: StatusLists,
    encoded_by_url: Mapping[str, str],
    now: datetime,
    fallback: StatusFallback | None = None,
) -> Check:
    """Step 2, on any thread: verify against this issuer's DID document and the lists from
    step 1 (``fallback`` asked for lists the archive did not have). Never raises."""
    from_archive = resolve_lists(lists, encoded_by_url)

    def status_list(url: str) -> Mapping[str, Any] | None:
        found = from_archive(url)
        if found is None and fallback is not None:
            found = fallback(url)
        return found

    verdict = verify(credential, lists.issuer.local_resolver(status_list), now)
    certification = None
    if verdict.valid and verdict.credential is not None:
        certification = what_it_certifies(verdict.credential)
    return Check(verdict, certification)
