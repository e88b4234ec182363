"""TRANSTUTOR_AI_* settings: defaults, validation in one line, the key kept secret."""

from __future__ import annotations

import pytest

from transtutor.ai import AiSettings, AiSettingsError, Reason, learner_line, settings_from_env
from transtutor.ai.outcome import LEARNER_LINES

KEY = "sk-live-very-secret-123"


def test_no_url_is_not_configured_and_that_is_fine() -> None:
    settings = settings_from_env({})
    assert settings == AiSettings()
    assert not settings.configured and not settings.judge


def test_a_full_configuration() -> None:
    settings = settings_from_env(
        {
            "TRANSTUTOR_AI_URL": "https://api.deepseek.com/v1/",
            "TRANSTUTOR_AI_MODEL": "deepseek-chat",
            "TRANSTUTOR_AI_KEY": KEY,
            "TRANSTUTOR_AI_TIMEOUT": "12.5",
            "TRANSTUTOR_AI_CONCURRENCY": "8",
            "TRANSTUTOR_AI_DAILY_LIMIT": "0",
            "TRANSTUTOR_AI_JUDGE": "on",
        }
    )
    assert settings.url == "https://api.deepseek.com/v1"
    assert settings.endpoint == "https://api.deepseek.com/v1/chat/completions"
    assert settings.host == "api.deepseek.com"
    assert settings.model == "deepseek-chat"
    assert settings.key is not None and settings.key.get_secret_value() == KEY
    assert (settings.timeout, settings.concurrency, settings.daily_limit, settings.judge) == (
        12.5,
        8,
        0,
        True,
    )
    assert KEY not in repr(settings) and KEY not in str(settings)


def test_a_local_ollama_needs_no_key() -> None:
    settings = settings_from_env(
        {"TRANSTUTOR_AI_URL": "http://localhost:11434/v1", "TRANSTUTOR_AI_MODEL": "qwen2.5:7b"}
    )
    assert settings.configured and settings.key is None


BAD = [
    (
        {"TRANSTUTOR_AI_URL": "api.openai.com/v1"},
        "TRANSTUTOR_AI_URL: 'api.openai.com/v1' is not an http(s) URL",
    ),
    (
        {"TRANSTUTOR_AI_URL": "https://api.openai.com"},
        "TRANSTUTOR_AI_URL: 'https://api.openai.com' does not end in /v1",
    ),
    (
        {"TRANSTUTOR_AI_URL": "https://api.openai.com/v1/chat/completions"},
        "without /chat/completions",
    ),
    (
        {"TRANSTUTOR_AI_URL": f"https://me:{KEY}@example.com/v1"},
        "put credentials in TRANSTUTOR_AI_KEY",
    ),
    ({"TRANSTUTOR_AI_URL": "https://example.com/v1"}, "TRANSTUTOR_AI_MODEL: not set"),
    ({"TRANSTUTOR_AI_MODEL": "gpt 4"}, "TRANSTUTOR_AI_MODEL: 'gpt 4' is not a model name"),
    ({"TRANSTUTOR_AI_TIMEOUT": "soon"}, "TRANSTUTOR_AI_TIMEOUT: 'soon' is not a number"),
    ({"TRANSTUTOR_AI_TIMEOUT": "0"}, "TRANSTUTOR_AI_TIMEOUT: '0' is out of range"),
    ({"TRANSTUTOR_AI_TIMEOUT": "nan"}, "TRANSTUTOR_AI_TIMEOUT: 'nan' is out of range"),
    (
        {"TRANSTUTOR_AI_CONCURRENCY": "0"},
        "TRANSTUTOR_AI_CONCURRENCY: '0' is out of range (1 to 256)",
    ),
    (
        {"TRANSTUTOR_AI_CONCURRENCY": "2.5"},
        "TRANSTUTOR_AI_CONCURRENCY: '2.5' is not a whole number",
    ),
    ({"TRANSTUTOR_AI_DAILY_LIMIT": "-1"}, "TRANSTUTOR_AI_DAILY_LIMIT: '-1' is not a whole number"),
    ({"TRANSTUTOR_AI_JUDGE": "maybe"}, "TRANSTUTOR_AI_JUDGE: 'maybe' is not on or off"),
    ({"TRANSTUTOR_AI_KEY": f"{KEY}\n"}, None),  # a trailing newline is stripped: fine
    ({"TRANSTUTOR_AI_KEY": f"sk-abc {KEY}"}, "TRANSTUTOR_AI_KEY: must be printable ASCII"),
    ({"TRANSTUTOR_AI_KEY": f"{KEY}密"}, "TRANSTUTOR_AI_KEY: must be printable ASCII"),
]


@pytest.mark.parametrize(("env", "says"), BAD)
def test_a_bad_value_is_one_line_naming_the_variable(env: dict[str, str], says: str | None) -> None:
    if says is None:
        settings_from_env(env)
        return
    with pytest.raises(AiSettingsError) as caught:
        settings_from_env(env)
    message = str(caught.value)
    assert message.startswith("TRANSTUTOR_AI_") and says in message
    assert len(message.splitlines()) == 1
    assert KEY not in message


def test_every_reason_has_a_line_in_english_and_chinese() -> None:
    assert set(LEARNER_LINES) == set(Reason)
    for reason in Reason:
        en, zh = learner_line(reason, "en"), learner_line(reason, "zh-hans")
        assert en and zh and en != zh
        assert "\n" not in en and "\n" not in zh
        assert any("\u4e00" <= c <= "\u9fff" for c in zh)
