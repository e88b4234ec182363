"""RDF Dataset Canonicalization of JSON-LD documents, with contexts bundled, never fetched.

eddsa-rdfc-2022 signs the canonical N-Quads of a credential (RDFC-1.0, which is URDNA2015 under
its Recommendation name; pyld calls it ``URDNA2015``). Canonicalization must not depend on the
network: a verifier that fetched contexts could be fed a different context and would then
verify something other than what was signed, and the bot must work offline. So the document
loader only knows the contexts shipped in ``contexts/`` and refuses every other URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# URL -> file in the contexts/ package directory (sources and licences in contexts/README.md).
_BUNDLED = {
    VC_V2_CONTEXT: "credentials-v2.jsonld",
    OB_V3_CONTEXT: "ob-v3p0-3.0.3.json",
}


# Control characters that pyld writes raw into N-Quads but RDFC-1.0 (and jsonld.js, the
# reference implementation) escapes as \b, \f or \uXXXX. A text containing one canonicalizes
# differently in the two, so its signature would verify here and fail elsewhere (found by
# tests/test_credentials_interop.py). Credentials never contain them: the builder strips
# them and the verifier refuses them. Tab, newline and return are escaped alike by both.
DIVERGENT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized (unknown context, invalid JSON-LD)."""


@cache
def bundled_context(url: str) -> Mapping[str, Any]:
    """The parsed bundled context document for ``url``; KeyError if none is bundled."""
    name = _BUNDLED[url]
    text = resources.files("transtutor.credentials").joinpath("contexts", name).read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


@cache
def iri_valued_terms() -> frozenset[str]:
    """Terms whose string values the bundled contexts read as IRIs (``"@type": "@id"``),
    plus ``id``. A relative IRI in one of them is silently dropped from the RDF graph, so a
    verifier must refuse it (see verifying._check_iris)."""
    names = {"id"}

    def walk(context: object) -> None:
        if not isinstance(context, Mapping):
            return
        for term, definition in context.items():
            if isinstance(definition, Mapping):
                if definition.get("@type") == "@id":
                    names.add(term)
                walk(definition.get("@context"))

    for url in _BUNDLED:
        walk(bundled_context(url).get("@context"))
    return frozenset(names)


def bundled_urls() -> frozenset[str]:
    """The context URLs this package can resolve offline."""
    return frozenset(_BUNDLED)


def _offline_loader(url: str, options: object = None) -> dict[str, Any]:
    """pyld document loader: bundled contexts only, so nothing ever goes to the network."""
    if url not in _BUNDLED:
        raise CanonicalizationError(f"context {url!r} is not bundled; it is never fetched")
    # pyld may mutate what it is given while processing; hand out a fresh copy each time.
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(json.dumps(bundled_context(url))),
    }


def canonicalize(
    document: Mapping[str, Any], extra_contexts: Mapping[str, Any] | None = None
) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document.

    ``extra_contexts`` maps further context URLs to documents (tests use it for the W3C
    examples context of the spec's test vector); they are still resolved locally.
    """
    loader = _offline_loader
    if extra_contexts:
        extras = dict(extra_contexts)

        def loader(url: str, options: object = None) -> dict[str, Any]:
            if url in extras:
                return {
                    "contextUrl": None,
                    "documentUrl": url,
                    "document": json.loads(json.dumps(extras[url])),
                }
            return _offline_loader(url, options)

    try:
        result = jsonld.normalize(
            dict(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
            },
        )
    except CanonicalizationError:
        raise
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, plain TypeErrors
        raise CanonicalizationError(_describe(exc)) from exc
    if not isinstance(result, str):
        raise CanonicalizationError("canonicalization did not produce N-Quads")
    return result


def _describe(exc: BaseException) -> str:
    """A one-line reason from pyld's nested errors (the cause is usually the useful part)."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 4:
        message = getattr(current, "message", None) or str(current).split("\n", 1)[0]
        parts.append(str(message))
        current = getattr(current, "cause", None) or current.__cause__
    return ": ".join(p for p in parts if p)
