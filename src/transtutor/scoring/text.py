"""Text facts the rubric checks need: scripts, numbers, units, entities, sentences.

Numbers are compared as values so that 26万, 260,000 and 260 thousand agree, and 二十六 is 26.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
# Latin-script names, acronyms and codes inside text: ChatGPT, e-CNY, 5G, GPT-4, COP28, iPhone.
ENTITY = re.compile(
    r"(?<![\w-])(?:[A-Za-z0-9]+[-.]?)*(?:[A-Z][A-Za-z0-9]*|[0-9]+[A-Za-z]+)"
    r"(?:[-.][A-Za-z0-9]+)*(?![\w-])"
)
# "one-dimensional" (a number word before it); 3D, 2-D (a number, not a name to keep).
_DIMENSION_AFTER = re.compile(r"[- ]dimension", re.IGNORECASE)
_DIMENSION_CODE = re.compile(r"\d-?D", re.IGNORECASE)
PLACEHOLDER = re.compile(
    r"\{\{?\s*[\w.]*\s*\}?\}|%(?:\d+\$)?[sdif]|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"
    r"|https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\$\{\w+\}"
)
SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’」』)]*\s*")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERAL = re.compile(
    r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]+"
    r"|[二两三四五六七八九十](?=[月日号个家座名位项次倍年岁天周秒元]|维(?!码))"
    # 百分之五 is 5 %.
    r"|(?<=百分之)[一二两三四五六七八九十]"
)
_EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALES = {**_EN_SCALES, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12}
_SMALL_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_EN_SMALL = {word: value for value, word in enumerate(_SMALL_WORDS.split())}
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_TENS = {word: 10 * value for value, word in enumerate(_TENS_WORDS, start=2)}
_ARABIC = re.compile(
    # A number may follow a currency code written against it ("RMB1.2 billion", "US$50m").
    r"(?:(?<![A-Za-z0-9])|(?<=RMB)|(?<=USD)|(?<=CNY))(?<![0-9][.,])"
    # 5G: no; 50m, 1990s, and 3D (three-dimensional, 三维): yes
    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)(?!(?!m\b|s\b|D\b)[A-Z]\b)"
    r"(?:\s*(万亿|万|亿|千(?![瓦米克])|百(?!分))|\s+(thousand|million|billion|trillion)\b"
    r"|\s?(bn|mn|tn)\b)?",
    re.IGNORECASE,
)
_ABBREVIATED = {"bn": 1e9, "mn": 1e6, "tn": 1e12, "m": 1e6, "k": 1e3}
# "m" and "k" are scales only after a currency ("$50m"; "a 50m pool" is metres).
_MONEY_SHORT = re.compile(
    r"(?<=[$¥€£])(\d+(?:\.\d+)?)([mk])\b|(?<=RMB|USD|CNY)(\d+(?:\.\d+)?)([mk])\b"
)
# A time of day, 9:30 (9.5): one number, not two; "9 a.m." and 上午九点 are 9, "9 p.m." and
# 晚上九点 21. A time said without a.m./p.m. (9:00, 九点) may be either half of the day.
_CLOCK = re.compile(
    r"(?<![0-9:.,])([01]?\d|2[0-3])(?::([0-5]\d)(?![0-9:])|(?=\s*(?:[ap]\.?\s?m\b|o['’]?clock\b)))"
    r"(?:\s*(?:([ap])(\.)?\s?m\b(?(4)\.?)|o['’]?clock\b))?",
    re.IGNORECASE,
)
_ZH_NUMBER = r"\d{1,2}|[零一二两三四五六七八九十]{1,3}"
_ZH_CLOCK = re.compile(
    r"(上午|早上|早晨|清晨|凌晨|中午|下午|傍晚|晚上|夜里|夜间)?"
    rf"({_ZH_NUMBER})\s*[点點](?:(钟)|({_ZH_NUMBER})分|(半)|(整))?(?![0-9零一二两三四五六七八九十])"
)
_ZH_AFTERNOON = frozenset({"下午", "傍晚", "晚上", "夜里", "夜间"})
_AND_A_HALF = re.compile(
    r"\s+and\s+a\s+half\b(?:\s+(thousand|million|billion|trillion)\b)?", re.IGNORECASE
)
_EN_COUNT_WORD = "|".join([*_EN_TENS, *reversed(_SMALL_WORDS.split())])  # longest first
_EN_SCALE_WORD = "|".join(["hundred", *_EN_SCALES])
# A run of number words: "twenty-six", "one hundred thousand", "a million", "a thousand and
# one" ("and" only after hundred or a scale: "two and three" are two numbers).
_EN_WORD_NUMBER = re.compile(
    rf"\b(?:(?:half\s+)?an?\s+(?:{_EN_SCALE_WORD})|{_EN_COUNT_WORD})\b"
    rf"(?:(?:[-\s]+|(?<=hundred)\s+and\s+|(?<=thousand|.million|.billion|trillion)\s+and\s+)"
    rf"(?!a\s+half\b)(?:{_EN_COUNT_WORD}|{_EN_SCALE_WORD})\b)*\b",
    re.IGNORECASE,
)
_MONTH_WORDS = (
    "january february march april may june july august september october november december"
)
_MONTHS = {month: number for number, month in enumerate(_MONTH_WORDS.split(), start=1)}
# A month name counts only next to a day or year ("3 May", "May 2025"): "may" is mostly a verb.
_MONTH_NAME = (
    r"("
    + "|".join(m.capitalize() for m in _MONTHS)
    + r"|Sept?|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec)\.?"
)
# After a day, also an ordinal one ("5 March", "5th March", "the 5th of March"); before a day
# or a year ("March 5", "March, 2026").
_AFTER_DAY = "|".join(
    rf"(?<=\d{suffix}{of} )" for suffix in ("", "st", "nd", "rd", "th") for of in ("", " of")
)
_MONTH_WORD = re.compile(rf"(?:{_AFTER_DAY})" + _MONTH_NAME + r"\b|\b" + _MONTH_NAME + r"(?=,? \d)")
# Units, each with the spellings that mean the same in one language.
_UNITS = {
    "percent": r"%|％|\bper\s?cent\b|百分之",
    "°C": r"°C|℃|摄氏度|\bdegrees Celsius\b",
    # Units with prefixes are one unit each (the prefix is part of the quantity's value, see
    # _PREFIXED): 2.5 GW, 2,500 MW and 250万千瓦 all say the same.
    "metre": r"(?<![A-Za-z])(?:km|kilomet(?:er|re)s?|met(?:er|re)s?)\b|公里|千米"
    # 米 after a numeral (not 厘米, 毫米): 玉米 and 米饭 are not lengths.
    r"|(?<=[0-9一二两三四五六七八九十百千万几数])米",
    "gram": r"(?<![A-Za-z])(?:kg|kilograms?|tonnes?|tons?)\b|千克|公斤|吨",
    "watt-hour": r"(?<![A-Za-z])(?:[kMG]Wh|(?:kilo|mega|giga)watt[- ]hours?)\b|[千兆吉]瓦时",
    "watt": r"(?<![A-Za-z])(?:[kMG]W|(?:kilo|mega|giga)?watts?)\b(?![- ]hours?)|[千兆吉]瓦(?!时)",
    "yuan": r"\byuan\b|RMB|\bCNY|¥|(?<=\d)元|(?<=[万亿])元",
    "USD": r"\bUSD|\bUS\$|(?<![A-Za-z])\$|\bdollars?\b|美元",
}
# Units of time, which a correct answer may leave implicit ("annually", 一刻钟, "overnight"):
# only one replaced by another ("minutes" for 秒) is an error. A Chinese one counts after a
# numeral or 几/数/半/多/个/每, so that 今天, 天气 or 2023年 in a date are not durations.
_ZH_COUNT = r"(?<=[0-9〇零一二两三四五六七八九十百千万几数半多个每])"
_TIME_UNITS = {
    "second": r"\bseconds\b|\b(?:a|one|per|each|every|split)\s+second\b|" + _ZH_COUNT + "秒",
    "minute": r"\bminutes?\b|\bmins?\b|分钟",
    "hour": r"\bhours?\b|\bhrs?\b|小时|钟头",
    "day": r"\bdays?\b|" + _ZH_COUNT + "[天日]",
    "week": r"\bweeks?\b|" + _ZH_COUNT + "(?:周|星期|礼拜)",
    "month": r"\bmonths?\b|个月",
    "year": r"\byears?\b|" + _ZH_COUNT + "(?<![0-9])年",
}
# Durations said without their number, read as the number and unit they are, so that 半小时
# agrees with "30 minutes" (and is not an hour put for minutes) and "a decade" with 十年.
_DURATIONS = [
    (r"一个半小时|\ban hour and a half\b|\b(?:one|1) and a half hours\b", 90, "minutes"),
    (r"半个?小时|\bhalf an hour\b", 30, "minutes"),
    (r"一刻钟|\b(?:a )?quarter of an hour\b", 15, "minutes"),
    # A deadline of a day is 24 hours, of a week 168 (not "one day" = someday, nor "three
    # times a day").
    (r"一天之?内|(?<=\bwithin )(?:a|one|1) day\b", 24, "hours"),
    (r"一(?:个星期|星期|周)之?内|(?<=\bwithin )(?:a|one|1) week\b", 168, "hours"),
    (
        r"(?:(?<=\ba )|(?<=\bone )|(?<=\bthe )|(?<=\bpast )|(?<=\blast )|(?<=\bnext ))decade\b",
        10,
        "years",
    ),
]
_DURATION = re.compile(
    "|".join(f"(?P<d{i}>{pattern})" for i, (pattern, _, _) in enumerate(_DURATIONS)),
    re.IGNORECASE,
)


def _duration(match: re.Match[str]) -> tuple[int, str]:
    """(number, unit) of a duration `_DURATION` found."""
    _, number, unit = _DURATIONS[int((match.lastgroup or "d0")[1:])]
    return number, unit


# What a unit measures: one replaced by another of the same dimension changes the quantity
# (MW for GW, dollars for yuan, minutes for seconds).
DIMENSIONS = {
    "°C": "temperature",
    "metre": "length",
    "gram": "mass",
    "watt-hour": "energy",
    "watt": "power",
    "yuan": "money",
    "USD": "money",
    **dict.fromkeys(_TIME_UNITS, "time"),
}
_MENTION_PATTERNS = {
    name: re.compile(pattern, re.IGNORECASE) for name, pattern in {**_UNITS, **_TIME_UNITS}.items()
}


# A number followed by a unit with a prefix: its value in the base unit, so that quantities
# compare across prefixes (unit name, factor to the base unit).
_PREFIXED_UNITS = {
    r"GW|gigawatts?|吉瓦|百万千瓦": ("watt", 1e9),
    r"MW|megawatts?|兆瓦": ("watt", 1e6),
    r"kW|kilowatts?|千瓦": ("watt", 1e3),
    r"GWh|gigawatt[- ]hours?|吉瓦时": ("watt-hour", 1e9),
    r"MWh|megawatt[- ]hours?|兆瓦时": ("watt-hour", 1e6),
    r"kWh|kilowatt[- ]hours?|千瓦时|度电": ("watt-hour", 1e3),
    r"km|kilomet(?:er|re)s?|公里|千米": ("metre", 1e3),
    r"met(?:er|re)s?|米": ("metre", 1.0),
    r"tonnes?|tons?|吨": ("gram", 1e6),
    r"kg|kilograms?|千克|公斤": ("gram", 1e3),
}
_PREFIXED = re.compile(
    # "a 6-kilometre ball", "a 500-MW plant": a unit joined by a hyphen is the unit too.
    r"(?:\s*-\s*|\s*)(?:"
    + "|".join(f"(?P<u{i}>{pattern})" for i, pattern in enumerate(_PREFIXED_UNITS))
    + r")(?![A-Za-z]|时)"
)
_PREFIXED_ORDER = list(_PREFIXED_UNITS.values())


@dataclass(frozen=True)
class Quantity:
    """A number as written and as a comparable value. When a unit with a prefix follows it,
    `unit` is that unit's name (as in `units`) and `measured` the value in its base unit
    ("2.5e+09 watt")."""

    text: str
    value: float
    measured: str = ""
    unit: str = ""

    # A time of day said without a.m. or p.m. also stands for the other half of the day.
    other_half: float | None = None

    @property
    def key(self) -> str:
        """What it is compared by: the measured value when it has one (250万千瓦 and 2.5 GW
        are the same; 2.5 MW and 2.5 GW are not), else the number."""
        return self.measured or f"{self.value:.6g}"

    @property
    def keys(self) -> frozenset[str]:
        """Every key it answers to: 9:00 is 9 and 21, "9 p.m." only 21."""
        other = () if self.other_half is None else (f"{self.other_half:.6g}",)
        return frozenset((self.key, *other))


# Amounts said by their order only: "millions of", "hundreds of thousands", 上百万, 数十万, 几千.
_VAGUE_EN = re.compile(
    r"\b(?:(tens|hundreds)\s+of\s+)?(hundreds|thousands|millions|billions)\b", re.IGNORECASE
)
_VAGUE_ZH = re.compile(r"[上数几成](十|百|千)?(万|亿)?")
_ORDERS = {
    "tens": 10.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9,
    "十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "亿": 1e8, "": 1.0,
}  # fmt: skip


@lru_cache(maxsize=8192)
def vague_orders(text: str) -> frozenset[float]:
    """The orders of the amounts a text says only roughly ("millions of parts": 1e6)."""
    found = {
        _ORDERS[(m[1] or "").lower()] * _ORDERS[m[2].lower()] for m in _VAGUE_EN.finditer(text)
    }
    found |= {
        _ORDERS[m[1] or ""] * _ORDERS[m[2] or ""] for m in _VAGUE_ZH.finditer(text) if m[1] or m[2]
    }
    return frozenset(found)


@dataclass(frozen=True)
class Said:
    """The quantities some texts say: by their keys, and the orders they say only roughly."""

    keys: frozenset[str]
    orders: frozenset[float]

    def has(self, quantity: Quantity) -> bool:
        """Is this quantity said: the same value ("9:00" for "9 p.m."), or one of its order
        said roughly ("millions of" for "a million")?"""
        return bool(quantity.keys & self.keys) or any(
            order <= quantity.value < order * 1000 for order in self.orders
        )


def said(*texts: str) -> Said:
    """What these texts say of quantities (`Said`)."""
    return Said(
        frozenset(key for text in texts for q in quantities(text) for key in q.keys),
        frozenset(order for text in texts for order in vague_orders(text)),
    )


def _time_of_day(text: str, hour: float, minutes: float, half: str) -> Quantity:
    """A time of day: `half` "a" or "p" (a.m., p.m.), or "" when it is not said."""
    whole = hour % 12 + (12 if half == "p" else 0) if half else hour
    value = whole + minutes / 60
    other = None if half or not 1 <= hour <= 23 else value + (12 if hour < 12 else -12)
    return Quantity(text, value, other_half=other)


def _with_unit(text: str, end: int, quantity: Quantity) -> Quantity:
    match = _PREFIXED.match(text, end)
    if match is None or match.lastgroup is None:
        return quantity
    base, factor = _PREFIXED_ORDER[int(match.lastgroup[1:])]
    value = f"{quantity.value * factor:.6g} {base}"
    return Quantity(quantity.text + match[0], quantity.value, value, base)


def normalize(text: str) -> str:
    """NFKC folds full-width digits and letters (２６ -> 26) without touching Han characters."""
    return unicodedata.normalize("NFKC", text)


def han_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if HAN.match(c)) / len(chars) if chars else 0.0


def latin_share(text: str) -> float:
    chars = [c for c in text if c.isalpha()]
    return sum(1 for c in chars if c.isascii()) / len(chars) if chars else 0.0


def chinese_numeral_value(numeral: str) -> float | None:
    """二十六 -> 26, 三千五百万 -> 35000000, 二〇二五 -> 2025; None if it is not a number."""
    if all(ch in _CN_DIGITS for ch in numeral):
        return float("".join(str(_CN_DIGITS[ch]) for ch in numeral))
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total = (total + section) * _CN_BIG[ch] if ch == "亿" else total + section * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


def _number_words(words: str) -> tuple[float, bool]:
    """The value of a run of English number words ("one hundred and twenty thousand" is
    120,000; "a million" 1,000,000, "half a million" 500,000) and whether it has a scale
    (hundred, thousand, ...)."""
    total = current = 0.0
    scaled = False
    for word in re.split(r"[-\s]+", words.lower()):
        if word == "half":  # "half a million"
            current = 0.5
        elif word in _EN_SMALL or word in _EN_TENS:
            current += _EN_SMALL.get(word, 0) + _EN_TENS.get(word, 0)
        elif word == "hundred":
            current, scaled = (current or 1) * 100, True
        elif word in _EN_SCALES:
            total, current, scaled = total + (current or 1) * _EN_SCALES[word], 0.0, True
    return total + current, scaled


def _and_a_half(text: str, end: int, value: float) -> tuple[float, int, bool]:
    """A number read on past "and a half" (and a scale after it): "2 and a half years" is
    2.5, "two and a half million" 2,500,000. The value, where it ends, and whether it did."""
    half = _AND_A_HALF.match(text, end)
    if half is None:
        return value, end, False
    scale = _EN_SCALES[half[1].lower()] if half[1] else 1
    return (value + 0.5) * scale, half.end(), True


def _zh_time(m: re.Match[str]) -> Quantity | None:
    """A Chinese time of day _ZH_CLOCK found (下午三点半 is 15.5), or None where 点 is not
    o'clock: 一点 alone is "a little", 两点 may be "two points" (read as the number 2)."""
    part, hour_text, clock, minute_text, half, sharp = m.groups()
    hour = _zh_number(hour_text)
    if hour is None or hour > 24 or not (part or clock or minute_text or half or sharp or hour > 1):
        return None
    minutes = 30.0 if half else _zh_number(minute_text or "0") or 0.0
    if part is None:
        marker = ""
    elif part in _ZH_AFTERNOON or (part == "中午" and hour != 11):
        marker = "p"
    else:
        marker = "a"
    return _time_of_day(m[0], hour, minutes, marker)


def _zh_number(text: str) -> float | None:
    return float(text) if text.isdigit() else chinese_numeral_value(text)


@lru_cache(maxsize=8192)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Every number in a text, as value; month names count as their number, 半小时 as 30
    (minutes)."""
    text = normalize(text)
    found = [Quantity(m[0], float(_duration(m)[0])) for m in _DURATION.finditer(text)]
    # Blanked out (not removed: offsets stay) so that 一 of 一刻钟 is not a number too.
    text = _DURATION.sub(lambda m: " " * len(m[0]), text)
    for m in _CLOCK.finditer(text):
        found.append(_time_of_day(m[0].strip(), int(m[1]), int(m[2] or 0), (m[3] or "").lower()))
    text = _CLOCK.sub(lambda m: " " * len(m[0]), text)
    for m in _ZH_CLOCK.finditer(text):
        if (time := _zh_time(m)) is not None:
            found.append(time)
            text = text[: m.start()] + " " * len(m[0]) + text[m.end() :]
    for m in _MONEY_SHORT.finditer(text):
        number, scale = (m[1], m[2]) if m[1] else (m[3], m[4])
        found.append(Quantity(m[0], float(number) * _ABBREVIATED[scale.lower()]))
    text = _MONEY_SHORT.sub(lambda m: " " * len(m[0]), text)
    for match in _ARABIC.finditer(text):
        value = float(match[1].replace(",", "") + (match[2] or ""))
        scale, short, end = match[3] or match[4], match[5], match.end()
        if scale:
            value *= _SCALES[scale.lower()]
        elif short:
            value *= _ABBREVIATED[short.lower()]
        value, end, half = _and_a_half(text, end, value)
        shown = text[match.start() : end] if half else text[match.start() : end].strip()
        found.append(_with_unit(text, end, Quantity(shown, value)))
    for match in _CN_NUMERAL.finditer(text):
        parsed = chinese_numeral_value(match[0])
        if parsed is not None:
            found.append(_with_unit(text, match.end(), Quantity(match[0], parsed)))
    end = 0
    for match in _EN_WORD_NUMBER.finditer(text):
        if match.start() < end:
            continue  # the scale of "two and a half million", read with it
        value, scaled = _number_words(match[0])
        value, end, half = _and_a_half(text, match.end(), value)
        if value == 1 and not (scaled or half or _DIMENSION_AFTER.match(text, end)):
            continue  # "one" is far more often a pronoun than a number ("one-dimensional" not)
        found.append(_with_unit(text, end, Quantity(text[match.start() : end], value)))
    for match in _MONTH_WORD.finditer(text):
        name = (match[1] or match[2]).lower()
        month = next(n for m, n in _MONTHS.items() if m.startswith(name[:3]))
        found.append(Quantity(match[0].rstrip("."), float(month)))
    return tuple(found)


@lru_cache(maxsize=8192)
def units(text: str) -> frozenset[str]:
    """The units of measure a text mentions, by canonical name (26% and 26 percent are both
    "percent"): `unit_mentions` without the units of time, which may be left implicit."""
    return frozenset(name for name in unit_mentions(text) if name not in _TIME_UNITS)


@lru_cache(maxsize=8192)
def unit_mentions(text: str) -> Mapping[str, str]:
    """Every unit a text mentions, time units too: canonical name -> the words it uses
    (shared by every caller through the cache: read only)."""
    text = _DURATION.sub(lambda m: f" {_duration(m)[1]} ", normalize(text))
    found = {}
    for name, pattern in _MENTION_PATTERNS.items():
        match = pattern.search(text)
        if match:
            found[name] = match[0]
    return MappingProxyType(found)


def entities(text: str) -> list[str]:
    """Latin-script names, acronyms and codes, plus placeholders, tags, URLs and e-mails."""
    found = [m[0] for m in PLACEHOLDER.finditer(text)]
    stripped = PLACEHOLDER.sub(" ", text)
    # 3D is a number (three-dimensional, 三维): the number check's, not a name to keep.
    found += [
        m[0]
        for m in ENTITY.finditer(stripped)
        if not (m[0].isdigit() or _DIMENSION_CODE.fullmatch(m[0]))
    ]
    return list(dict.fromkeys(found))


def placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(m[0] for m in PLACEHOLDER.finditer(text)))


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text)]
    return [p for p in parts if p]


def quote(items: list[str], limit: int = 5) -> str:
    """`a`, `b` and 3 more: how feedback quotes what is wrong."""
    shown = ", ".join(f"`{item}`" for item in items[:limit])
    rest = len(items) - limit
    return shown + (f" (+{rest})" if rest > 0 else "")
