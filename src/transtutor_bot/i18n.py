"""Interface texts in English and Chinese, from the gettext catalogues in `locales/`.

Each catalogue (`en.po`, `zh.po`) maps a message id such as `feedback.score` to its text, with
`{placeholders}`; translators edit them with any PO editor (Poedit, Weblate). They are read
with translate-toolkit, which the importer already uses, so no compile step is needed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from translate.storage import po

LANGUAGES = ("en", "zh")
LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(language: str) -> dict[str, str]:
    store = po.pofile((LOCALES / f"{language}.po").read_bytes())
    return {
        str(unit.source): str(unit.target)
        for unit in store.units
        if not unit.isheader() and unit.target
    }


def language_of(code: str | None) -> str:
    """Telegram's language_code ('zh-hans', 'zh-TW', 'en-GB', None) -> 'zh' or 'en'."""
    return "zh" if code and code.lower().startswith("zh") else "en"


class Translator:
    """`t("feedback.score", score=86)` in one language; missing keys fail loudly in tests."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self._texts = catalogue(self.language)

    def __call__(self, key: str, **params: Any) -> str:
        return self._texts[key].format(**params) if params else self._texts[key]

    def has(self, key: str) -> bool:
        return key in self._texts
