"""Verifiable micro-credentials: Open Badges 3.0 credentials signed with eddsa-rdfc-2022.

The core of issue 14, without any chat or web code:

- :mod:`.keys` — Ed25519 keys in the data directory (0600), rotation;
- :mod:`.did` — the issuer's did:web and DID document (Multikey);
- :mod:`.facts` — the plain inputs (course, outcomes, learner) and the award rule;
- :mod:`.building` — unsigned OpenBadgeCredentials: the course credential, outcome badges;
- :mod:`.proof` — Data Integrity proofs, cryptosuite eddsa-rdfc-2022;
- :mod:`.canonical` — RDFC-1.0 canonicalization with bundled contexts, offline only;
- :mod:`.status_list` — the Bitstring Status List used for revocation;
- :mod:`.issuing` — the issuer that puts keys, DID and signing together;
- :mod:`.verifying` — ``verify(credential, resolver)`` with a reason for every failure;
- :mod:`.summary` — what a verified credential certifies, for people to read.
"""

from .building import NotEligible, build_course_credential, build_outcome_badge
from .did import did_document, did_from_url
from .facts import (
    AwardGaps,
    Bilingual,
    Course,
    Issuer,
    Learner,
    MicroCredentialElements,
    Outcome,
    OutcomeRecord,
    ProjectRecord,
    ProjectRequirement,
    award_gaps,
    mastered_outcomes,
)
from .issuing import CredentialIssuer
from .keys import KeyStore, KeyStoreError
from .proof import NotPortable
from .status_list import Bitstring
from .summary import Certification, CertifiedOutcome, what_it_certifies
from .verifying import Reason, Resolver, Verdict, verify

__all__ = [
    "AwardGaps",
    "Bilingual",
    "Bitstring",
    "Certification",
    "CertifiedOutcome",
    "Course",
    "CredentialIssuer",
    "Issuer",
    "KeyStore",
    "KeyStoreError",
    "Learner",
    "MicroCredentialElements",
    "NotEligible",
    "NotPortable",
    "Outcome",
    "OutcomeRecord",
    "ProjectRecord",
    "ProjectRequirement",
    "Reason",
    "Resolver",
    "Verdict",
    "award_gaps",
    "build_course_credential",
    "build_outcome_badge",
    "did_document",
    "did_from_url",
    "mastered_outcomes",
    "verify",
    "what_it_certifies",
]
