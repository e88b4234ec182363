"""One injected error (or one meaning-preserving rewording) in a correct translation.

Each perturbation returns the changed text, or None when the text offers no place for it
(no number to change, no name to drop). Used by `challenge.py` over the bundled course's
references and, at benchmark time only, over the development data (never stored).

Kinds and the severity a translation teacher gives them:

- critical: negation flipped, a word replaced by its antonym (from our list, or from WordNet
  where our list has none), a number replaced, a name replaced,
  a unit replaced by another of its kind (minutes for seconds, MW for GW);
- major: a content word dropped, a clause added, a number dropped, a name dropped;
- minor: an article changed, the final full stop dropped;
- paraphrase (must not lose points): a time phrase moved, a near-synonym, a contraction.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from lemminflect import getAllInflections, getAllLemmas, getInflection

from transtutor.scoring import lexicon as lx
from transtutor.scoring.wordlists import EN_STOPWORDS

Perturb = Callable[[str, random.Random], str | None]

EN_AUX = re.compile(
    r"\b(is|are|was|were|will|can|could|should|must|would|has|have|had|may|might)\b(?! not)"
)
EN_NEG = re.compile(r"\b(not|never) |n't\b|\bno (?=\w)")
EN_NAMES = ["Germany", "Brazil", "Tokyo", "Microsoft", "Canada", "Nairobi", "Siemens", "Oslo"]
EN_CLAUSES = [
    ", which surprised many industry observers",
    ", according to several local newspapers",
    ", despite strong opposition from environmental groups",
    ", and prices are expected to double next month",
]
EN_SYNONYMS = {
    "about": "around",
    "big": "large",
    "start": "begin",
    "started": "began",
    "help": "assist",
    "helps": "assists",
    "shows": "indicates",
    "show": "indicate",
    "buy": "purchase",
    "quickly": "rapidly",
    "important": "significant",
    "main": "principal",
    "almost": "nearly",
    "many": "numerous",
    "often": "frequently",
    "enough": "sufficient",
}
ZH_NEG_INSERT = re.compile(
    r"(?<![不没未])(是|会|能|可以|应该|需要|将|提供|发现|支持|影响|使用|改变)"
)
ZH_NEG = re.compile(r"没有|不|没|未")
ZH_NAMES = ["中国", "美国", "日本", "德国", "深圳", "北京", "上海", "欧洲", "广州", "非洲"]
ZH_CLAUSES = [
    "，这一消息令许多观察人士感到意外",
    "，但遭到了环保团体的强烈反对",
    "，预计下个月价格将翻一番",
]
ZH_SYNONYMS = {
    "目前": "现在",
    "大约": "约",
    "提供": "供应",
    "使用": "采用",
    "但是": "不过",
    "因此": "所以",
    "非常": "十分",
    "迅速": "快速",
    "重要": "关键",
    "帮助": "协助",
    "开始": "着手",
    "已经": "已",
}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _replace_at(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _pick(rng: random.Random, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return rng.choice(matches) if matches else None


# ------------------------------------------------------------------ English targets


def en_negation(text: str, rng: random.Random) -> str | None:
    if m := EN_NEG.search(text):
        if m[0].endswith("n't"):
            stem = text[: m.start()]
            fixed = {"can": "can", "won": "will", "don": "do", "doesn": "does", "didn": "did"}
            word = re.search(r"(\w+)$", stem)
            if word and word[1].lower() in fixed:
                return stem[: word.start()] + fixed[word[1].lower()] + text[m.end() :]
            return stem + text[m.end() :]
        return _replace_at(text, m.start(), m.end(), "" if m[0].strip() != "no" else "some ")
    aux = _pick(rng, list(EN_AUX.finditer(text)))
    if aux:
        return _replace_at(text, aux.start(), aux.end(), aux[0] + " not")
    verb = re.search(r"\b(\w+ed|\w+s)\b", text[text.find(" ") + 1 :])
    if verb:
        at = text.find(" ") + 1 + verb.start()
        lemma = next(iter(getAllLemmas(verb[0]).get("VERB", ())), None)
        if lemma:
            aux_word = "did not" if verb[0].endswith("ed") else "does not"
            return _replace_at(text, at, at + len(verb[0]), f"{aux_word} {lemma}")
    return None


def _inflect(word: str, lemma: str, other: str) -> str | None:
    for tag, forms in getAllInflections(lemma).items():
        if word.lower() in forms:
            inflected = getInflection(other, tag)
            return inflected[0] if inflected else other
    return other if word.lower() == lemma else None


_QUANTIFIERS = {"over", "under", "more", "less", "fewer", "above", "below"}


def en_antonym(text: str, rng: random.Random) -> str | None:
    def opposites(m: re.Match[str], lemma: str) -> frozenset[str]:
        after = text[m.end() :].lstrip()
        if m[0].lower() in _QUANTIFIERS and not (after[:1].isdigit() or after.startswith("than")):
            return frozenset()  # "over three weeks" is "during", "more efficient" has none
        return lx.EN_ANTONYM_TABLE.get(lemma, frozenset())

    return _swapped(text, rng, opposites)


def en_wordnet_antonym(text: str, rng: random.Random) -> str | None:
    """A word replaced by a WordNet antonym that our own list does not have (a challenge set
    built from another source of opposites than the one the detector was written with)."""

    def opposites(m: re.Match[str], lemma: str) -> frozenset[str]:
        if m[0].lower() in EN_STOPWORDS:
            return frozenset()
        listed = lx.EN_ANTONYM_TABLE.get(lemma, frozenset())
        return lx.wordnet_antonyms().get(lemma, frozenset()) - listed

    return _swapped(text, rng, opposites)


def _swapped(
    text: str, rng: random.Random, opposites: Callable[[re.Match[str], str], frozenset[str]]
) -> str | None:
    """One English word replaced by one of its opposites, inflected as it was."""
    options = []
    for m in lx.WORD.finditer(text):
        for lemma in sorted(lx.en_lemmas(m[0])):
            for other in sorted(opposites(m, lemma)):
                if " " in other:
                    continue
                new = _inflect(m[0], lemma, other)
                if new and new.lower() != m[0].lower():
                    options.append((m, new))
    if not options:
        return None
    m, new = rng.choice(options)
    new = new.capitalize() if m[0][0].isupper() else new
    return _replace_at(text, m.start(), m.end(), new)


def number_replaced(text: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(NUMBER.finditer(text)))
    if m is None:
        return None
    digits = m[0].replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    new = value * 10 if rng.random() < 0.5 else value + rng.randint(1, 9)
    shown = f"{new:,.0f}" if new == int(new) and "," in m[0] else f"{new:g}"
    return _replace_at(text, m.start(), m.end(), shown)


# A unit and others of its dimension, each as the text spells it.
EN_UNITS = [
    ("seconds", "minutes", "hours"),
    ("minutes", "hours", "seconds"),
    ("hours", "minutes", "days"),
    ("days", "weeks", "hours"),
    ("weeks", "months", "days"),
    ("months", "years", "weeks"),
    ("years", "months", "weeks"),
    ("gigawatts", "megawatts"),
    ("GW", "MW"),
    ("MW", "GW"),
    ("yuan", "dollars"),
    ("kilometres", "metres"),
    ("kilometers", "meters"),
]
ZH_UNITS = [
    ("秒", "分钟"),
    ("分钟", "小时", "秒"),
    ("小时", "分钟", "天"),
    ("个月", "年", "周"),
    ("吉瓦", "兆瓦"),
    ("兆瓦", "吉瓦"),
    ("公里", "米"),
    ("美元", "欧元"),
]


def _unit_replaced(units: list[tuple[str, ...]], boundary: bool) -> Perturb:
    def perturb(text: str, rng: random.Random) -> str | None:
        places = []
        for unit, *others in units:
            pattern = rf"\b{unit}\b" if boundary else re.escape(unit)
            places += [(m, others) for m in re.finditer(pattern, text)]
        if not places:
            return None
        m, others = rng.choice(places)
        return _replace_at(text, m.start(), m.end(), rng.choice(others))

    return perturb


en_unit_replaced = _unit_replaced(EN_UNITS, boundary=True)
zh_unit_replaced = _unit_replaced(ZH_UNITS, boundary=False)


def _en_names(text: str) -> list[re.Match[str]]:
    found = []
    for m in re.finditer(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\b", text):
        before = text[: m.start()].rstrip()
        if before and not before.endswith((".", "!", "?", '"')) and m[0] not in {"I"}:
            found.append(m)
    return found


def en_name_replaced(text: str, rng: random.Random) -> str | None:
    m = _pick(rng, _en_names(text))
    if m is None:
        return None
    return _replace_at(text, m.start(), m.end(), rng.choice([n for n in EN_NAMES if n != m[0]]))


def en_name_dropped(text: str, rng: random.Random) -> str | None:
    """A name left out with the preposition or article that leads into it ("in Shenzhen")."""
    m = _pick(rng, _en_names(text))
    if m is None:
        return None
    start = m.start()
    lead = re.search(r"\b(?:in|of|from|to|at|by|for|with|the)\s+$", text[:start])
    if lead:
        start = lead.start()
    changed = _replace_at(text, start, m.end(), "")
    return re.sub(r"\s{2,}", " ", changed).replace(" ,", ",").replace(" .", ".")


def en_word_dropped(text: str, rng: random.Random) -> str | None:
    words = [
        m
        for m in lx.WORD.finditer(text)
        if len(m[0]) >= 5 and m[0].casefold() not in EN_STOPWORDS and not m[0][0].isupper()
    ]
    m = _pick(rng, words)
    if m is None:
        return None
    return re.sub(r"\s{2,}", " ", _replace_at(text, m.start(), m.end(), "")).replace(" ,", ",")


def en_clause_added(text: str, rng: random.Random) -> str | None:
    body = text.rstrip()
    end = "." if body.endswith(".") else ""
    body = body[:-1] if end else body
    return body + rng.choice(EN_CLAUSES) + end


def number_dropped(text: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(NUMBER.finditer(text)))
    if m is None:
        return None
    return re.sub(r"\s{2,}", " ", _replace_at(text, m.start(), m.end(), ""))


def en_article(text: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(re.finditer(r"\b(the|a|an)\b", text)))
    if m is None:
        return None
    return _replace_at(text, m.start(), m.end(), "the" if m[0] != "the" else "a")


def full_stop_dropped(text: str, rng: random.Random) -> str | None:
    stripped = text.rstrip()
    if stripped.endswith((".", "。")):
        return stripped[:-1]
    return None


def en_time_moved(text: str, rng: random.Random) -> str | None:
    m = re.search(
        r",? (last year|this year|next year|in \d{4}|by \d{4}|today|now)(?=[.!?]?$)", text
    )
    if m is None:
        return None
    phrase = m[1]
    rest = text[: m.start()] + text[m.end() :]
    return phrase[0].upper() + phrase[1:] + ", " + rest[0].lower() + rest[1:]


def en_synonym(text: str, rng: random.Random) -> str | None:
    options = [m for m in lx.WORD.finditer(text) if m[0].lower() in EN_SYNONYMS]
    m = _pick(rng, options)
    if m is None:
        return None
    return _replace_at(text, m.start(), m.end(), EN_SYNONYMS[m[0].lower()])


def en_contraction(text: str, rng: random.Random) -> str | None:
    pairs = [
        ("does not", "doesn't"),
        ("do not", "don't"),
        ("is not", "isn't"),
        ("cannot", "can't"),
        ("will not", "won't"),
        ("it is", "it's"),
        ("doesn't", "does not"),
        ("don't", "do not"),
        ("isn't", "is not"),
        ("can't", "cannot"),
        ("won't", "will not"),
        ("it's", "it is"),
    ]
    for old, new in pairs:
        if old in text:
            return text.replace(old, new, 1)
    return None


# American spellings and the British ones a learner taught British English writes.
BRITISH = {
    "color": "colour",
    "colors": "colours",
    "favorite": "favourite",
    "behavior": "behaviour",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "labor": "labour",
    "honor": "honour",
    "center": "centre",
    "centers": "centres",
    "meters": "metres",
    "theater": "theatre",
    "fiber": "fibre",
    "realize": "realise",
    "realized": "realised",
    "organization": "organisation",
    "organizations": "organisations",
    "recognize": "recognise",
    "analyze": "analyse",
    "traveling": "travelling",
    "traveled": "travelled",
    "modeling": "modelling",
    "catalog": "catalogue",
    "dialog": "dialogue",
    "defense": "defence",
    "program": "programme",
    "gray": "grey",
}


def en_british(text: str, rng: random.Random) -> str | None:
    options = [m for m in lx.WORD.finditer(text) if m[0].lower() in BRITISH]
    if not options:
        return None
    # Every American spelling at once: a learner spells one way throughout.
    for m in reversed(options):
        british = BRITISH[m[0].lower()]
        british = british.capitalize() if m[0][0].isupper() else british
        text = _replace_at(text, m.start(), m.end(), british)
    return text


# ------------------------------------------------------------------ Chinese targets


def zh_negation(text: str, rng: random.Random) -> str | None:
    if m := ZH_NEG.search(text):
        return _replace_at(text, m.start(), m.end(), "")
    m = _pick(rng, list(ZH_NEG_INSERT.finditer(text)))
    if m is None:
        return None
    return _replace_at(text, m.start(), m.start(), "不")


def zh_antonym(text: str, rng: random.Random) -> str | None:
    options = [
        (word, other)
        for word, others in lx.ZH_ANTONYM_TABLE.items()
        if len(word) >= 2 and word in text
        for other in others
    ]
    if not options:
        return None
    word, other = rng.choice(sorted(options))
    return text.replace(word, other, 1)


def zh_name_replaced(text: str, rng: random.Random) -> str | None:
    present = [n for n in ZH_NAMES if n in text]
    if not present:
        return None
    name = rng.choice(present)
    return text.replace(name, rng.choice([n for n in ZH_NAMES if n not in text]), 1)


def zh_name_dropped(text: str, rng: random.Random) -> str | None:
    present = [n for n in ZH_NAMES if n in text]
    if not present:
        return None
    return text.replace(rng.choice(present), "", 1)


def zh_word_dropped(text: str, rng: random.Random) -> str | None:
    words = [
        t
        for t in lx.tokens(text, "zh")
        if len(t.text) >= 2 and lx.is_content(t, "zh") and t.text not in ZH_NAMES
    ]
    if not words:
        return None
    t = rng.choice(words)
    return text[: t.start] + text[t.end :]


def zh_clause_added(text: str, rng: random.Random) -> str | None:
    body = text.rstrip()
    end = "。" if body.endswith("。") else ""
    body = body[:-1] if end else body
    return body + rng.choice(ZH_CLAUSES) + end


def zh_de_dropped(text: str, rng: random.Random) -> str | None:
    if "的" not in text:
        return None
    at = rng.choice([i for i, ch in enumerate(text) if ch == "的"])
    return text[:at] + text[at + 1 :]


def zh_synonym(text: str, rng: random.Random) -> str | None:
    options = [w for w in ZH_SYNONYMS if w in text]
    if not options:
        return None
    word = rng.choice(options)
    return text.replace(word, ZH_SYNONYMS[word], 1)


# kind -> (severity, English-target perturbation, Chinese-target perturbation)
KINDS: dict[str, tuple[str, Perturb | None, Perturb | None]] = {
    "negation flipped": ("critical", en_negation, zh_negation),
    "antonym": ("critical", en_antonym, zh_antonym),
    "antonym (WordNet)": ("critical", en_wordnet_antonym, None),
    "number replaced": ("critical", number_replaced, number_replaced),
    "name replaced": ("critical", en_name_replaced, zh_name_replaced),
    "unit replaced": ("critical", en_unit_replaced, zh_unit_replaced),
    "content word dropped": ("major", en_word_dropped, zh_word_dropped),
    "clause added": ("major", en_clause_added, zh_clause_added),
    "number dropped": ("major", number_dropped, number_dropped),
    "name dropped": ("major", en_name_dropped, zh_name_dropped),
    "article changed": ("minor", en_article, None),
    "的 dropped": ("minor", None, zh_de_dropped),
    "full stop dropped": ("minor", full_stop_dropped, full_stop_dropped),
    "time phrase moved": ("paraphrase", en_time_moved, None),
    "near-synonym": ("paraphrase", en_synonym, zh_synonym),
    "contraction": ("paraphrase", en_contraction, None),
    "British spelling": ("paraphrase", en_british, None),
}
