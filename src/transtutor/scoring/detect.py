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

from transtutor.scoring import lexicon as lx
from transtutor.scoring import meaning
from transtutor.scoring import text as tx
from transtutor.scoring.comparison import SEVERITY_RANK, Comparison, DetectedError, Severity
from transtutor.scoring.names import entities
from transtutor.scoring.omissions import additions, coverage, dropped
from transtutor.scoring.opposites import antonym, denied, polarity, switched
from transtutor.scoring.quantities import numbers, unit_swaps
from transtutor.scoring.spelling import misspelt

__all__ = ["Comparison", "DetectedError", "Severity", "detect", "numbers", "sort_errors"]


# Below this embedding similarity to the source and every reference an answer is about
# something else: unrelated sentences of the dev talks reach 0.29 at the 90th percentile,
# MT the experts found error-free 0.69 (to the source) and 0.84 (to the reference) at the 10th.
UNRELATED_BELOW = 0.4

MARKUP = re.compile(r"<[^<>]*>|https?://\S+|javascript:\S*|\{\{?\s*[\w.]*\s*\}?\}")


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
    opposites += [d for d in denied(c) if d.found not in {o.found for o in opposites}]
    same_place = [
        o
        for o in opposites
        if flips and (any(o.found in f.found.split() for f in flips) or _negated(c, o.found))
    ]
    # "always" where the reference has "never": one error, the negation dropped.
    opposites = [o for o in opposites if not (o in same_place and _negation_word(o, c))]
    cancelled = [o for o in same_place if o in opposites]
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
    found += misspelt(c)
    return sort_errors(found)


def _negated(c: Comparison, word: str) -> bool:
    """Does a negation of the answer stand just before this word of it ("not give the
    same")?"""
    return any(
        t.text == word and any(lx.is_negation(n, c.target_lang) for n in c.cand[max(0, i - 3) : i])
        for i, t in enumerate(c.cand)
    )


def _negation_word(error: DetectedError, c: Comparison) -> bool:
    """Is what the reference says instead of the answer's word a negation ("never")?"""
    words = lx.tokens(error.expected, c.target_lang)
    return len(words) == 1 and lx.is_negation(words[0], c.target_lang)


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
