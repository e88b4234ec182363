"""Starting and stopping the web server next to the bot (``transtutor run``/``webhook``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aiohttp import web

from transtutor.credentials import CredentialIssuer, did_from_url

from .app import make_web_app
from .archive import CredentialArchive

log = logging.getLogger(__name__)


class WebSettings(Protocol):
    """The three settings the server reads (transtutor_bot.config.Settings has them)."""

    @property
    def public_url(self) -> str | None: ...

    @property
    def web_host(self) -> str: ...

    @property
    def web_port(self) -> int: ...


class WebNotConfigured(RuntimeError):
    """start_web without TRANSTUTOR_PUBLIC_URL, or with an issuer of another URL."""


@dataclass
class RunningWeb:
    """A started server: where it listens, and how to stop it."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        """The local address it listens on (not the public URL)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        """Stop listening and finish the requests under way."""
        await self.runner.cleanup()


async def start_web(
    settings: WebSettings,
    issuer: CredentialIssuer,
    archive: CredentialArchive,
    *,
    clock: Callable[[], datetime] | None = None,
) -> RunningWeb:
    """Serve the verification pages on TRANSTUTOR_WEB_HOST:TRANSTUTOR_WEB_PORT until
    ``stop()``. Call it on the running event loop (the bot's); port 0 picks a free port."""
    if not settings.public_url:
        raise WebNotConfigured("TRANSTUTOR_PUBLIC_URL: required for the verification pages")
    if did_from_url(settings.public_url) != issuer.did:
        raise WebNotConfigured(
            f"TRANSTUTOR_PUBLIC_URL names {did_from_url(settings.public_url)}, "
            f"but the issuer is {issuer.did}"
        )
    runner = web.AppRunner(make_web_app(issuer, archive, clock=clock), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.web_host, settings.web_port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    port = settings.web_port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            port = int(address[1])
            break
    running = RunningWeb(runner, settings.web_host, port)
    log.info("verification pages on %s for %s", running.url, settings.public_url)
    return running
