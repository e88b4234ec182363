"""Small text helpers shared by the uses: language names, fences, Telegram's length."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096  # characters of one message, counted by Telegram in UTF-16 code units
MAX_PROMPT_TEXT = 6000  # characters of one learner or exercise text put into a prompt
LANGUAGES = {"en": "English", "zh": "Simplified Chinese"}
FENCE = re.compile(r"^\s*```[\w+-]*\s*\n?(.*?)\n?\s*```\s*$", re.S)


def language(code: str) -> str:
    """The name a model understands for a language code (en, zh, zh-Hans, en-GB...)."""
    base = code.split("-")[0].split("_")[0].lower()
    return LANGUAGES.get(base, code)


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def unfence(text: str) -> str:
    """The text inside one Markdown code fence wrapping the whole answer, else the text."""
    match = FENCE.match(text)
    return match[1].strip() if match else text.strip()


def clip(text: str, limit: int = MAX_PROMPT_TEXT) -> str:
    """A text bounded for a prompt (the bot limits messages already; this bounds the cost)."""
    return text if len(text) <= limit else text[:limit] + " …"


def fit(text: str, budget: int) -> str:
    """The text cut to at most `budget` UTF-16 units, at a paragraph, line or sentence end
    when one is in the last third, with an ellipsis when cut."""
    if units(text) <= budget:
        return text
    if budget < 1:
        return ""
    room = budget - 1  # the ellipsis
    cut = text
    while units(cut) > room:
        # Shrink by the overshoot (at least one character): fast for CJK and emoji alike.
        over = units(cut) - room
        cut = cut[: max(0, len(cut) - max(1, over // 2))]
    floor = len(cut) * 2 // 3
    for stops in (("\n\n",), ("\n",), ("。", "！", "？", ". ", "! ", "? ", "；", "; ")):
        ends = [cut.rfind(stop) + len(stop) for stop in stops if stop in cut]
        end = max(ends, default=0)
        if end > floor:
            return cut[:end].rstrip() + "…"
    return cut.rstrip() + "…"
