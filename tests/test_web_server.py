"""start_web on a real loopback port, and the three web settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.credentials_fixtures import ISSUER, NOW
from transtutor.credentials import CredentialIssuer, KeyStore
from transtutor_bot.config import Settings
from transtutor_web import MemoryArchive, WebNotConfigured, start_web


@dataclass
class Web:
    public_url: str | None
    web_host: str = "127.0.0.1"
    web_port: int = 0


def issuer(tmp_path: Path) -> CredentialIssuer:
    return CredentialIssuer(ISSUER, KeyStore.open(tmp_path / "credential-keys", NOW))


async def test_start_web_serves_on_loopback_and_stops(tmp_path: Path) -> None:
    running = await start_web(Web(ISSUER.public_url), issuer(tmp_path), MemoryArchive())
    try:
        assert running.url.startswith("http://127.0.0.1:") and running.port > 0
        async with httpx.AsyncClient(base_url=running.url, trust_env=False) as client:
            answer = await client.get("/.well-known/did.json")
            assert answer.status_code == 200 and answer.json()["id"] == "did:web:bot.example.edu"
            page = await client.get("/verify")
            assert "核验凭证" in page.text
    finally:
        await running.stop()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(trust_env=False) as client:
            await client.get(running.url + "/verify")


async def test_start_web_needs_the_issuers_public_url(tmp_path: Path) -> None:
    with pytest.raises(WebNotConfigured, match="TRANSTUTOR_PUBLIC_URL"):
        await start_web(Web(None), issuer(tmp_path), MemoryArchive())
    with pytest.raises(WebNotConfigured, match=r"but the issuer is did:web:bot\.example\.edu"):
        await start_web(Web("https://other.example.org"), issuer(tmp_path), MemoryArchive())


def test_web_settings_defaults_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRANSTUTOR_PUBLIC_URL", "TRANSTUTOR_WEB_HOST", "TRANSTUTOR_WEB_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.public_url, settings.web_host, settings.web_port) == (
        None,
        "127.0.0.1",
        8080,
    )
    assert Settings(public_url="https://bot.example.edu/").public_url == "https://bot.example.edu"
    assert Settings(public_url="http://localhost:8080").public_url == "http://localhost:8080"
    assert Settings(public_url=" ").public_url is None
    for bad in ("http://bot.example.edu", "https://bot.example.edu/?x=1", "bot.example.edu"):
        with pytest.raises(ValueError, match=r"did:web needs an https URL|not a plain site URL"):
            Settings(public_url=bad)
    for port in (0, 70000):
        with pytest.raises(ValueError):
            Settings(web_port=port)
    for host in ("", "a b", "http://x"):
        with pytest.raises(ValueError, match="not a host name"):
            Settings(web_host=host)
    assert Settings(web_host="::").web_host == "::"
