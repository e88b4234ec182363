"""The issuer's ``did:web`` identifier and DID document (W3C DID 1.0, did:web method).

``https://bot.example.edu`` becomes ``did:web:bot.example.edu``; a port is percent-encoded
(``did:web:localhost%3A8080``) and a path adds colon-separated segments, as the did:web method
specification says. The document is served by the web server at ``/.well-known/did.json``
(or ``<path>/did.json``); each key is a ``Multikey`` verification method with a
``publicKeyMultibase``, so verifiers need no Ed25519-specific suite context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .keys import PublicKeyRecord

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


class DidError(ValueError):
    """A public URL or DID that cannot be turned into the other."""


def did_from_url(public_url: str) -> str:
    """The did:web DID of the issuer served at ``public_url`` (https, no query or fragment)."""
    parts = urlsplit(public_url.strip())
    if parts.scheme != "https" and parts.hostname not in {"localhost", "127.0.0.1"}:
        raise DidError("did:web needs an https URL (plain http only for localhost)")
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        raise DidError(f"{public_url!r} is not a plain site URL")
    host = parts.hostname.lower()
    if parts.port:
        host += quote(f":{parts.port}", safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def did_document_url(did: str) -> str:
    """Where a did:web DID's document lives (the did:web method's resolution rule)."""
    if not did.startswith("did:web:"):
        raise DidError(f"{did!r} is not a did:web DID")
    host, *path = did[len("did:web:") :].split(":")
    base = "https://" + unquote(host)
    if path:
        return base + "/" + "/".join(unquote(p) for p in path) + "/did.json"
    return base + "/.well-known/did.json"


def verification_method_id(did: str, key_id: str) -> str:
    """The DID URL of one key: ``did:web:bot.example.edu#key-…``."""
    return f"{did}#{key_id}"


def did_document(did: str, keys: Iterable[PublicKeyRecord], current: str) -> dict[str, Any]:
    """The DID document listing every key the issuer has used, the current one first.

    Old keys stay in ``assertionMethod`` as well as ``verificationMethod``: a verifier checks
    that the signing key is authorised for assertions, and credentials signed before a
    rotation must keep passing that check. (A compromised key is handled by revoking what it
    signed, not by silently breaking every credential it made.)
    """
    records = sorted(keys, key=lambda r: r.key_id != current)
    methods = [
        {
            "id": verification_method_id(did, r.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": r.public_key_multibase,
        }
        for r in records
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }


def find_assertion_key(document: Mapping[str, Any], method_id: str) -> str | None:
    """The publicKeyMultibase of ``method_id`` if the DID document authorises it for
    assertions, else None. Relative ids (``#key-…``) are resolved against the document id."""
    did = document.get("id")
    if not isinstance(did, str):
        return None

    def absolute(ref: object) -> str | None:
        if isinstance(ref, Mapping):
            ref = ref.get("id")
        if not isinstance(ref, str):
            return None
        return did + ref if ref.startswith("#") else ref

    assertion = document.get("assertionMethod")
    if not isinstance(assertion, list) or method_id not in {absolute(a) for a in assertion}:
        return None
    candidates = list(document.get("verificationMethod") or [])
    candidates += [a for a in assertion if isinstance(a, Mapping)]
    for method in candidates:
        if not isinstance(method, Mapping) or absolute(method) != method_id:
            continue
        if method.get("type") != "Multikey" or method.get("controller") != did:
            return None
        key = method.get("publicKeyMultibase")
        return key if isinstance(key, str) else None
    return None
