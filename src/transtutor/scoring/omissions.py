"""What the answer leaves out or adds: a source word every reference translates and the
answer does not (omission or mistranslation), a reference word left out of an answer that
otherwise follows it word for word, and runs of words nothing licenses (addition)."""

from __future__ import annotations

from transtutor.scoring import lexicon as lx
from transtutor.scoring import meaning
from transtutor.scoring import text as tx
from transtutor.scoring.comparison import (
    PARAPHRASE_AT,
    WINDOW,
    Comparison,
    DetectedError,
    Severity,
    counterpart,
    keys,
    major_word,
    opcodes,
    span,
)

# A run of at least this many content words that nothing licenses is an addition.
ADDITION_MIN_WORDS = 3

# An answer that keeps this share of its closest reference's words in order follows it;
# a word left out between FLANK equal words on each side is then an omission (`dropped`).
FOLLOWS = 0.75

FLANK = 2


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
        # A unit (元 "yuan", 美元, 小时) is the number check's: "RMB 500", "US$50m" say it.
        if not options or tx.unit_mentions(" ".join(sorted(options))):
            continue
        if c.zh_target:
            covering = [(i, j) for i, j, t in ref_content if c.renders((t,), t.text, options)]
        else:
            covering = sorted({at for o in options for at in by_lemma.get(o, ())})
        # Expected only when every reference renders it: one that does without it shows the
        # word may be left implicit.
        if not covering or len({i for i, _ in covering}) < len(c.refs):
            continue
        # A function word may render it too: "now" for 现在, "still" for 仍然.
        said = options | lx.lexicon().function_glosses(word.text) if not c.zh_target else options
        if c.renders(c.cand, c.candidate, said):
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
        # Something else stands where the reference has the word: as often a paraphrase the
        # lexicon does not know as a real mistranslation, so it costs little.
        replaced = bool(instead) and not any(c.in_references(t) for t in instead)
        severity: Severity = (
            "major" if major_word(word, c.source_lang) and not replaced else "minor"
        )
        if replaced:
            found.append(
                DetectedError(
                    "mistranslation",
                    "Accuracy/Mistranslation",
                    severity,
                    span(c.cand, start, end, c.candidate),
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
    codes = opcodes(tuple(keys(ref)), tuple(keys(c.cand)))
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
            severity: Severity = "major" if major_word(word, c.target_lang) else "minor"
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
            span(c.cand, run[0], run[-1] + 1, c.candidate),
        )
        for run in runs
    ]


def _said_elsewhere(c: Comparison, run: list[int]) -> bool:
    """Is a run of unlicensed words a paraphrase of a source word or of a reference phrase
    near where it stands?"""
    text = span(c.cand, run[0], run[-1] + 1, c.candidate)
    options = [t.text for t in c.src if lx.is_content(t, c.source_lang)][: 4 * WINDOW]
    for ref, ref_text in zip(c.refs, c.references, strict=True):
        start, end = counterpart(c.cand, ref, run[0])
        end = max(end, counterpart(c.cand, ref, run[-1])[1])
        lo, hi = max(0, start - 3), min(len(ref), end + 3)
        options += [span(ref, i, i + n, ref_text) for i in range(lo, hi) for n in (1, 2, 3)]
    return meaning.best_match(text, [o for o in options if o]) >= PARAPHRASE_AT


def _close(current: list[int], runs: list[list[int]]) -> list[int]:
    if len(current) >= ADDITION_MIN_WORDS:
        runs.append(current)
    return []
