"""A local OpenAI-compatible chat completions server for the AI tests and benchmark.

It listens on loopback (a free port), answers `POST /v1/chat/completions` as the script says,
one behaviour per request in order, then the default one, and records every request (headers
and JSON body). It counts the requests in flight, so tests can wait on a condition (never on
a sleep) and check a concurrency limit from the provider's side.

    async with StandIn() as standin:
        standin.script(Status(429, {"Retry-After": "1"}), Reply("Hello"))
        settings = AiSettings(url=standin.url, model="m", key=SecretStr("k"))
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Reply:
    """A chat completion whose message content is `text` (after `delay` seconds)."""

    text: str = "OK"
    model: str | None = None  # the model named in the answer; default: the one asked for
    delay: float = 0.0
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Status:
    """An error status with headers (429 with Retry-After, 500, 401...)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"error": {"message": "stand-in error", "type": "server_error"}}'


@dataclass(frozen=True)
class Raw:
    """Any body with status 200: malformed JSON, JSON that is not a completion."""

    body: str
    content_type: str = "application/json"


@dataclass(frozen=True)
class Hang:
    """No answer until the stand-in closes (or `release()`): past any client timeout."""


@dataclass(frozen=True)
class Hold:
    """Wait until `release()`, then answer like Reply(text)."""

    text: str = "OK"


Behaviour = Reply | Status | Raw | Hang | Hold | Callable[["Recorded"], "Behaviour"]


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any  # the parsed JSON, or None
    text: str  # the raw body


def closed_port_url() -> str:
    """A loopback base URL where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class StandIn:
    def __init__(self, default: Behaviour = Reply()) -> None:
        self.default = default
        self._script: deque[Behaviour] = deque()
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.answered = 0
        self._changed = asyncio.Condition()
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def script(self, *behaviours: Behaviour) -> None:
        """Behaviours for the next requests, in order (after those already scripted)."""
        self._script.extend(behaviours)

    def release(self) -> None:
        """Let held and hanging requests go."""
        self._released.set()

    async def wait_for(self, predicate: Callable[[StandIn], bool], timeout: float = 10) -> None:
        """Wait until `predicate(self)` holds (checked at every request start and end)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: predicate(self))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        text = await request.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        record = Recorded(
            request.path, {k.lower(): v for k, v in request.headers.items()}, body, text
        )
        behaviour = self._script.popleft() if self._script else self.default
        self.requests.append(record)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await self._notify()
        try:
            while callable(behaviour):
                behaviour = behaviour(record)
            return await self._respond(behaviour, body)
        finally:
            self.in_flight -= 1
            self.answered += 1
            await self._notify()

    async def _respond(self, behaviour: Behaviour, body: Any) -> web.StreamResponse:
        if isinstance(behaviour, Status):
            return web.Response(
                status=behaviour.status,
                headers=behaviour.headers,
                text=behaviour.body,
                content_type="application/json",
            )
        if isinstance(behaviour, Raw):
            return web.Response(text=behaviour.body, content_type=behaviour.content_type)
        if isinstance(behaviour, Hang | Hold):
            await self._released.wait()
            if isinstance(behaviour, Hang):
                return web.Response(status=504, text="released")
            behaviour = Reply(behaviour.text)
        assert isinstance(behaviour, Reply)
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        asked = body.get("model") if isinstance(body, dict) else None
        return web.json_response(
            {
                "id": f"chatcmpl-standin-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": behaviour.model or asked or "standin",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": behaviour.text},
                        "finish_reason": behaviour.finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self.url

    async def close(self) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()
