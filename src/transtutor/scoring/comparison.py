"""What every error detector works on: one answer with its references and source, each
tokenized once, the alignments and lookups they share, and the error record they return
(see `transtutor.scoring.detect`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from transtutor.scoring import lexicon as lx
from transtutor.scoring import meaning
from transtutor.scoring.wordlists import ZH_LIGHT_NOUNS

SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}

# A phrase of the answer at least this similar (embeddings) to a source word, or to the
# reference's rendering of it, renders it: "take" for 接受 (0.60), "get together" for 团聚
# (0.57), "across the country" for 全国 (0.68); unrelated words score 0.2-0.4.
PARAPHRASE_AT = 0.5

WINDOW = 8  # words either side of the reference's position searched for a paraphrase


Severity = Literal["minor", "major", "critical"]

Same = Callable[[lx.Token, lx.Token, str], bool]


@dataclass(frozen=True)
class DetectedError:
    """One error: what kind, its MQM category and severity, the words quoted from the answer
    and what the reference (expected) and the source have there."""

    kind: str
    category: str
    severity: Severity
    found: str = ""
    expected: str = ""
    source: str = ""
    punctuation: bool = False

    @property
    def branch(self) -> str:
        """The top MQM level as outcomes see it: accuracy, terminology or fluency."""
        top = self.category.split("/")[0].lower()
        return {"non-translation": "accuracy", "style": "fluency", "locale": "fluency"}.get(
            top, top
        )


@dataclass
class Comparison:
    """The texts of one answer and their words, tokenized once."""

    source: str
    candidate: str
    references: list[str]
    source_lang: str
    target_lang: str

    def __post_init__(self) -> None:
        self.cand = lx.tokens(self.candidate, self.target_lang)
        self.refs = [lx.tokens(r, self.target_lang) for r in self.references]
        self.src = lx.tokens(self.source, self.source_lang)
        self.ref_words = [t for ref in self.refs for t in ref]
        options: set[str] = set()
        for word in self.src:
            options |= self.translations(word)
        self.source_options = frozenset(options)
        self.source_lemmas = frozenset(lemma for t in self.src for lemma in t.lemmas)
        self._free: list[int] | None = None
        self._by_key: dict[str, list[int]] | None = None
        self._in_refs: dict[tuple[lx.Token, Same], bool] = {}
        self._cand_index: tuple[frozenset[str], frozenset[str]] | None = None
        self._cand_renderings: frozenset[str] | None = None

    def licensed(self, token: lx.Token) -> bool:
        """Does a reference or the source (through the lexicon) say what this word says?"""
        if self.in_references(token):
            return True
        if self.zh_target:
            return token.text in self.source_options or bool(
                lx.zh_glosses(token.text) & self.source_lemmas
            )
        if token.lemmas & self.source_options:
            return True
        # A compound is licensed by its parts: "energy-saving", "low-cost".
        parts = [p for p in token.text.split("-") if p]
        return len(parts) > 1 and all(
            not lx.is_content(part, "en") or self.licensed(part)
            for part in (lx.Token(p, token.start, token.end, lx.en_lemmas(p)) for p in parts)
        )

    def free_positions(self) -> list[int]:
        """Positions of the answer's meaningful words that nothing licenses: where a
        paraphrase of a source word would be."""
        if self._free is None:
            self._free = [
                i
                for i, t in enumerate(self.cand)
                if not lx.is_function(t, self.target_lang) and not self.licensed(t)
            ]
        return self._free

    def phrases_at(self, positions: Iterable[int]) -> list[str]:
        spans = {(i + a, i + b) for i in positions for a, b in ((0, 1), (0, 2), (-1, 1), (0, 3))}
        phrases = [
            span(self.cand, start, end, self.candidate)
            for start, end in sorted(spans)
            if 0 <= start < end <= len(self.cand)
        ]
        # A lone character or a two-letter word is close to anything in embedding space.
        return [p for p in phrases if len(p.strip()) >= (2 if self.zh_target else 3)]

    def paraphrased(self, near: tuple[int, int], *meanings: str) -> bool:
        """Does a phrase of the answer that nothing else licenses, or one where the reference
        has the word (`near`, from the alignment), say one of these meanings (a source word,
        the reference's rendering of it)?"""
        start, end = near
        # Only near where the reference has it: a paraphrase stays in about the same place,
        # and a long answer is not compared phrase by phrase with every source word.
        free = [i for i in self.free_positions() if start - WINDOW <= i < end + WINDOW]
        phrases = self.phrases_at([*free, *range(start - 2, end + 2)])
        return any(meaning.best_match(m, phrases) >= PARAPHRASE_AT for m in meanings if m)

    @property
    def zh_target(self) -> bool:
        return self.target_lang == "zh"

    def closest_reference(self) -> int:
        """The reference sharing most words with the answer."""
        keys = {t.key for t in self.cand}
        overlaps = [len(keys & {t.key for t in ref}) / (1 + len(ref)) for ref in self.refs]
        return max(range(len(self.refs)), key=overlaps.__getitem__) if self.refs else -1

    def translations(self, token: lx.Token) -> frozenset[str]:
        """What a source word may be rendered as in the target language: English lemmas for a
        Chinese word, Chinese words for an English one."""
        if self.source_lang == "zh":
            return lx.zh_glosses(token.text)
        return lx.en_chinese(token.lemmas)

    def renders(self, words: tuple[lx.Token, ...], text: str, options: frozenset[str]) -> bool:
        """Does a target text contain one of these renderings of a source word?"""
        if self.zh_target:
            # Chinese renderings of two characters or more are looked for inside words (绿氢 in
            # 绿氢是); a single character must be a word of its own, or it is found everywhere.
            return any((o in t.text) if len(o) > 1 else o == t.text for t in words for o in options)
        # "cosmic" renders 宇宙 (universe, cosmos), "low-mass" 质量 (mass).
        if words is self.cand:  # the whole answer: one set, looked up once per source word
            if self._cand_renderings is None:
                self._cand_renderings = frozenset().union(*map(lx.renderings, self.cand))
            return bool(self._cand_renderings & options)
        return any(lx.renderings(t) & options for t in words)

    def rendered_by(self, ref_word: lx.Token, words: Iterable[lx.Token]) -> bool:
        """Does the answer say what this reference word says? A Chinese word that is only
        part of it (利润 for 净利润) says less."""
        if self._cand_index is None:
            self._cand_index = self._index(self.cand)
        if not self._may_match(ref_word, self._cand_index):
            return False
        return any(
            lx.same_meaning(ref_word, w, self.target_lang)
            and not (self.zh_target and w.text != ref_word.text and w.text in ref_word.text)
            for w in words
        )

    def has_meaning(
        self, token: lx.Token, words: Iterable[lx.Token], same: Same = lx.same_meaning
    ) -> bool:
        return any(same(token, other, self.target_lang) for other in words)

    def in_references(self, token: lx.Token, same: Same = lx.same_meaning) -> bool:
        """`has_meaning(token, self.ref_words, same)`, answered from an index (see
        `reference_word`)."""
        known = self._in_refs.get((token, same))
        if known is None:
            known = self._in_refs[(token, same)] = self.reference_word(token, same) is not None
        return known

    def reference_word(self, token: lx.Token, same: Same = lx.same_meaning) -> lx.Token | None:
        """The first reference word, in the references' order, that `same` says means what
        this one does. Found from an index: a long answer against a long reference would
        otherwise compare every pair of words. Two words of the same meaning share a lemma
        or a translation (`lx.same_meaning`), so only the reference words that do are
        compared."""
        if self._by_key is None:
            self._by_key = {}
            for at, word in enumerate(self.ref_words):
                for key in word.lemmas | self._senses(word):
                    self._by_key.setdefault(key, []).append(at)
        near = sorted(
            {at for key in token.lemmas | self._senses(token) for at in self._by_key.get(key, ())}
        )
        words = (self.ref_words[at] for at in near)
        return next((w for w in words if same(token, w, self.target_lang)), None)

    def _index(self, words: Iterable[lx.Token]) -> tuple[frozenset[str], frozenset[str]]:
        lemmas: set[str] = set()
        senses: set[str] = set()
        for word in words:
            lemmas |= word.lemmas
            senses |= self._senses(word)
        return frozenset(lemmas), frozenset(senses)

    def _may_match(self, token: lx.Token, index: tuple[frozenset[str], frozenset[str]]) -> bool:
        # No common lemma and no common translation: no synonym either.
        return bool(token.lemmas & index[0] or self._senses(token) & index[1])

    def _senses(self, word: lx.Token) -> frozenset[str]:
        if self.zh_target:
            return lx.zh_glosses(word.text)
        return lx.en_chinese(word.lemmas)


def span(words: tuple[lx.Token, ...], start: int, end: int, text: str) -> str:
    if start >= end or start >= len(words):
        return ""
    return text[words[start].start : words[min(end, len(words)) - 1].end]


def keys(words: tuple[lx.Token, ...]) -> list[str]:
    return [t.key for t in words]


def counterpart(ref: tuple[lx.Token, ...], cand: tuple[lx.Token, ...], at: int) -> tuple[int, int]:
    """The answer's words standing where reference word `at` stands (difflib alignment)."""
    for tag, i1, i2, j1, j2 in opcodes(tuple(keys(ref)), tuple(keys(cand))):
        if i1 <= at < i2:
            if tag == "equal":
                return j1 + at - i1, j1 + at - i1 + 1
            return j1, j2
    return len(cand), len(cand)


@lru_cache(maxsize=1024)
def opcodes(
    ref: tuple[str, ...], cand: tuple[str, ...]
) -> tuple[tuple[str, int, int, int, int], ...]:
    # One alignment per pair of texts, however many words are looked up in it.
    return tuple(SequenceMatcher(None, ref, cand, autojunk=False).get_opcodes())


def major_word(word: lx.Token, lang: str) -> bool:
    """Dropping a longer, rarer word loses meaning; a one-character word, a light Chinese
    head noun (服务, 过程) or a very common English word is more often rendered implicitly."""
    if lang == "zh":
        return len(word.text) >= 2 and word.text not in ZH_LIGHT_NOUNS
    return len(word.text) >= 4
