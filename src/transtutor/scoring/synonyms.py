"""An English answer with each word that means what a reference word says (a near-synonym
through the lexicon: "purchase" for "buy", "components" for "elements") written as that
reference word. The surface metric and the sentence embedding are also measured on it, so a
correct synonym costs neither: chrF sees only characters, and the encoder moves on a rare
word. Antonyms are never near-synonyms (`lexicon.same_meaning`)."""

from __future__ import annotations

from functools import lru_cache

from transtutor.scoring import lexicon as lx


def as_reference_words(answer: str, references: list[str]) -> str:
    return _as_reference_words(answer, tuple(references))


@lru_cache(maxsize=4096)
def _as_reference_words(answer: str, references: tuple[str, ...]) -> str:
    words = [t for r in references for t in lx.tokens(r, "en") if lx.is_content(t, "en")]
    lemmas = frozenset(lemma for word in words for lemma in word.lemmas)
    # Near-synonyms share a translation: compare a word only with the reference words that do,
    # the first of them in the references first (the same answer always reads the same).
    by_sense: dict[str, list[int]] = {}
    for at, word in enumerate(words):
        for sense in lx.en_chinese(word.lemmas):
            by_sense.setdefault(sense, []).append(at)
    pieces: list[str] = []
    at = 0
    for token in lx.tokens(answer, "en"):
        if not lx.is_content(token, "en") or token.lemmas & lemmas:
            continue
        near = sorted(
            {at for sense in lx.en_chinese(token.lemmas) for at in by_sense.get(sense, ())}
        )
        match = next((words[at] for at in near if lx.same_meaning(token, words[at], "en")), None)
        if match is not None:
            pieces += [answer[at : token.start], match.text]
            at = token.end
    return "".join(pieces) + answer[at:] if pieces else answer
