"""Interface texts in English and Chinese, from the YAML catalogues in `locales/`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "zh")
LOCALES = Path(__file__).parent / "locales"


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    with (LOCALES / f"{language}.yaml").open(encoding="utf-8") as handle:
        return _flatten(yaml.safe_load(handle))


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
