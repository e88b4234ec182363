"""AI provider settings, read from the environment and validated in one place.

No URL means "not configured": a normal state in which every AI feature says how to enable it
and everything else works as without AI.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from pydantic import SecretStr

PREFIX = "TRANSTUTOR_AI_"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONCURRENCY = 4
DEFAULT_DAILY_LIMIT = 30
ON = ("on", "true", "yes", "1")
OFF = ("off", "false", "no", "0", "")


class AiSettingsError(ValueError):
    """One line naming the variable and what is wrong with it (never the key's value)."""


@dataclass(frozen=True)
class AiSettings:
    """How to reach the provider. `key` is a SecretStr: its repr and str show only stars."""

    url: str | None = None  # base URL ending in /v1; None: not configured
    model: str = ""
    key: SecretStr | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds per HTTP request
    concurrency: int = DEFAULT_CONCURRENCY  # requests in flight to the provider at most
    daily_limit: int = DEFAULT_DAILY_LIMIT  # requests per learner per day; 0: no limit
    judge: bool = False  # the MQM-style second opinion

    @property
    def configured(self) -> bool:
        return self.url is not None

    @property
    def endpoint(self) -> str:
        """Where chat completions are posted."""
        if self.url is None:
            raise AiSettingsError(f"{PREFIX}URL: not set")
        return f"{self.url}/chat/completions"

    @property
    def host(self) -> str:
        """The provider's host, for logs and the coordinator (never the key)."""
        return urlsplit(self.url or "").hostname or ""


def _url(value: str) -> str | None:
    text = value.strip().rstrip("/")
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AiSettingsError(
            f"{PREFIX}URL: {text!r} is not an http(s) URL (e.g. https://api.openai.com/v1)"
        )
    if parts.username or parts.password:
        # The URL is logged and shown to the coordinator; a secret belongs in the key.
        raise AiSettingsError(f"{PREFIX}URL: put credentials in {PREFIX}KEY, not in the URL")
    if parts.query or parts.fragment:
        raise AiSettingsError(f"{PREFIX}URL: {text!r}: no query or fragment, only the base URL")
    if text.endswith("/chat/completions"):
        raise AiSettingsError(
            f"{PREFIX}URL: {text!r}: give the base URL ending in /v1, without /chat/completions"
        )
    if not parts.path.endswith("/v1"):
        raise AiSettingsError(
            f"{PREFIX}URL: {text!r} does not end in /v1 (e.g. http://localhost:11434/v1)"
        )
    return text


def _key(value: str) -> SecretStr | None:
    text = value.strip()
    if not text:
        return None
    if not all(33 <= ord(c) < 127 for c in text):
        # Never echo the value: it is a real key with a typo, or pasted with a line break.
        raise AiSettingsError(f"{PREFIX}KEY: must be printable ASCII without spaces")
    return SecretStr(text)


def _number(name: str, value: str, low: float, high: float, example: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise AiSettingsError(
            f"{PREFIX}{name}: {value!r} is not a number (e.g. {example})"
        ) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise AiSettingsError(f"{PREFIX}{name}: {value!r} is out of range ({low:g} to {high:g})")
    return number


def _integer(name: str, value: str, low: int, high: int, example: str) -> int:
    text = value.strip()
    if not text.isdigit():
        raise AiSettingsError(f"{PREFIX}{name}: {value!r} is not a whole number (e.g. {example})")
    number = int(text)
    if not low <= number <= high:
        raise AiSettingsError(f"{PREFIX}{name}: {value!r} is out of range ({low} to {high})")
    return number


def _switch(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ON:
        return True
    if text in OFF:
        return False
    raise AiSettingsError(f"{PREFIX}{name}: {value!r} is not on or off")


def settings_from_env(environ: Mapping[str, str] | None = None) -> AiSettings:
    """The AI settings from TRANSTUTOR_AI_* variables (os.environ by default).

    Raises AiSettingsError with one line for a bad value. Without TRANSTUTOR_AI_URL the result
    is not configured (and the other values are still validated, so a typo shows at start).
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        return env.get(PREFIX + name, "")

    url = _url(get("URL"))
    model = get("MODEL").strip()
    if url is not None and not model:
        raise AiSettingsError(
            f"{PREFIX}MODEL: not set; name the provider's model (e.g. gpt-4o-mini, qwen2.5:7b)"
        )
    if len(model) > 200 or any(c.isspace() for c in model):
        raise AiSettingsError(f"{PREFIX}MODEL: {model[:60]!r} is not a model name")
    timeout, concurrency, limit = get("TIMEOUT"), get("CONCURRENCY"), get("DAILY_LIMIT")
    settings = AiSettings(
        url=url, model=model, key=_key(get("KEY")), judge=_switch("JUDGE", get("JUDGE"))
    )
    if timeout.strip():
        settings = replace(settings, timeout=_number("TIMEOUT", timeout, 0.05, 600, "30"))
    if concurrency.strip():
        settings = replace(settings, concurrency=_integer("CONCURRENCY", concurrency, 1, 256, "4"))
    if limit.strip():
        settings = replace(settings, daily_limit=_integer("DAILY_LIMIT", limit, 0, 100_000, "30"))
    return settings
