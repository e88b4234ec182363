"""An English answer with each word that means what a reference word says (a near-synonym
through the lexicon: "purchase" for "buy", "components" for "elements") written as that
reference word. The surface metric and the sentence embedding are also measured on it, so a
correct synonym costs neither: chrF sees only characters, and the encoder moves on a rare
word. Antonyms are never near-synonyms (`lexicon.same_meaning`)."""

from __future__ import annotations

from transtutor.scoring import lexicon as lx
from transtutor.scoring.comparison import Comparison


def as_reference_words(c: Comparison) -> str:
    """The answer of an English comparison with its near-synonyms of content words of the
    references written as the first such word (so the same answer always reads the same)."""
    said = frozenset(
        lemma for word in c.ref_words if lx.is_content(word, "en") for lemma in word.lemmas
    )
    # A word spelled the other side of the Atlantic ("colour" / "color") is the same word.
    spellings = {lx.in_american(w.text.casefold()): w.text for w in reversed(c.ref_words)}
    pieces: list[str] = []
    at = 0
    for token in c.cand:
        if not lx.is_content(token, "en"):
            continue
        if token.lemmas & said:
            match_text = spellings.get(lx.in_american(token.text.casefold()), token.text)
            if match_text.casefold() != token.text.casefold():
                pieces += [c.candidate[at : token.start], match_text]
                at = token.end
            continue
        match = c.reference_word(token, _content_synonym)
        if match is not None:
            pieces += [c.candidate[at : token.start], match.text]
            at = token.end
    return "".join(pieces) + c.candidate[at:] if pieces else c.candidate


def _content_synonym(a: lx.Token, b: lx.Token, lang: str) -> bool:
    return lx.is_content(b, lang) and lx.same_meaning(a, b, lang)
