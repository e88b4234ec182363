"""Settings from the environment (and an optional .env), validated once at start."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from transtutor.ai.settings import AiSettings, AiSettingsError, settings_from_env
from transtutor.content.library import bundled_exercises, bundled_rubrics
from transtutor.reports.digest import DEFAULT_CRON
from transtutor.reports.snapshot import RiskRules

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _ids(value: object) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [int(v) for v in value]
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    ids = []
    for part in parts:
        if not part.lstrip("-").isdigit():
            raise ValueError(f"{part!r} is not a Telegram user id (digits only)")
        ids.append(int(part))
    return ids


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRANSTUTOR_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    bot_token: SecretStr | None = None
    db: Path = Path("transtutor.db")
    telegram_api: str | None = None
    exercises: Path = Field(default_factory=bundled_exercises)
    rubrics: Path = Field(default_factory=bundled_rubrics)
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    instructors: Annotated[list[int], NoDecode] = Field(default_factory=list)
    coordinators: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    atrisk_inactive_days: int = Field(default=7, ge=1, le=365)
    atrisk_below: float = Field(default=0.5, gt=0, le=1)
    atrisk_after_days: int = Field(default=28, ge=0, le=3650)
    digest: str | None = DEFAULT_CRON  # crontab line in the course time zone; "off" disables
    # AI assistance (issue 15), off without a URL: TRANSTUTOR_AI_*, read and checked by
    # `transtutor.ai.settings_from_env` (see `ai`), so .env and the environment both work.
    ai_url: str = ""
    ai_model: str = ""
    ai_key: SecretStr | None = None
    ai_timeout: str = ""
    ai_concurrency: str = ""
    ai_daily_limit: str = ""
    ai_judge: str = ""
    webhook_url: str | None = None  # public https base URL Telegram posts to
    webhook_path: str = "/telegram"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"
    invite_days: int = Field(default=7, ge=1, le=365)  # role invitations expire after this
    # Credentials (issue 14): the issuer's did:web and its verification pages come from this URL.
    public_url: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("admins", "instructors", "coordinators", mode="before")
    @classmethod
    def _user_ids(cls, value: object) -> list[int]:
        return _ids(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from exc
        return value

    @field_validator("atrisk_below", mode="before")
    @classmethod
    def _share(cls, value: object) -> object:
        """50, 50% and 0.5 all mean half."""
        text = str(value).strip().rstrip("%")
        try:
            number = float(text)
        except ValueError:
            return value  # pydantic says what is wrong
        return number / 100 if number > 1 else number

    @field_validator("digest")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "off", "none", "no"):
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value.strip())
        except ValueError as exc:
            raise ValueError(
                f"{value!r} is not a crontab line (minute hour day month weekday, "
                f"e.g. '0 9 * * mon'), or 'off': {exc}"
            ) from None
        return " ".join(value.split())

    @field_validator("db")
    @classmethod
    def _database(cls, value: Path) -> Path:
        """Refuse what cannot be a database file before anything starts on it; a directory
        that does not exist is a typo, not a wish for a new empty bot."""
        if str(value) == ":memory:":
            return value
        if value.is_dir():
            raise ValueError(
                f"{value} is a directory; name a file in it, e.g. {value / 'transtutor.db'}"
            )
        parent = value.parent
        if not parent.exists():
            raise ValueError(f"the directory {parent} does not exist (create it first)")
        if not parent.is_dir():
            raise ValueError(f"{parent} is a file, not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ValueError(f"the directory {parent} is not writable")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("exercises", "rubrics")
    @classmethod
    def _directory(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @field_validator("telegram_api", "webhook_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """The issuer's address: a did:web needs https (plain http only for localhost)."""
        if value is None or not value.strip():
            return None
        from transtutor.credentials.did import DidError, did_from_url

        try:
            did_from_url(value)
        except DidError as exc:
            raise ValueError(f"{value!r}: {exc}") from None
        return value.strip().rstrip("/")

    @field_validator("web_host")
    @classmethod
    def _web_host(cls, value: str) -> str:
        host = value.strip()
        if not host or any(c.isspace() or c in "/@" for c in host):
            raise ValueError(f"{value!r} is not a host name or address (e.g. 127.0.0.1)")
        return host

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            left, sep, right = value.get_secret_value().partition(":")
            if not (sep and left.isdigit() and right):
                # Never echo the value: it may be a real token with a typo.
                raise ValueError("does not look like a bot token (digits:letters)")
        return value

    @model_validator(mode="after")
    def _ai_settings(self) -> Settings:
        try:
            _ = self.ai
        except AiSettingsError as exc:
            raise ValueError(str(exc)) from None
        return self

    @property
    def ai(self) -> AiSettings:
        """The AI provider's settings (not configured without TRANSTUTOR_AI_URL)."""
        key = self.ai_key.get_secret_value() if self.ai_key is not None else ""
        return settings_from_env(
            {
                "TRANSTUTOR_AI_URL": self.ai_url,
                "TRANSTUTOR_AI_MODEL": self.ai_model,
                "TRANSTUTOR_AI_KEY": key,
                "TRANSTUTOR_AI_TIMEOUT": self.ai_timeout,
                "TRANSTUTOR_AI_CONCURRENCY": self.ai_concurrency,
                "TRANSTUTOR_AI_DAILY_LIMIT": self.ai_daily_limit,
                "TRANSTUTOR_AI_JUDGE": self.ai_judge,
            }
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def risk_rules(self) -> RiskRules:
        return RiskRules(self.atrisk_inactive_days, self.atrisk_below, self.atrisk_after_days)


class SettingsError(Exception):
    """One line saying which setting is wrong and why (never the token's value)."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "TRANSTUTOR_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        if message.startswith("TRANSTUTOR_AI_"):  # it names its variable already
            raise SettingsError(message) from None
        raise SettingsError(f"{name}: {message}") from None
