"""The provider client against the stand-in over loopback: what it sends, how each failure
comes back as one reason, bounded retries, the circuit breaker, the concurrency and daily
limits, and that the key is never in a log line or an error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import date

import pytest
from pydantic import SecretStr

from tests.ai_standin import Hang, Hold, Raw, Reply, StandIn, Status, closed_port_url
from transtutor.ai import (
    AiSettings,
    AiUnavailable,
    CircuitBreaker,
    MemoryOptOuts,
    MemoryUsage,
    Provider,
    Reason,
    RetryPolicy,
    State,
)

KEY = "sk-standin-0123456789abcdef"
MODEL = "qwen2.5:7b-instruct"
HI = [{"role": "user", "content": "Say OK"}]


class Sleeps:
    """Stands in for asyncio.sleep: records each wait the client asks for, waits for none."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        yield server


def settings(url: str, **changes: object) -> AiSettings:
    values: dict[str, object] = {
        "url": url,
        "model": MODEL,
        "key": SecretStr(KEY),
        "timeout": 2.0,
        "concurrency": 4,
        "daily_limit": 0,
    }
    values.update(changes)
    return AiSettings(**values)  # type: ignore[arg-type]


def provider(url: str, sleeps: Sleeps | None = None, **kwargs: object) -> Provider:
    config = {k: kwargs.pop(k) for k in list(kwargs) if k in AiSettings.__dataclass_fields__}
    return Provider(settings(url, **config), sleep=sleeps or Sleeps(), **kwargs)  # type: ignore[arg-type]


async def reason_of(client: Provider, **kwargs: object) -> Reason:
    with pytest.raises(AiUnavailable) as caught:
        await client.complete(HI, purpose="test", **kwargs)  # type: ignore[arg-type]
    return caught.value.reason


async def test_a_request_carries_the_model_and_the_bearer_key(standin: StandIn) -> None:
    standin.script(Reply("OK then", model="qwen2.5:7b-instruct-q4"))
    async with provider(standin.url) as client:
        completion = await client.complete(HI, purpose="test", max_tokens=20)
    assert completion.text == "OK then"
    assert completion.model == "qwen2.5:7b-instruct-q4"  # as the provider names it
    (request,) = standin.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == MODEL
    assert request.body["messages"] == HI
    assert request.body["max_tokens"] == 20
    assert request.body["stream"] is False
    assert "user" not in request.body  # no id of anyone


async def test_without_a_key_there_is_no_authorization_header(standin: StandIn) -> None:
    async with provider(standin.url, key=None) as client:
        await client.complete(HI, purpose="test")
    assert "authorization" not in standin.requests[0].headers


async def test_not_configured_is_a_reason_and_sends_nothing() -> None:
    client = Provider(AiSettings())
    assert not client.configured
    assert await reason_of(client) is Reason.not_configured
    with pytest.raises(AiUnavailable, match="not_configured"):
        await client.check(learner=1)
    await client.aclose()


async def test_reasoning_models_thinking_is_not_the_answer(standin: StandIn) -> None:
    standin.script(Reply("<think>Let me see…</think>\nOK"))
    async with provider(standin.url) as client:
        assert (await client.complete(HI, purpose="test")).text == "OK"


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Raw("{not json"), Reason.bad_response),
        (Raw('{"choices": []}'), Reason.bad_response),
        (Raw('{"choices": [{"message": {"content": 42}}]}'), Reason.bad_response),
        (Raw('{"choices": [{"message": {"content": "   "}}]}'), Reason.bad_response),
        (Raw("[1, 2]"), Reason.bad_response),
        (Raw("<html>proxy error</html>", content_type="text/html"), Reason.bad_response),
        (Status(401), Reason.rejected),
        (Status(404), Reason.rejected),
        (Status(400), Reason.rejected),
    ],
    ids=[
        "malformed",
        "no-choices",
        "content-number",
        "content-blank",
        "list",
        "html",
        "401",
        "404",
        "400",
    ],
)
async def test_unusable_answers_are_one_reason_without_retry(
    standin: StandIn, behaviour: Raw | Status, reason: Reason
) -> None:
    standin.script(behaviour)
    async with provider(standin.url) as client:
        assert await reason_of(client) is reason
    assert len(standin.requests) == 1  # not retried: it would not get better


async def test_a_hang_past_the_timeout_is_a_timeout(standin: StandIn) -> None:
    standin.script(Hang())
    async with provider(standin.url, timeout=0.2) as client:
        assert await reason_of(client) is Reason.timeout
    assert len(standin.requests) == 1


async def test_a_refused_connection_is_its_own_reason() -> None:
    async with provider(closed_port_url()) as client:
        assert await reason_of(client) is Reason.refused_connection


async def test_500_is_retried_with_bounded_exponential_backoff(standin: StandIn) -> None:
    standin.default = Status(500)
    sleeps = Sleeps()
    retry = RetryPolicy(attempts=4, backoff=0.5, max_backoff=1.5)
    async with provider(standin.url, sleeps, retry=retry) as client:
        with pytest.raises(AiUnavailable) as caught:
            await client.complete(HI, purpose="test")
    assert caught.value.reason is Reason.server_error
    assert str(caught.value) == "server_error: HTTP 500"
    assert len(standin.requests) == 4  # attempts, no more
    assert sleeps.waits == [0.5, 1.0, 1.5]  # doubling, capped; none after the last


async def test_a_5xx_then_an_answer_succeeds(standin: StandIn) -> None:
    standin.script(Status(502), Status(503), Reply("OK"))
    sleeps = Sleeps()
    async with provider(standin.url, sleeps) as client:
        assert (await client.complete(HI, purpose="test")).text == "OK"
    assert len(standin.requests) == 3 and len(sleeps.waits) == 2


async def test_429_waits_as_retry_after_says(standin: StandIn) -> None:
    standin.script(
        Status(429, {"Retry-After": "3"}), Status(429, {"retry-after-ms": "250"}), Reply()
    )
    sleeps = Sleeps()
    async with provider(standin.url, sleeps) as client:
        await client.complete(HI, purpose="test")
    assert sleeps.waits == [3.0, 0.25]


async def test_429_asking_too_long_a_wait_fails_at_once(standin: StandIn) -> None:
    standin.script(Status(429, {"Retry-After": "3600"}))
    sleeps = Sleeps()
    async with provider(standin.url, sleeps) as client:
        assert await reason_of(client) is Reason.rate_limited
    assert sleeps.waits == [] and len(standin.requests) == 1


async def test_429_every_time_is_rate_limited_after_the_attempts(standin: StandIn) -> None:
    standin.default = Status(429)  # no Retry-After: the backoff applies
    sleeps = Sleeps()
    async with provider(standin.url, sleeps, retry=RetryPolicy(attempts=3, backoff=0.1)) as client:
        assert await reason_of(client) is Reason.rate_limited
    assert len(standin.requests) == 3 and sleeps.waits == [0.1, 0.2]


async def test_the_circuit_opens_after_repeated_failures_and_recovers(standin: StandIn) -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown=30, clock=clock)
    standin.default = Status(500)
    async with provider(standin.url, breaker=breaker, retry=RetryPolicy(attempts=1)) as client:
        for _ in range(3):
            assert await reason_of(client) is Reason.server_error
        assert breaker.state is State.open
        sent = len(standin.requests)
        assert await reason_of(client) is Reason.circuit_open
        with pytest.raises(AiUnavailable, match="circuit_open"):
            await client.check(learner=None)
        assert len(standin.requests) == sent  # an open circuit sends nothing

        clock.now += 30  # the cool-down passes: one trial call goes through
        assert breaker.state is State.half_open
        assert await reason_of(client) is Reason.server_error  # the trial fails: open again
        assert breaker.state is State.open and len(standin.requests) == sent + 1

        clock.now += 30
        standin.default = Reply("back")
        assert (await client.complete(HI, purpose="test")).text == "back"
        assert breaker.state is State.closed
        assert (await client.complete(HI, purpose="test")).text == "back"


async def test_half_open_lets_only_one_trial_through(standin: StandIn) -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, cooldown=10, clock=clock)
    standin.script(Status(500))
    standin.default = Hold("OK")
    async with provider(standin.url, breaker=breaker, retry=RetryPolicy(attempts=1)) as client:
        assert await reason_of(client) is Reason.server_error
        clock.now += 10
        trial = asyncio.create_task(client.complete(HI, purpose="test"))
        await standin.wait_for(lambda s: s.in_flight == 1)
        assert await reason_of(client) is Reason.circuit_open  # while the trial is out
        standin.release()
        assert (await trial).text == "OK"
        assert breaker.state is State.closed


async def test_learner_failures_not_of_the_provider_leave_the_circuit_closed(
    standin: StandIn,
) -> None:
    breaker = CircuitBreaker(threshold=1)
    usage = MemoryUsage()
    async with provider(standin.url, breaker=breaker, usage=usage, daily_limit=1) as client:
        await client.complete(HI, purpose="test", learner="a")
        for _ in range(3):
            assert await reason_of(client, learner="a") is Reason.daily_limit
        assert breaker.state is State.closed


async def test_the_concurrency_limit_holds_under_50_concurrent_calls(standin: StandIn) -> None:
    standin.default = Hold("OK")
    async with provider(standin.url, concurrency=5) as client:
        calls = [asyncio.create_task(client.complete(HI, purpose="test")) for _ in range(50)]
        await standin.wait_for(lambda s: s.in_flight == 5)
        # Every call has had its chance to start: those without a slot wait for one.
        for _ in range(20):
            await asyncio.sleep(0)
        assert standin.in_flight == 5 and client.stats.in_flight == 5
        standin.release()
        results = await asyncio.gather(*calls)
    assert [r.text for r in results] == ["OK"] * 50
    assert standin.max_in_flight == 5 and client.stats.max_in_flight == 5
    assert len(standin.requests) == 50


async def test_no_free_slot_within_max_wait_is_busy(standin: StandIn) -> None:
    standin.default = Hold("OK")
    async with provider(standin.url, concurrency=1) as client:
        first = asyncio.create_task(client.complete(HI, purpose="test"))
        await standin.wait_for(lambda s: s.in_flight == 1)
        assert await reason_of(client, max_wait=0.05) is Reason.busy
        standin.release()
        await first
    assert len(standin.requests) == 1


async def test_the_daily_limit_counts_per_learner_and_day(standin: StandIn) -> None:
    usage = MemoryUsage()
    day = [date(2026, 3, 1)]
    async with provider(standin.url, usage=usage, daily_limit=2, today=lambda: day[0]) as client:
        for _ in range(2):
            await client.complete(HI, purpose="test", learner=7)
        assert await reason_of(client, learner=7) is Reason.daily_limit
        await client.complete(HI, purpose="test", learner=8)  # another learner
        await client.complete(HI, purpose="test")  # not for a learner (a draft): not counted
        day[0] = date(2026, 3, 2)
        await client.complete(HI, purpose="test", learner=7)
    assert await usage.used(7, date(2026, 3, 1)) == 2
    assert len(standin.requests) == 5


async def test_a_failed_call_does_not_use_up_the_learners_limit(standin: StandIn) -> None:
    usage = MemoryUsage()
    standin.script(Status(500))
    async with provider(
        standin.url, usage=usage, daily_limit=1, retry=RetryPolicy(attempts=1)
    ) as client:
        assert await reason_of(client, learner=7) is Reason.server_error
        await client.complete(HI, purpose="test", learner=7)  # still allowed: nothing was had
        assert await reason_of(client, learner=7) is Reason.daily_limit


async def test_a_learner_who_turned_ai_off_is_not_sent(standin: StandIn) -> None:
    async with provider(standin.url, opt_outs=MemoryOptOuts({7})) as client:
        assert await reason_of(client, learner=7) is Reason.disabled_by_user
        with pytest.raises(AiUnavailable, match="disabled_by_user"):
            await client.check(learner=7)
        await client.complete(HI, purpose="test", learner=8)
    assert len(standin.requests) == 1


async def test_a_cancelled_call_gives_back_its_slot_and_count(standin: StandIn) -> None:
    usage = MemoryUsage()
    standin.script(Hang())
    async with provider(standin.url, usage=usage, daily_limit=1, concurrency=1) as client:
        call = asyncio.create_task(client.complete(HI, purpose="test", learner=7))
        await standin.wait_for(lambda s: s.in_flight == 1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert client.stats.in_flight == 0
        assert (await client.complete(HI, purpose="test", learner=7)).text == "OK"


async def test_the_key_is_never_in_a_log_line_or_an_error(
    standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[AiUnavailable] = []
    standin.script(
        Reply("fine"),
        Status(401, body=f'{{"error": "Incorrect API key provided: {KEY}"}}'),
        Status(429, {"Retry-After": "1"}),
        Status(500),
        Status(500),
        Status(500),
        Raw(f'{{"echo": "{KEY}"'),
        Hang(),
    )
    async with provider(standin.url, timeout=0.3, breaker=CircuitBreaker(threshold=99)) as client:
        assert KEY not in repr(client) and KEY not in repr(client.settings)
        for _ in range(6):
            try:
                await client.complete(HI, purpose="test")
            except AiUnavailable as exc:
                errors.append(exc)
    async with provider(closed_port_url()) as client:
        try:
            await client.complete(HI, purpose="test")
        except AiUnavailable as exc:
            errors.append(exc)
    assert [e.reason for e in errors] == [
        Reason.rejected,
        Reason.server_error,  # the 429 was retried, then 500, 500
        Reason.bad_response,
        Reason.timeout,
        Reason.refused_connection,
    ]
    names = {r.name for r in caplog.records}
    assert {"transtutor.ai", "httpx", "httpcore.http11"} <= names  # the libraries' debug too
    logged = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text])
    assert KEY not in logged
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error)
        assert error.__cause__ is None  # no httpx exception (holding the request) chained
    assert "HI" not in logged and "Say OK" not in logged  # no user text either


async def test_info_logs_name_the_outcome_but_no_text(
    standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="transtutor.ai")
    standin.script(Reply("a secret translation"), Status(404))
    async with provider(standin.url) as client:
        await client.complete([{"role": "user", "content": "我的译文"}], purpose="explain")
        with pytest.raises(AiUnavailable):
            await client.complete(HI, purpose="explain")
    lines = [r.getMessage() for r in caplog.records if r.name == "transtutor.ai"]
    assert any("ai explain ok" in line for line in lines)
    assert any("ai explain failed: rejected: HTTP 404" in line for line in lines)
    assert not any("我的译文" in line or "secret translation" in line for line in lines)
