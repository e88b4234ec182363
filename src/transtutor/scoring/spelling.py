"""Misspelt English words: a word of the answer that is no English word lemminflect knows,
one or two letters away from a word of a reference ("recieved" for "received", "proft" for
"profit"). Fluency/Spelling, minor: MQM's weight for an error that does not change meaning."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from transtutor.scoring import lexicon as lx
from transtutor.scoring import text as tx
from transtutor.scoring.comparison import Comparison, DetectedError

# Shorter words are too close to too many others ("form" / "from").
SHORTEST = 4


def misspelt(c: Comparison) -> list[DetectedError]:
    """One minor error per misspelt word of an English answer, naming the reference's word."""
    if c.target_lang != "en":
        return []
    written = {t.text.casefold() for t in c.ref_words}
    found: list[DetectedError] = []
    for token in c.cand:
        folded = token.text.casefold()
        if folded in written or not _looks_misspelt(token.text):
            continue
        intended = _closest(folded, c)
        if intended is not None:
            found.append(
                DetectedError("spelling", "Fluency/Spelling", "minor", token.text, intended)
            )
    return found


def _looks_misspelt(word: str) -> bool:
    """A lower-case word of letters (names, acronyms and compounds are left alone) that is
    no English word form."""
    if len(word) < SHORTEST or not word.isalpha() or not word.islower():
        return False
    return not _known(word)


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    """An English word form: lemminflect's, a CC-CEDICT gloss or a form of one by rule
    ("decrypted", "blockchains"), or a unit."""
    from lemminflect import getAllLemmas

    return (
        bool(getAllLemmas(word))
        or bool(lx.en_chinese(lx.en_lemmas(word)))
        or bool(tx.unit_mentions(word))
    )


def _closest(folded: str, c: Comparison) -> str | None:
    """The reference word it is one edit from (two for longer words; a swap of two letters
    is one), in reference order."""
    most = 1 if len(folded) < 7 else 2
    for word in c.ref_words:
        other = word.text.casefold()
        if other.replace("-", "") == folded:
            return None  # "spacetime" for "space-time": one word written two ways
        if abs(len(other) - len(folded)) <= most and OSA.distance(folded, other) <= most:
            return word.text
    return None
