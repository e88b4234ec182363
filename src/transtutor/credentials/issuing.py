"""The issuer: its DID, its keys and signing, put together once for the rest of the bot.

Composition, not policy: which status index a credential gets and where credentials are
stored is the caller's business (the store hands out indices; the web server publishes the
status list credential this class signs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from . import building, proof
from .did import did_document, did_from_url, verification_method_id
from .facts import Course, Issuer, Learner
from .keys import KeyStore
from .status_list import Bitstring, status_list_credential
from .verifying import Resolver


class CredentialIssuer:
    """Signs credentials and status lists as the programme's did:web."""

    def __init__(self, facts: Issuer, keys: KeyStore) -> None:
        self.facts = facts
        self.keys = keys
        self.did = did_from_url(facts.public_url)

    def did_document(self) -> dict[str, Any]:
        """What the web server serves at /.well-known/did.json."""
        return did_document(self.did, self.keys.records(), self.keys.current_id)

    def sign(self, unsigned: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """``unsigned`` with an eddsa-rdfc-2022 proof by the current key."""
        method = verification_method_id(self.did, self.keys.current_id)
        return proof.sign(unsigned, self.keys.signing_key(), method, now)

    def issue_course_credential(
        self,
        course: Course,
        learner: Learner,
        *,
        now: datetime,
        status_index: int,
        stacked_badges: dict[str, str] | None = None,
        credential_id: str | None = None,
    ) -> dict[str, Any]:
        """The signed course credential; NotEligible if the award rule is not met."""
        unsigned = building.build_course_credential(
            self.facts,
            self.did,
            course,
            learner,
            issued_at=now,
            status_index=status_index,
            stacked_badges=stacked_badges,
            credential_id=credential_id,
        )
        return self.sign(unsigned, now)

    def issue_outcome_badge(
        self,
        course: Course,
        outcome_id: str,
        learner: Learner,
        *,
        now: datetime,
        status_index: int,
        credential_id: str | None = None,
    ) -> dict[str, Any]:
        """The signed badge for one mastered outcome; NotEligible if it is not mastered."""
        unsigned = building.build_outcome_badge(
            self.facts,
            self.did,
            course,
            outcome_id,
            learner,
            issued_at=now,
            status_index=status_index,
            credential_id=credential_id,
        )
        return self.sign(unsigned, now)

    def status_list(
        self, bits: Bitstring, now: datetime, list_id: str = "revocation-1"
    ) -> dict[str, Any]:
        """The signed BitstringStatusListCredential for ``bits``."""
        url = self.facts.status_list_url(list_id)
        return self.sign(status_list_credential(url, self.did, bits, now), now)

    def local_resolver(self, status_lists: Callable[[str], Mapping[str, Any] | None]) -> Resolver:
        """A resolver that answers for this issuer without HTTP (CLI, tests, the web server
        itself): its own DID document, and status lists from ``status_lists(url)``."""

        def did_documents(did: str) -> Mapping[str, Any] | None:
            return self.did_document() if did == self.did else None

        return Resolver(did_document=did_documents, status_list=status_lists)
