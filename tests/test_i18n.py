"""Both interface languages say everything, with the same placeholders."""

from __future__ import annotations

import string

from transtutor.content.models import ERROR_CATEGORIES, SEVERITIES
from transtutor_bot.i18n import LANGUAGES, Translator, catalogue, language_of


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    english, chinese = catalogue("en"), catalogue("zh")
    assert english.keys() == chinese.keys()
    for key in english:
        assert fields(english[key]) == fields(chinese[key]), key


def test_every_category_and_severity_has_a_label() -> None:
    for language in LANGUAGES:
        t = Translator(language)
        assert all(t.has(f"category.{c}") for c in ERROR_CATEGORIES)
        assert all(t.has(f"severity.{s}") for s in SEVERITIES)


def test_language_from_telegram_code() -> None:
    assert language_of("zh-hans") == "zh" and language_of("zh-TW") == "zh"
    assert language_of("en-GB") == "en" and language_of(None) == "en" and language_of("fr") == "en"
