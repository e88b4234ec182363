"""One client per process for an OpenAI-compatible chat completions API.

`POST {base}/chat/completions` with the configured model is what OpenAI, DeepSeek, Qwen
(DashScope compatible mode), Ollama, vLLM and the llama.cpp server all serve. Around each
call, in this order: the learner's opt-out, the circuit breaker, the learner's daily limit,
then up to `RetryPolicy.attempts` HTTP requests, each holding one of `concurrency` slots
(never while waiting to retry) and bounded by the timeout. 429 waits for Retry-After when it
is short enough, 5xx backs off exponentially; timeouts, refused connections and other 4xx are
not retried (a learner is waiting). Every failure is one AiUnavailable(reason).

What is logged: purpose, outcome, HTTP status, attempts and time. Never the key, never the
texts (they are the learners'), never the learner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from transtutor.ai.breaker import CircuitBreaker, State
from transtutor.ai.limits import MemoryUsage, OptOuts, UsageCounter
from transtutor.ai.outcome import AiUnavailable, Reason
from transtutor.ai.settings import AiSettings

log = logging.getLogger("transtutor.ai")

MAX_BODY = 2_000_000  # bytes of a response read at most; a chat answer is far smaller
# Reasons that say something about the provider's health, and so count for the breaker.
PROVIDER_FAILURES = frozenset(
    {
        Reason.rate_limited,
        Reason.timeout,
        Reason.refused_connection,
        Reason.server_error,
        Reason.rejected,
        Reason.bad_response,
    }
)
THINKING = re.compile(r"<think>.*?</think>", re.S | re.I)

Message = dict[str, str]


def utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one call tries. The worst case is bounded: `attempts` requests of at most the
    timeout each, and waits of at most `max_backoff` (5xx) or `max_retry_after` (429)."""

    attempts: int = 3
    backoff: float = 0.5  # the first wait after a 5xx; doubled for each further one
    max_backoff: float = 8.0
    max_retry_after: float = 20.0  # a 429 asking for a longer wait fails the call at once

    def delay(self, attempt: int) -> float:
        """The wait after the `attempt`-th failed request (1-based)."""
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class Completion:
    text: str
    model: str  # as the provider names it in the answer, else the configured one
    truncated: bool = False  # the provider stopped at max_tokens


@dataclass
class ProviderStats:
    """What this process asked of the provider (for the coordinator and the benchmark)."""

    calls: int = 0
    succeeded: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    requests: int = 0  # HTTP requests, retries included
    in_flight: int = 0
    max_in_flight: int = 0


def retry_after(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """Seconds a 429 asks us to wait: `retry-after-ms`, or `Retry-After` in seconds or as an
    HTTP date; None when absent or unreadable."""
    millis = headers.get("retry-after-ms", "").strip()
    with contextlib.suppress(ValueError):
        if millis:
            return max(0.0, float(millis) / 1000)
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _content(data: object, configured_model: str) -> Completion:
    """The answer's text out of a chat completion, or bad_response."""
    if not isinstance(data, dict):
        raise AiUnavailable(Reason.bad_response, "not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise AiUnavailable(Reason.bad_response, "no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):  # content parts, as some servers send
        content = "".join(
            p.get("text", "")
            for p in content
            if isinstance(p, dict) and isinstance(p.get("text"), str)
        )
    if not isinstance(content, str):
        raise AiUnavailable(Reason.bad_response, "no message content")
    # Reasoning models (DeepSeek R1, Qwen3 on Ollama) may think aloud in the content.
    text = THINKING.sub("", content).strip()
    if not text:
        raise AiUnavailable(Reason.bad_response, "empty message content")
    model = data.get("model")
    name = model if isinstance(model, str) and model.strip() else configured_model
    return Completion(text, name.strip()[:100], choices[0].get("finish_reason") == "length")


class Provider:
    """The process's one client of the configured provider. Close it with `aclose()` (or use
    it as an async context manager). Built without a URL it is "not configured": every call
    raises AiUnavailable(not_configured) and no HTTP client exists."""

    def __init__(
        self,
        settings: AiSettings,
        *,
        usage: UsageCounter | None = None,
        opt_outs: OptOuts | None = None,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        today: Callable[[], date] = utc_today,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.usage: UsageCounter = usage if usage is not None else MemoryUsage()
        self.opt_outs = opt_outs
        self.breaker = breaker or CircuitBreaker()
        self.retry = retry or RetryPolicy()
        self.stats = ProviderStats()
        self._sleep = sleep
        self._today = today
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._http: httpx.AsyncClient | None = None
        if settings.configured:
            headers = {"Content-Type": "application/json", "User-Agent": "transtutor"}
            if settings.key is not None:
                headers["Authorization"] = f"Bearer {settings.key.get_secret_value()}"
            self._http = httpx.AsyncClient(
                headers=headers,
                timeout=httpx.Timeout(settings.timeout),
                # One connection per slot: the semaphore, not the pool, is what makes callers wait.
                limits=httpx.Limits(
                    max_connections=settings.concurrency,
                    max_keepalive_connections=settings.concurrency,
                ),
                transport=transport,
                # A redirect would resend the key elsewhere; HTTPS_PROXY is honoured (httpx's
                # default), as a server in a restricted network may need it.
                follow_redirects=False,
            )

    def __repr__(self) -> str:
        return (
            f"Provider(host={self.settings.host!r}, model={self.settings.model!r}, "
            f"concurrency={self.settings.concurrency})"
        )

    @property
    def configured(self) -> bool:
        return self._http is not None

    @property
    def model(self) -> str:
        return self.settings.model

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def __aenter__(self) -> Provider:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def check(self, learner: Hashable | None) -> None:
        """Raise AiUnavailable if a call for this learner would be refused before sending:
        not configured, turned off by the learner, or the circuit open. Counts nothing (for
        a reply that says so before doing any work)."""
        if not self.configured:
            raise AiUnavailable(Reason.not_configured)
        if await self._opted_out(learner):
            raise AiUnavailable(Reason.disabled_by_user)
        if self.breaker.state is State.open:
            raise AiUnavailable(Reason.circuit_open)

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        purpose: str,
        learner: Hashable | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.2,
        max_wait: float | None = None,
    ) -> Completion:
        """One chat completion. `purpose` names the use in the log (draft, explain, judge).
        `learner` (an opaque key, never sent) is checked against the opt-out and counted
        against the daily limit; None for work not done for a learner (drafts at import).
        `max_wait` bounds the wait for a free slot (busy); None waits as long as it takes.
        Raises AiUnavailable."""
        self.stats.calls += 1
        started = time.perf_counter()
        day = self._today()
        counted = False
        allowed = False
        attempts = [0]
        try:
            if not self.configured:
                raise AiUnavailable(Reason.not_configured)
            if await self._opted_out(learner):
                raise AiUnavailable(Reason.disabled_by_user)
            if not self.breaker.allow():
                raise AiUnavailable(Reason.circuit_open)
            allowed = True
            if learner is not None and self.settings.daily_limit > 0:
                counted = await self.usage.take(learner, day, self.settings.daily_limit)
                if not counted:
                    raise AiUnavailable(Reason.daily_limit)
            body: dict[str, Any] = {
                "model": self.settings.model,
                "messages": [dict(m) for m in messages],
                "temperature": temperature,
                "stream": False,
            }
            if max_tokens is not None:
                body["max_tokens"] = max_tokens
            completion = await self._send(body, purpose, attempts, max_wait)
        except AiUnavailable as exc:
            if allowed:
                if exc.reason in PROVIDER_FAILURES:
                    self.breaker.failed()
                else:
                    self.breaker.released()
            if counted:
                await self.usage.give_back(learner, day)
            self.stats.failed[exc.reason.value] += 1
            # The provider failing is the operator's concern; a learner's limit, an opt-out or
            # shedding load under a burst is normal operation.
            log.log(
                logging.WARNING if exc.reason in PROVIDER_FAILURES else logging.INFO,
                "ai %s failed: %s (attempts %d, %.0f ms, circuit %s)",
                purpose,
                exc,
                attempts[0],
                (time.perf_counter() - started) * 1000,
                self.breaker.state.value,
            )
            raise
        except BaseException:
            # Cancelled (the learner's request went away) or a bug: nothing learnt about the
            # provider, nothing delivered to the learner.
            if allowed:
                self.breaker.released()
            if counted:
                await self.usage.give_back(learner, day)
            raise
        self.breaker.succeeded()
        self.stats.succeeded += 1
        log.info(
            "ai %s ok: model %s (attempts %d, %.0f ms)",
            purpose,
            completion.model,
            attempts[0],
            (time.perf_counter() - started) * 1000,
        )
        return completion

    async def _opted_out(self, learner: Hashable | None) -> bool:
        return (
            learner is not None
            and self.opt_outs is not None
            and await self.opt_outs.ai_off(learner)
        )

    @contextlib.asynccontextmanager
    async def _slot(self, max_wait: float | None) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(max_wait):
                await self._slots.acquire()
        except TimeoutError:
            raise AiUnavailable(Reason.busy, f"no free slot within {max_wait:g} s") from None
        self.stats.in_flight += 1
        self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        try:
            yield
        finally:
            self.stats.in_flight -= 1
            self._slots.release()

    async def _send(
        self, body: dict[str, Any], purpose: str, attempts: list[int], max_wait: float | None
    ) -> Completion:
        assert self._http is not None
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            attempts[0] = attempt
            async with self._slot(max_wait):
                response = await self._post(body)
            status = response.status_code
            log.debug("ai %s attempt %d: HTTP %d", purpose, attempt, status)
            if status == 200:
                try:
                    data = response.json()
                except (ValueError, RecursionError):
                    raise AiUnavailable(Reason.bad_response, "HTTP 200, not JSON") from None
                return _content(data, self.settings.model)
            last = attempt == policy.attempts
            if status == 429:
                asked = retry_after(response.headers)
                wait = policy.delay(attempt) if asked is None else asked
                if last or wait > policy.max_retry_after:
                    raise AiUnavailable(Reason.rate_limited, f"HTTP 429, retry after {wait:g} s")
            elif status >= 500:
                wait = policy.delay(attempt)
                if last:
                    raise AiUnavailable(Reason.server_error, f"HTTP {status}")
            else:
                # 401/403 (the key), 404 (the URL or model), 400 (the request): not transient.
                raise AiUnavailable(Reason.rejected, f"HTTP {status}")
            await self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        assert self._http is not None
        self.stats.requests += 1
        timeout = self.settings.timeout
        try:
            # httpx bounds each phase; this bounds the whole request (a trickling answer).
            async with asyncio.timeout(timeout):
                response = await self._http.post(self.settings.endpoint, json=body)
        except (TimeoutError, httpx.TimeoutException):
            raise AiUnavailable(Reason.timeout, f"no answer within {timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise AiUnavailable(Reason.refused_connection, type(exc).__name__) from None
        except httpx.HTTPError as exc:
            raise AiUnavailable(Reason.server_error, type(exc).__name__) from None
        if len(response.content) > MAX_BODY:
            raise AiUnavailable(Reason.bad_response, "answer too large")
        return response
