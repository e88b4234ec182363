"""Error detection by MQM category and severity, zh->en and en->zh.

Each detector compares meanings, not strings: words as lemmas, near-synonyms through the
lexicon, the source's words through their CC-CEDICT translations, numbers as values and whole
sentences through multilingual embeddings. A word of the answer is *licensed* when a reference
or the source (through the lexicon) says the same; a source word is *covered* when the answer
has one of its translations or the reference's rendering of it. What is neither is an error:

- non-translation (critical): the answer is in the source language, or its meaning is unrelated
  to the source and the references;
- polarity (critical): a negation added or dropped (the number of negations differs in parity
  from every reference and from the source);
- antonym (critical): a word meaning the opposite of the reference's (or the source's) word;
- numbers (critical when a value is replaced, major when one is dropped or added);
- named entities (critical when replaced, major when dropped);
- omission / mistranslation (major, minor for short or very common words): a source word that
  the reference translates and the answer does not;
- addition (major): a run of content words licensed by neither the source nor a reference;
- untranslated text, terminology (glossary, forbidden renderings) and punctuation, from the
  rubric checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from transtutor.scoring import lexicon as lx
from transtutor.scoring import meaning
from transtutor.scoring import text as tx

Severity = Literal["minor", "major", "critical"]
Same = Callable[[lx.Token, lx.Token, str], bool]
SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}

# Below this embedding similarity to the source and every reference an answer is about
# something else: unrelated sentences of the dev talks reach 0.29 at the 90th percentile,
# MT the experts found error-free 0.69 (to the source) and 0.84 (to the reference) at the 10th.
UNRELATED_BELOW = 0.4
# A run of at least this many content words that nothing licenses is an addition.
ADDITION_MIN_WORDS = 3
# A phrase of the answer at least this similar (embeddings) to a source word, or to the
# reference's rendering of it, renders it: "take" for 接受 (0.60), "get together" for 团聚
# (0.57), "across the country" for 全国 (0.68); unrelated words score 0.2-0.4.
PARAPHRASE_AT = 0.5
# A new capitalised word this similar (embeddings) to the reference's is the same thing named
# otherwise ("Avenue"/"Street" 0.76, "planet"/"Earth" 0.74, "CA"/"California" 0.76 in the
# dev MT the experts found error-free), not another name: name swaps of the challenge sets
# ("Germany"/"Brazil" 0.56, "Tokyo"/"Beijing" 0.52) stay below 0.6.
SAME_NAME_AT = 0.7
WINDOW = 8  # words either side of the reference's position searched for a paraphrase
# Words either side of the aligned position where a reference word of the other direction
# counts ("has been cut" against "has risen": the alignment puts "risen" by "been").
DIRECTION_WINDOW = 2
# A people's adjective -> its country, for names the lexicon glosses by the adjective.
DEMONYMS = {
    "chinese": "china",
    "sino": "china",
    "japanese": "japan",
    "american": "america",
    "british": "britain",
    "french": "france",
    "german": "germany",
    "korean": "korea",
    "indian": "india",
    "russian": "russia",
    "european": "europe",
    "african": "africa",
    "asian": "asia",
}
# An answer that keeps this share of its closest reference's words in order follows it;
# a word left out between FLANK equal words on each side is then an omission (`dropped`).
FOLLOWS = 0.75
FLANK = 2


MARKUP = re.compile(r"<[^<>]*>|https?://\S+|javascript:\S*|\{\{?\s*[\w.]*\s*\}?\}")


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
        self._by_key: dict[str, list[lx.Token]] | None = None
        self._in_refs: dict[tuple[lx.Token, Same], bool] = {}
        self._cand_index: tuple[frozenset[str], frozenset[str]] | None = None

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
            _span(self.cand, start, end, self.candidate)
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
        return any(t.lemmas & options for t in words)

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
        """`has_meaning(token, self.ref_words, same)`, answered from an index: a long answer
        against a long reference would otherwise compare every pair of words. Two words
        of the same meaning share a lemma or a translation (`lx.same_meaning`), so only the
        reference words that do are compared."""
        known = self._in_refs.get((token, same))
        if known is not None:
            return known
        if self._by_key is None:
            self._by_key = {}
            for word in dict.fromkeys(self.ref_words):
                for key in word.lemmas | self._senses(word):
                    self._by_key.setdefault(key, []).append(word)
        near = {
            id(w): w
            for key in token.lemmas | self._senses(token)
            for w in self._by_key.get(key, ())
        }
        found = self.has_meaning(token, near.values(), same)
        self._in_refs[(token, same)] = found
        return found

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


def detect(
    source: str,
    candidate: str,
    references: list[str],
    source_lang: str,
    target_lang: str,
) -> list[DetectedError]:
    """Accuracy errors of an answer against its source and references, most severe first.

    Numbers, untranslated text, terminology and punctuation come from the rubric checks (see
    `transtutor.scoring.scorer`); everything else that changes the meaning is found here.
    """
    # Markup, links and placeholders are not words of the translation: never quoted back,
    # nor expected from the references (the rubric's placeholder check keeps them).
    candidate = MARKUP.sub(lambda m: " " * len(m[0]), candidate)
    references = [MARKUP.sub(lambda m: " " * len(m[0]), r) for r in references]
    if not candidate.strip() or not references:
        return []
    if _squash(candidate) in {_squash(r) for r in references}:
        return []  # a reference, as it is
    off = non_translation(source, candidate, references, source_lang, target_lang)
    if off:
        return [off]
    c = Comparison(source, candidate, references, source_lang, target_lang)
    found: list[DetectedError] = []
    flips = polarity(c)
    opposites = antonym(c)
    cancelled = [o for o in opposites for f in flips if o.found in f.found.split()]
    if cancelled:
        # Two opposites in one place cancel: a negation dropped (or added) and the negated
        # word replaced by its antonym say the same ("not cheap" / "expensive").
        flips, opposites = [], [o for o in opposites if o not in cancelled]
    found += flips + opposites
    found += switched(c) if not opposites else []
    found += entities(c)
    found += unit_swaps(candidate, references, source, measured=False).values()
    taken = {e.expected for e in found} | {e.found for e in found}
    found += coverage(c, taken)
    found += dropped(c, taken | {e.expected for e in found})
    found += additions(c)
    return sort_errors(found)


def _squash(text: str) -> str:
    return " ".join(tx.normalize(text).casefold().split())


def sort_errors(errors: list[DetectedError]) -> list[DetectedError]:
    return sorted(errors, key=lambda e: SEVERITY_RANK[e.severity])


def non_translation(
    source: str, candidate: str, references: list[str], source_lang: str, target_lang: str
) -> DetectedError | None:
    """The answer is in the source language, or about something else entirely."""
    shown = candidate.strip()[:60]
    in_source_language = (
        tx.han_share(candidate) > 0.5
        if target_lang == "en"
        else tx.han_share(candidate) < 0.2 and tx.latin_share(candidate) > 0.6
    )
    if in_source_language and source_lang != target_lang:
        return DetectedError("wrong_language", "Non-translation", "critical", shown)
    closeness = max(meaning.similarity(candidate, text) for text in [source, *references])
    if closeness < UNRELATED_BELOW:
        return DetectedError("unrelated", "Non-translation", "critical", shown, references[0][:60])
    return None


def _negations(words: tuple[lx.Token, ...], lang: str) -> list[int]:
    found = [i for i, t in enumerate(words) if lx.is_negation(t, lang)]
    if lang == "en":
        # "not until ten years later" says when, not whether: "only ten years later".
        found = [i for i in found if i + 1 >= len(words) or words[i + 1].text.casefold() != "until"]
    else:
        # 不到一半, 不到30% say "less than" (compared by direction); 听不到 is "cannot hear".
        found = [i for i in found if not (words[i].text == "不到" and _counts(words, i + 1))]
    return found


def _counts(words: tuple[lx.Token, ...], at: int) -> bool:
    """Is word `at` a number or a share (一半, 30%, 三成)?"""
    if at >= len(words):
        return False
    text = words[at].text
    return (
        text[0].isdigit()
        or text[0] in "一二两三四五六七八九十百千万半"
        or bool(tx.quantities(text))
    )


def _prefix_opposite(negated: lx.Token, words: tuple[lx.Token, ...]) -> bool:
    """Does one of these words negate `negated` by a prefix ("no doubt" / "undoubtedly",
    "not safe" / "unsafe")? Then the negation is said, in one word."""
    stems = {lemma for lemma in negated.lemmas if len(lemma) >= 4}
    for word in words:
        folded = word.text.casefold()
        for prefix in lx.EN_NEGATIVE_PREFIXES:
            rest = folded[len(prefix) :]
            if folded.startswith(prefix) and any(rest.startswith(stem) for stem in stems):
                return True
    return False


def _span(words: tuple[lx.Token, ...], start: int, end: int, text: str) -> str:
    if start >= end or start >= len(words):
        return ""
    return text[words[start].start : words[min(end, len(words)) - 1].end]


def _keys(words: tuple[lx.Token, ...]) -> list[str]:
    return [t.key for t in words]


def counterpart(ref: tuple[lx.Token, ...], cand: tuple[lx.Token, ...], at: int) -> tuple[int, int]:
    """The answer's words standing where reference word `at` stands (difflib alignment)."""
    for tag, i1, i2, j1, j2 in _opcodes(tuple(_keys(ref)), tuple(_keys(cand))):
        if i1 <= at < i2:
            if tag == "equal":
                return j1 + at - i1, j1 + at - i1 + 1
            return j1, j2
    return len(cand), len(cand)


@lru_cache(maxsize=1024)
def _opcodes(
    ref: tuple[str, ...], cand: tuple[str, ...]
) -> tuple[tuple[str, int, int, int, int], ...]:
    # One alignment per pair of texts, however many words are looked up in it.
    return tuple(SequenceMatcher(None, ref, cand, autojunk=False).get_opcodes())


def polarity(c: Comparison) -> list[DetectedError]:
    """A negation added or dropped: the answer's negations differ in parity from the closest
    reference's, and from the source's or from every reference's (a reference may word the
    same meaning with a negation: "works offline" / 无需联网也可使用)."""
    mine = _negations(c.cand, c.target_lang)
    theirs = [_negations(ref, c.target_lang) for ref in c.refs]
    if not theirs:
        return []
    source_neg = _negations(c.src, c.source_lang)
    parity = len(mine) % 2
    source_parity = len(source_neg) % 2
    references = {len(n) % 2 for n in theirs}
    if len(references) == 1:
        # The references agree: the answer must too, unless it agrees with a source that
        # has negations of its own (counts differ across languages: 未能 / "failed to").
        if parity in references or (source_neg and parity == source_parity):
            return []
    elif parity == source_parity:
        return []  # the references disagree: the source decides
    best = c.closest_reference()
    if len(theirs[best]) % 2 == parity:
        best = next(i for i, n in enumerate(theirs) if len(n) % 2 != parity)
    ref, ref_neg = c.refs[best], theirs[best]
    src_word = c.src[source_neg[0]].text if source_neg else ""
    if len(mine) > len(ref_neg):
        # An added negation: quote it with the word it negates.
        matched = {counterpart(ref, c.cand, i)[0] for i in ref_neg}
        extra = next((i for i in mine if i not in matched), mine[-1])
        if extra + 1 < len(c.cand) and _prefix_opposite(c.cand[extra + 1], ref):
            return []
        found = _span(c.cand, extra, extra + 2, c.candidate)
        # What the reference says there, without the negation: the negated word's counterpart.
        start, end = counterpart(c.cand, ref, extra + 1) if extra + 1 < len(c.cand) else (0, 0)
        expected = _span(ref, start, end, c.references[best])
    else:
        missing = ref_neg[0]
        if missing + 1 < len(ref) and _prefix_opposite(ref[missing + 1], c.cand):
            return []
        start, end = counterpart(ref, c.cand, missing)
        # The negated head follows the negation ("no problems"): quote the answer up to it.
        head = counterpart(ref, c.cand, missing + 1)[1] if missing + 1 < len(ref) else end
        found = _span(c.cand, start, max(end, head), c.candidate)
        expected = _span(ref, missing, missing + 2, c.references[best])
    return [DetectedError("polarity", "Accuracy/Polarity", "critical", found, expected, src_word)]


def antonym(c: Comparison) -> list[DetectedError]:
    """A word of the answer whose opposite is what a reference (or the source) says."""
    found = []
    all_ref = [t for ref in c.refs for t in ref]
    ref_lemmas = frozenset(lemma for t in all_ref for lemma in _with_adjectives(t.lemmas))
    for at, token in enumerate(c.cand):
        direction = lx.direction_opposites(token, c.target_lang)
        if lx.is_negation(token, c.target_lang) and not direction:  # 不到 is "less than" too
            continue
        opposite = lx.antonyms(token, c.target_lang)
        if not (opposite or direction) or c.in_references(token, lx.close_meaning):
            continue
        # Scan the words only when an index says one of them may be the opposite.
        maybe_ref = c.zh_target or bool(opposite & ref_lemmas)
        expected = (
            next((r for r in all_ref if _opposite(c, r, opposite)), None) if maybe_ref else None
        )
        source_word = (
            next(
                (
                    s
                    for s in c.src
                    if c.translations(s) & opposite
                    # A one-character Chinese word has too many senses (到: arrive, to, until).
                    and (c.source_lang != "zh" or len(s.text) >= 2)
                    and not c.renders((token,), token.text, c.translations(s))
                    # The answer says the source word elsewhere: this one stands for another.
                    and not c.renders(c.cand, c.candidate, c.translations(s))
                ),
                None,
            )
            if opposite & c.source_options
            else None
        )
        if expected is None and source_word is None and direction:
            expected = _direction_at(c, at, direction)
        if expected is None and (source_word is None or len(token.text) == 1):
            # One-character Chinese words (前, 后) need a reference that says the opposite.
            continue
        # The reference's word said elsewhere in the answer (not a near-synonym: "minimal"
        # must not excuse "large" for "small").
        if expected is not None and any(expected.lemmas & t.lemmas for t in c.cand):
            continue
        found.append(
            DetectedError(
                "antonym",
                "Accuracy/Mistranslation",
                "critical",
                token.text,
                expected.text if expected else "",
                source_word.text if source_word else "",
            )
        )
    return found


def _direction_at(c: Comparison, at: int, direction: frozenset[str]) -> lx.Token | None:
    """A reference word of the other direction standing where answer word `at` stands
    ("cut" where the answer has "risen"): only there, since a sentence may say both."""
    for ref in c.refs:
        start, end = counterpart(c.cand, ref, at)
        for word in ref[max(0, start - DIRECTION_WINDOW) : end + DIRECTION_WINDOW]:
            if _opposite(c, word, direction):
                return word
    return None


def _opposite(c: Comparison, ref_word: lx.Token, opposite: frozenset[str]) -> bool:
    """Does this reference word say one of the opposites (itself, its adjective for an adverb:
    "warmly", or a near-synonym of one: 降低 for 减少, the antonym of 增加)?"""
    if _with_adjectives(ref_word.lemmas) & opposite:
        return True
    if not c.zh_target or len(ref_word.text) < 2:
        return False
    listed = opposite & frozenset(lx.ZH_ANTONYM_TABLE)
    return any(
        lx.same_meaning(lx.Token(o, 0, len(o), frozenset({o})), ref_word, "zh")
        for o in listed
        if len(o) >= 2
    )


def _with_adjectives(lemmas: frozenset[str]) -> frozenset[str]:
    """Lemmas, and the adjective of an English adverb in -ly ("warmly": warm)."""
    return lemmas | {lemma[:-2] for lemma in lemmas if lemma.endswith("ly") and len(lemma) > 5}


# A device or setting switched on or off: "turn on", "switch it off", "enable", "disable".
SWITCH_VERBS = frozenset({"turn", "switch", "power", "log"})
SWITCH_WORDS = {
    "on": frozenset({"enable", "activate"}),
    "off": frozenset({"disable", "deactivate"}),
}


def _switches(words: tuple[lx.Token, ...], text: str) -> list[tuple[str, str]]:
    """(on or off, the words that say it) for each switching in English words."""
    found = []
    for i, token in enumerate(words):
        state = token.text.casefold()
        verb = next((j for j in (i - 1, i - 2) if j >= 0 and words[j].lemmas & SWITCH_VERBS), None)
        if state in SWITCH_WORDS and verb is not None:
            found.append((state, _span(words, verb, i + 1, text)))
        found += [(s, token.text) for s, verbs in SWITCH_WORDS.items() if token.lemmas & verbs]
    return found


def switched(c: Comparison) -> list[DetectedError]:
    """Switched off where every reference switches on (or the reverse): critical."""
    if c.zh_target:
        return []
    said = [_switches(ref, text) for ref, text in zip(c.refs, c.references, strict=True)]
    found = []
    for state, words in _switches(c.cand, c.candidate):
        theirs = [dict(s) for s in said]
        other = "off" if state == "on" else "on"
        if all(other in s and state not in s for s in theirs) and other not in dict(
            _switches(c.cand, c.candidate)
        ):
            found.append(
                DetectedError(
                    "antonym", "Accuracy/Mistranslation", "critical", words, theirs[0][other]
                )
            )
    return found


def _names(words: tuple[lx.Token, ...], text: str) -> list[lx.Token]:
    """Capitalised words that are not sentence-initial: names in English text."""
    found = []
    for i, token in enumerate(words):
        first = i == 0 or text[: token.start].rstrip().endswith((".", "!", "?", ":", '"', "“"))
        if (
            token.text[0].isupper()
            and not first
            and token.text.casefold() not in lx.EN_STOPWORDS
            and token.text != "I"
        ):
            found.append(token)
    return found


def entities(c: Comparison) -> list[DetectedError]:
    """Names of the references the answer lacks; replaced by another name, critical."""
    if c.zh_target:
        return _zh_entities(c)
    best = c.closest_reference()
    ref, ref_text = c.refs[best], c.references[best]
    cand_folded = {part for t in c.cand for part in _folded(t).split("-")}
    cand_folded |= {_folded(t) for t in c.cand}
    licensed = {_folded(t) for r in c.refs for t in r} | {_folded(t) for t in c.src}
    ref_names = [_folded(t) for t in _names(ref, ref_text)]
    new_names = [
        t
        for t in _names(c.cand, c.candidate)
        if _folded(t) not in licensed
        and not set(_folded(t).split("-")) & licensed
        and not _abbreviated(t.text, ref_names)
    ]
    # Names written as their abbreviation ("NASA", "CA") are there.
    cand_folded |= {name for t in c.cand for name in _abbreviated(t.text, ref_names)}
    found = []
    source_folded = c.source.casefold()
    ref_folded = [{_folded(t) for t in r} for r in c.refs]
    # What the source names through the lexicon, the parts of glosses too: 中外 glosses
    # "Chinese-foreign", which names China.
    parts = {part for option in c.source_options for part in option.split("-")}
    named = c.source_options | parts | {DEMONYMS[p] for p in parts if p in DEMONYMS}
    for name in _names(ref, ref_text):
        folded = _folded(name)  # "China's" is China
        if folded in cand_folded:
            continue
        if any(folded not in words for words in ref_folded):
            continue  # one reference does without it
        in_source = folded in source_folded or (name.lemmas | {folded}) & named
        if not in_source and len(c.refs) < 2:
            # A name the source does not have (in Latin script or in the lexicon), unless
            # several references agree on it (the lexicon misses 中 of 中外: China).
            continue
        # Said another way ("the galaxy" for the Milky Way), unless a new name stands where
        # the reference has it: "Brazil" for China is no synonym because "part" shares a
        # rare gloss with China (五方).
        if c.has_meaning(name, c.cand):
            start, end = counterpart(ref, c.cand, ref.index(name))
            if not any(t in new_names for t in c.cand[start:end]):
                continue
        if new_names and meaning.similarity(new_names[0].text, name.text) >= SAME_NAME_AT:
            new_names.pop(0)  # a near-synonym of a capitalised common word: Avenue / Street
            continue
        if new_names:
            other = new_names.pop(0)
            found.append(
                DetectedError(
                    "entity", "Accuracy/Mistranslation", "critical", other.text, name.text
                )
            )
        else:
            found.append(DetectedError("entity", "Accuracy/Omission", "major", "", name.text))
    return found


def _folded(token: lx.Token) -> str:
    folded = token.text.casefold()
    return folded[:-2] if folded.endswith(("'s", "’s")) else folded


def _abbreviated(word: str, names: list[str]) -> list[str]:
    """The names that `word`, in capitals, abbreviates: their initials in a row ("NASA":
    National Aeronautics and Space Administration), or letters of one name ("CA": California)."""
    if not (word.isupper() and len(word) >= 2):
        return []
    folded = word.casefold()
    at = "".join(n[0] for n in names).find(folded)
    if at >= 0:
        return names[at : at + len(folded)]
    return [n for n in names if n[0] == folded[0] and _subsequence(folded[1:], n[1:])][:1]


def _subsequence(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(ch in rest for ch in letters)


def _zh_entities(c: Comparison) -> list[DetectedError]:
    """en->zh: a name of the source whose Chinese form (from a reference) the answer lacks."""
    found = []
    for name in _names(c.src, c.source):
        forms = c.translations(name)
        in_refs = [o for o in forms if len(o) >= 2 and any(o in r for r in c.references)]
        if not in_refs or any(o in c.candidate for o in in_refs):
            continue
        expected = max(in_refs, key=len)
        ref_index = next(i for i, r in enumerate(c.references) if expected in r)
        ref = c.refs[ref_index]
        at = next((i for i, t in enumerate(ref) if expected in t.text or t.text in expected), 0)
        start, end = counterpart(ref, c.cand, at)
        replaced = _span(c.cand, start, end, c.candidate)
        if replaced and not any(t.text in expected for t in c.cand[start:end]):
            found.append(
                DetectedError(
                    "entity", "Accuracy/Mistranslation", "critical", replaced, expected, name.text
                )
            )
        else:
            found.append(
                DetectedError("entity", "Accuracy/Omission", "major", "", expected, name.text)
            )
    return found


def coverage(c: Comparison, taken: set[str]) -> list[DetectedError]:
    """Source words that a reference translates and the answer does not: omitted, or
    rendered as something else (mistranslated)."""
    found = []
    seen: set[str] = set()
    ref_content = [
        (i, j, t)
        for i, ref in enumerate(c.refs)
        for j, t in enumerate(ref)
        if lx.is_content(t, c.target_lang)
    ]
    # English renderings are lemmas: look them up instead of testing every reference word.
    by_lemma: dict[str, list[tuple[int, int]]] = {}
    for i, j, t in ref_content:
        for lemma in t.lemmas:
            by_lemma.setdefault(lemma, []).append((i, j))
    for word in c.src:
        if not _weighty_source(word, c.source_lang) or word.text in seen:
            continue
        seen.add(word.text)
        options = c.translations(word)
        if not options:
            continue
        if c.zh_target:
            covering = [(i, j) for i, j, t in ref_content if c.renders((t,), t.text, options)]
        else:
            covering = sorted({at for o in options for at in by_lemma.get(o, ())})
        # Expected only when every reference renders it: one that does without it shows the
        # word may be left implicit.
        if not covering or len({i for i, _ in covering}) < len(c.refs):
            continue
        if c.renders(c.cand, c.candidate, options):
            continue
        if any(c.rendered_by(c.refs[i][j], c.cand) for i, j in covering):
            continue
        i, j = covering[0]
        expected = c.refs[i][j].text
        if expected in taken or any(expected in t for t in taken if t):
            continue
        start, end = counterpart(c.refs[i], c.cand, j)
        if c.paraphrased((start, end), word.text, expected):
            continue
        instead = [t for t in c.cand[start:end] if lx.is_content(t, c.target_lang)]
        severity: Severity = "major" if _major_word(word, c.source_lang) else "minor"
        if instead and not any(c.in_references(t) for t in instead):
            # Something else stands where the reference has the word: as often a paraphrase
            # the lexicon does not know as a real mistranslation, so it costs little.
            severity = "minor"
        if instead and not any(c.in_references(t) for t in instead):
            found.append(
                DetectedError(
                    "mistranslation",
                    "Accuracy/Mistranslation",
                    severity,
                    _span(c.cand, start, end, c.candidate),
                    expected,
                    word.text,
                )
            )
        else:
            found.append(
                DetectedError("omission", "Accuracy/Omission", severity, "", expected, word.text)
            )
    return found


def dropped(c: Comparison, taken: set[str]) -> list[DetectedError]:
    """Content words of the closest reference that the answer leaves out where it otherwise
    follows that reference word for word, said nowhere else in it and by every reference: an
    omission. (A paraphrase rewords, so its differences are replacements, not gaps.)"""
    best = c.closest_reference()
    if best < 0:
        return []
    ref = c.refs[best]
    found = []
    # The parts of hyphenated words count ("research-a", a typo, still says "research").
    parts = {part for t in c.cand for part in t.text.casefold().split("-")}
    codes = _opcodes(tuple(_keys(ref)), tuple(_keys(c.cand)))
    shared = sum(i2 - i1 for tag, i1, i2, _, _ in codes if tag == "equal")
    if shared < FOLLOWS * len(ref):
        return []  # a rewording: what it leaves out may be said another way
    for at, (tag, i1, i2, j1, _) in enumerate(codes):
        # A gap of a word or two between runs the answer shares with the reference word for
        # word (or at its end): where a restructured sentence differs, nothing is matched.
        if tag != "delete" or i2 - i1 > 2 or not _flanked(codes, at):
            continue
        for k, word in enumerate(ref[i1:i2], start=i1):
            if (
                not lx.is_content(word, c.target_lang)
                or word.text.casefold() in parts
                or _in_order_to(ref, k)
                or lx.is_negation(word, c.target_lang)
                # numbers and units are the number check's
                or any(ch.isdigit() for ch in word.text)
                or tx.unit_mentions(word.text)
                or word.text in taken
                or c.rendered_by(word, c.cand)
                or not all(c.has_meaning(word, other) for other in c.refs)
                or c.paraphrased((j1, j1), word.text)
            ):
                continue
            severity: Severity = "major" if _major_word(word, c.target_lang) else "minor"
            found.append(DetectedError("omission", "Accuracy/Omission", severity, "", word.text))
    return found


def _in_order_to(words: tuple[lx.Token, ...], at: int) -> bool:
    """Is word `at` the "order" of "in order to / that" (which says what "to" says)?"""
    folded = [t.text.casefold() for t in words[max(0, at - 1) : at + 2]]
    return folded[1:2] == ["order"] and folded[:1] == ["in"] and folded[2:] in (["to"], ["that"])


def _flanked(codes: tuple[tuple[str, int, int, int, int], ...], at: int) -> bool:
    """Is opcode `at` between two runs of at least FLANK equal words (one, at an end)?"""

    def equal(k: int) -> bool:
        if k < 0 or k >= len(codes):
            return True  # the start or the end of the sentence
        tag, i1, i2, _, _ = codes[k]
        return tag == "equal" and i2 - i1 >= FLANK

    return equal(at - 1) and equal(at + 1) and not (at == 0 and at == len(codes) - 1)


def _weighty_source(word: lx.Token, lang: str) -> bool:
    return lx.is_content(word, lang) and not lx.is_negation(word, lang)


def _major_word(word: lx.Token, lang: str) -> bool:
    """Dropping a longer, rarer word loses meaning; a one-character word or a very common
    English word is more often rendered implicitly."""
    if lang == "zh":
        return len(word.text) >= 2
    return len(word.text) >= 4


def additions(c: Comparison) -> list[DetectedError]:
    """Runs of content words that neither the source (through the lexicon) nor any
    reference licenses."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, token in enumerate(c.cand):
        if any(ch.isdigit() for ch in token.text):
            current = _close(current, runs)
            continue
        if not lx.is_content(token, c.target_lang):
            continue
        if c.licensed(token):
            current = _close(current, runs)
        else:
            current.append(i)
    _close(current, runs)
    runs = [run for run in runs if not _said_elsewhere(c, run)]
    return [
        DetectedError(
            "addition",
            "Accuracy/Addition",
            "major",
            _span(c.cand, run[0], run[-1] + 1, c.candidate),
        )
        for run in runs
    ]


def _said_elsewhere(c: Comparison, run: list[int]) -> bool:
    """Is a run of unlicensed words a paraphrase of a source word or of a reference phrase
    near where it stands?"""
    text = _span(c.cand, run[0], run[-1] + 1, c.candidate)
    options = [t.text for t in c.src if lx.is_content(t, c.source_lang)][: 4 * WINDOW]
    for ref, ref_text in zip(c.refs, c.references, strict=True):
        start, end = counterpart(c.cand, ref, run[0])
        end = max(end, counterpart(c.cand, ref, run[-1])[1])
        lo, hi = max(0, start - 3), min(len(ref), end + 3)
        options += [_span(ref, i, i + n, ref_text) for i in range(lo, hi) for n in (1, 2, 3)]
    return meaning.best_match(text, [o for o in options if o]) >= PARAPHRASE_AT


def _close(current: list[int], runs: list[list[int]]) -> list[int]:
    if len(current) >= ADDITION_MIN_WORDS:
        runs.append(current)
    return []


def numbers(candidate: str, references: list[str], source: str) -> list[DetectedError]:
    """Numbers compared as values with the closest reference (or the source): a value
    replaced is critical, one dropped or added major; a unit dropped is major, one replaced
    by another of its dimension critical."""
    got = {q.key: q for q in tx.quantities(candidate)}
    got_units = tx.units(candidate)
    allowed = {q.key for text in [source, *references] for q in tx.quantities(text)}
    best: tuple[list[tx.Quantity], list[str]] | None = None
    for reference in references or [source]:
        expected = {q.key: q for q in tx.quantities(reference)}
        missing = [q for key, q in expected.items() if key not in got]
        units = [u for u in sorted(tx.units(reference)) if u not in got_units]
        if best is None or len(missing) + len(units) < len(best[0]) + len(best[1]):
            best = (missing, units)
    missing, units = best or ([], [])
    extra = [q for key, q in got.items() if key not in allowed]
    said = {name: words for text in references for name, words in tx.unit_mentions(text).items()}
    found = []
    for m, e in zip(missing, extra, strict=False):
        if m.unit and not e.unit and m.value == e.value and m.unit not in got_units:
            # The number kept, its unit dropped ("2.5" for 2.5吉瓦): one unit error.
            unit = said.get(m.unit, m.unit)
            found.append(DetectedError("unit", "Accuracy/Omission", "major", e.text, unit))
            units = [u for u in units if u != m.unit]
        else:
            found.append(
                DetectedError("number_wrong", "Accuracy/Mistranslation", "critical", e.text, m.text)
            )
    paired = min(len(missing), len(extra))
    found += [
        DetectedError("number_missing", "Accuracy/Omission", "major", "", m.text)
        for m in missing[paired:]
    ]
    found += [
        DetectedError("number_extra", "Accuracy/Addition", "major", e.text) for e in extra[paired:]
    ]
    # Time units are the detector's (`detect`): an answer may leave them implicit.
    replaced = unit_swaps(candidate, references, source, measured=True)
    found += list(replaced.values())
    found += [
        DetectedError("unit", "Accuracy/Omission", "major", "", said.get(u, u))
        for u in units
        if u not in replaced
    ]
    return found


def unit_swaps(
    candidate: str, references: list[str], source: str, *, measured: bool
) -> dict[str, DetectedError]:
    """Units of the answer that neither the source nor a reference has, standing for one of
    the same dimension that the answer lacks ("minutes" for 几秒钟, MW for GW: critical), by
    the unit they replace; units of measure (`measured`) or of time."""
    got = {
        name: words
        for name, words in tx.unit_mentions(candidate).items()
        if (tx.DIMENSIONS.get(name) != "time") == measured
    }
    allowed = {name for text in [source, *references] for name in tx.unit_mentions(text)}
    wanted: dict[str, str] = {}
    for reference in references or [source]:
        for name, words in tx.unit_mentions(reference).items():
            if name not in got:
                wanted.setdefault(name, words)
    swaps = {}
    for name, words in got.items():
        if name in allowed:
            continue
        dimension = tx.DIMENSIONS.get(name)
        lost = next((u for u in wanted if dimension and tx.DIMENSIONS.get(u) == dimension), None)
        if lost is not None:
            swaps[lost] = DetectedError(
                "unit_wrong", "Accuracy/Mistranslation", "critical", words, wanted.pop(lost)
            )
    return swaps
