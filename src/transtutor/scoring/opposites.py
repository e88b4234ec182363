"""Opposite meanings, all critical: a negation added or dropped (polarity), a word whose
antonym the reference or the source says, a word of the other direction where the
reference's word stands ("risen" for "cut"), switched off where the references switch on."""

from __future__ import annotations

from transtutor.scoring import lexicon as lx
from transtutor.scoring import text as tx
from transtutor.scoring.comparison import (
    Comparison,
    DetectedError,
    counterpart,
    span,
)

# Words either side of the aligned position where a reference word of the other direction
# counts ("has been cut" against "has risen": the alignment puts "risen" by "been").
DIRECTION_WINDOW = 2


_NOT_NEGATING = {("not", "until"), ("without", "saying")}


def _negations(words: tuple[lx.Token, ...], lang: str) -> list[int]:
    found = [i for i, t in enumerate(words) if lx.is_negation(t, lang)]
    if lang == "en":
        # "not until ten years later" says when, not whether: "only ten years later"; "it
        # goes without saying" is "undoubtedly".
        found = [
            i
            for i in found
            if i + 1 >= len(words)
            or (words[i].text.casefold(), words[i + 1].text.casefold()) not in _NOT_NEGATING
        ]
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


def _negated_by_prefix(c: Comparison) -> list[lx.Token]:
    """English words of the answer that are the WordNet antonym of themselves without a
    negative prefix ("unsatisfactory", "impossible"; not "inform" or "display") and that no
    reference has."""
    if c.target_lang != "en":
        return []
    antonyms = lx.wordnet_antonyms()
    return [
        t
        for t in c.cand
        if any(
            stem in antonyms.get(lemma, ()) for lemma in t.lemmas for stem in lx.unprefixed(t, "en")
        )
        and not any(t.lemmas & r.lemmas for r in c.ref_words)
    ]


def _negates_as_a_reference(c: Comparison, mine: list[int], theirs: list[list[int]]) -> bool:
    """Does every negation of the answer negate a word that a reference with as many
    negations (in parity) negates too?"""
    negated = [_negated_word(c.cand, i, c.target_lang) for i in mine]
    for ref, negations in zip(c.refs, theirs, strict=True):
        if len(negations) % 2 != len(mine) % 2:
            continue
        said = [_negated_word(ref, i, c.target_lang) for i in negations]
        if all(
            word is not None
            and any(
                other is not None and lx.same_meaning(word, other, c.target_lang) for other in said
            )
            for word in negated
        ):
            return True
    return False


def _negated_word(words: tuple[lx.Token, ...], at: int, lang: str) -> lx.Token | None:
    """The first content word within two words after a negation."""
    return next((w for w in words[at + 1 : at + 3] if lx.is_content(w, lang)), None)


def polarity(c: Comparison) -> list[DetectedError]:
    """A negation added or dropped: the answer's negations differ in parity from the closest
    reference's, and from the source's or from every reference's (a reference may word the
    same meaning with a negation: "works offline" / 无需联网也可使用)."""
    mine = _negations(c.cand, c.target_lang)
    theirs = [_negations(ref, c.target_lang) for ref in c.refs]
    if not theirs:
        return []
    source_neg = _negations(c.src, c.source_lang)
    source_parity = len(source_neg) % 2
    references = {len(n) % 2 for n in theirs}
    # A negation the answer says by a prefix where the references do not ("impossible" for
    # "can't", "unsatisfactory" for 不给力 / "not strong enough") may be the one it lacks.
    prefixed = len(_negated_by_prefix(c))
    for parity in {len(mine) % 2, (len(mine) + prefixed) % 2}:
        if len(references) == 1:
            # The references agree: the answer must too, unless it agrees with a source that
            # has negations of its own (counts differ across languages: 未能 / "failed to").
            if parity in references or (source_neg and parity == source_parity):
                return []
        elif parity == source_parity or _negates_as_a_reference(c, mine, theirs):
            # The references disagree: the source decides, unless the answer negates what
            # a reference negates ("不联网也能用" as "无需联网也可使用" for "works offline").
            return []
    parity = len(mine) % 2
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
        found = span(c.cand, extra, extra + 2, c.candidate)
        # What the reference says there, without the negation: the negated word's counterpart.
        start, end = counterpart(c.cand, ref, extra + 1) if extra + 1 < len(c.cand) else (0, 0)
        expected = span(ref, start, end, c.references[best])
    else:
        missing = ref_neg[0]
        if missing + 1 < len(ref) and _prefix_opposite(ref[missing + 1], c.cand):
            return []
        start, end = counterpart(ref, c.cand, missing)
        # The negated head follows the negation ("no problems"): quote the answer up to it.
        head = counterpart(ref, c.cand, missing + 1)[1] if missing + 1 < len(ref) else end
        found = span(c.cand, start, max(end, head), c.candidate)
        expected = span(ref, missing, missing + 2, c.references[best])
    return [DetectedError("polarity", "Accuracy/Polarity", "critical", found, expected, src_word)]


def antonym(c: Comparison) -> list[DetectedError]:
    """A word of the answer whose opposite is what a reference (or the source) says."""
    found = []
    all_ref = [t for ref in c.refs for t in ref]
    ref_lemmas = frozenset(lemma for t in all_ref for lemma in lx.with_adjectives(t.lemmas))
    for at, token in enumerate(c.cand):
        direction = lx.direction_opposites(token, c.target_lang)
        if lx.is_negation(token, c.target_lang) and not direction:  # 不到 is "less than" too
            continue
        opposite = lx.antonyms(token, c.target_lang)
        if not (opposite or direction):
            continue
        # A reference word of the same meaning excuses it, unless the reference says the
        # opposite in its place ("similar" where it has "different", whatever "like" says).
        if c.in_references(token, lx.close_meaning) and not (
            opposite & ref_lemmas and _opposite_in_place(c, at, opposite)
        ):
            continue
        # Scan the words only when an index says one of them may be the opposite.
        maybe_ref = c.zh_target or bool(opposite & ref_lemmas)
        # Reference words saying the opposite; one also said elsewhere in the answer excuses
        # this word (not a near-synonym: "minimal" must not excuse "large" for "small").
        said = [r for r in all_ref if _opposite(c, r, opposite)] if maybe_ref else []
        unsaid = [r for r in said if not any(r.lemmas & t.lemmas for t in c.cand)]
        if said and not unsaid:
            continue
        expected = unsaid[0] if unsaid else None
        listed = lx.antonyms(token, c.target_lang, wordnet=False)
        source_word = (
            next(
                (
                    s
                    for s in c.src
                    if _source_means(c, s, opposite, listed)
                    # A one-character Chinese word has too many senses (到: arrive, to,
                    # until), unless the answer's word is one of them negated by a prefix
                    # ("unwilling" for 愿: willing).
                    and (
                        c.source_lang != "zh"
                        or len(s.text) >= 2
                        or bool(lx.unprefixed(token, c.target_lang) & c.translations(s))
                    )
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
        if expected is not None:
            shown = expected.text
        else:  # what the source's word means, that this one is the opposite of
            assert source_word is not None
            shown = min(_source_means(c, source_word, opposite, listed), default="")
        found.append(_opposite_error(token.text, shown, source_word.text if source_word else ""))
    return found


def _opposite_error(found: str, expected: str, source: str) -> DetectedError:
    """An answer word meaning the opposite of what is expected: a critical mistranslation."""
    return DetectedError("antonym", "Accuracy/Mistranslation", "critical", found, expected, source)


def denied(c: Comparison) -> list[DetectedError]:
    """An answer word that a source word's own entry denies (不少 "not few" rendered "few",
    不同 "not the same" rendered "the same"), where the word has an opposite: the answer says
    the opposite of the source. Source words that are negations are `polarity`'s."""
    if c.source_lang != "zh" or c.target_lang != "en":
        return []
    lexicon = lx.lexicon()
    sources = [
        (s, lexicon.negated_glosses(s.text))
        for s in c.src
        if len(s.text) >= 2 and not lx.is_negation(s, "zh")
    ]
    sources = [(s, words) for s, words in sources if words]
    found = []
    for at, token in enumerate(c.cand):
        if any(lx.is_negation(t, "en") for t in c.cand[max(0, at - 2) : at]):
            continue  # "not the same", "no fewer"
        for s, words in sources:
            said = token.lemmas & words
            if not (
                said
                and _has_opposite(token)
                and not c.in_references(token)
                and not c.renders(c.cand, c.candidate, c.translations(s))
            ):
                continue
            found.append(_opposite_error(token.text, f"not {min(said)}", s.text))
            break
    return found


def _has_opposite(token: lx.Token) -> bool:
    """Does the word have an opposite of its own (not only one made with a prefix)?"""
    return bool(lx.antonyms(token, "en") - lx.prefixed(token))


def _source_means(
    c: Comparison, word: lx.Token, opposite: frozenset[str], listed: frozenset[str]
) -> frozenset[str]:
    """The opposites a source word may mean: those of our list through any of its senses,
    WordNet's only through a Chinese word of two characters or more that has an entry of its
    own (在 is "in the middle of" too: never evidence for "middle" against "later")."""
    means = c.translations(word) & listed
    if c.source_lang == "zh" and len(word.text) >= 2:
        means |= lx.lexicon().glosses(word.text) & opposite
    return means


def _direction_at(c: Comparison, at: int, direction: frozenset[str]) -> lx.Token | None:
    """A reference word of the other direction standing where answer word `at` stands
    ("cut" where the answer has "risen"): only there, since a sentence may say both."""
    for ref in c.refs:
        start, end = counterpart(c.cand, ref, at)
        for word in ref[max(0, start - DIRECTION_WINDOW) : end + DIRECTION_WINDOW]:
            if _opposite(c, word, direction):
                return word
    return None


def _opposite_in_place(c: Comparison, at: int, opposite: frozenset[str]) -> bool:
    """Does a reference have one of the opposites itself (not a near-synonym of one) where
    the answer has its word `at`?"""
    return any(
        start <= at < end
        for ref in c.refs
        for j, word in enumerate(ref)
        if lx.with_adjectives(word.lemmas) & opposite
        for start, end in [counterpart(ref, c.cand, j)]
    )


def _opposite(c: Comparison, ref_word: lx.Token, opposite: frozenset[str]) -> bool:
    """Does this reference word say one of the opposites (itself, its adjective for an adverb:
    "warmly", or a near-synonym of one: 降低 for 减少, the antonym of 增加)?"""
    if lx.with_adjectives(ref_word.lemmas) & opposite:
        return True
    if not c.zh_target or len(ref_word.text) < 2:
        return False
    listed = opposite & frozenset(lx.ZH_ANTONYM_TABLE)
    return any(
        lx.same_meaning(lx.Token(o, 0, len(o), frozenset({o})), ref_word, "zh")
        for o in listed
        if len(o) >= 2
    )


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
        if state in SWITCH_WORDS:
            verb = next(
                (j for j in (i - 1, i - 2) if j >= 0 and words[j].lemmas & SWITCH_VERBS), None
            )
            if verb is not None:
                found.append((state, span(words, verb, i + 1, text)))
        found += [(s, token.text) for s, verbs in SWITCH_WORDS.items() if token.lemmas & verbs]
    return found


def switched(c: Comparison) -> list[DetectedError]:
    """Switched off where every reference switches on (or the reverse): critical."""
    if c.zh_target:
        return []
    theirs = [dict(_switches(ref, text)) for ref, text in zip(c.refs, c.references, strict=True)]
    mine = _switches(c.cand, c.candidate)
    states = {state for state, _ in mine}
    found = []
    for state, words in mine:
        other = "off" if state == "on" else "on"
        if other not in states and all(other in s and state not in s for s in theirs):
            found.append(
                DetectedError(
                    "antonym", "Accuracy/Mistranslation", "critical", words, theirs[0][other]
                )
            )
    return found
