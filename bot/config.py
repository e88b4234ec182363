"""Settings from the environment (and an optional .env), validated once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from transtutor.content.library import bundled_exercises, bundled_rubrics


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
    model_config = SettingsConfigDict(env_prefix="TRANSTUTOR_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    db: Path = Path("transtutor.db")
    telegram_api: str | None = None
    exercises: Path = Field(default_factory=bundled_exercises)
    rubrics: Path = Field(default_factory=bundled_rubrics)
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    instructors: Annotated[list[int], NoDecode] = Field(default_factory=list)
    coordinators: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Shanghai"
    webhook_url: str | None = None  # public https base URL Telegram posts to
    webhook_path: str = "/telegram"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"

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

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            left, sep, right = value.get_secret_value().partition(":")
            if not (sep and left.isdigit() and right):
                # Never echo the value: it may be a real token with a typo.
                raise ValueError("does not look like a bot token (digits:letters)")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """One line saying which setting is wrong and why (never the token's value)."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "TRANSTUTOR_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
