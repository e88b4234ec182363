"""AI provider calls under load: 200 learners' calls at once while the provider takes 3 s per
answer, against the loopback stand-in (tests/ai_standin.py), in one run:

- provider calls stay within TRANSTUTOR_AI_CONCURRENCY, as the provider sees them (the
  stand-in counts requests in flight) and as the client counts them;
- the calls finish in the time the limit implies (ceil(calls / concurrency) x latency), so
  the slots are used, not wasted;
- the event loop stays responsive while they wait (a 10 ms ticker's lag), which is what lets
  feedback go out at once while AI calls are pending.

The feedback-latency comparison (AI on vs off in the same run, through the dispatcher) is
added when the AI features are wired into the bot.

    python benchmarks/ai_latency.py [--calls 200] [--latency 3] [--concurrency 8] [--max-wait S]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import statistics
import sys
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.ai_standin

from tests.ai_standin import Reply, StandIn
from transtutor.ai import AiSettings, AiUnavailable, Provider, Reason

from machine import describe


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


async def ticker(lags: list[float], stop: asyncio.Event, every: float = 0.01) -> None:
    """How late the loop wakes a 10 ms timer: a blocked loop shows here."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(every)
        lags.append(time.perf_counter() - start - every)


async def run(calls: int, latency: float, concurrency: int, max_wait: float | None) -> None:
    async with StandIn(default=Reply("OK", delay=latency)) as standin:
        settings = AiSettings(
            url=standin.url,
            model="standin",
            key=SecretStr("sk-benchmark"),
            timeout=latency * 3 + 5,
            concurrency=concurrency,
            daily_limit=0,
        )
        async with Provider(settings) as provider:
            durations: list[float] = []
            busy = 0

            async def one(i: int) -> None:
                nonlocal busy
                start = time.perf_counter()
                try:
                    await provider.complete(
                        [{"role": "user", "content": f"Translate sentence {i}."}],
                        purpose="bench",
                        max_wait=max_wait,
                    )
                except AiUnavailable as exc:
                    if exc.reason is not Reason.busy:
                        raise
                    busy += 1
                    return
                durations.append(time.perf_counter() - start)

            lags: list[float] = []
            stop = asyncio.Event()
            tick = asyncio.create_task(ticker(lags, stop))
            start = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(calls)))
            wall = time.perf_counter() - start
            stop.set()
            await tick

    served = len(durations)
    bound = math.ceil(served / concurrency) * latency
    waiting = "as long as it takes" if max_wait is None else f"at most {max_wait:g} s"
    print(describe())
    print(
        f"{calls} concurrent provider calls, {latency:g} s per answer, concurrency "
        f"{concurrency}, a call waits for a slot {waiting}"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| requests the stand-in received | {len(standin.requests)} |")
    print(f"| most in flight, as the provider saw them | {standin.max_in_flight} |")
    print(f"| most in flight, as the client counted | {provider.stats.max_in_flight} |")
    print(f"| calls answered | {served} |")
    print(f"| calls refused as busy (no slot within the wait) | {busy} |")
    print(f"| wall time s (ceil(answered / concurrency) x latency = {bound:.1f}) | {wall:.2f} |")
    if durations:
        print(
            f"| answered call s p50 / p95 / max | {statistics.median(durations):.2f} / "
            f"{percentile(durations, 0.95):.2f} / {max(durations):.2f} |"
        )
    print(
        f"| event-loop lag ms p50 / p99 / max | {statistics.median(lags) * 1000:.1f} / "
        f"{percentile(lags, 0.99) * 1000:.1f} / {max(lags) * 1000:.1f} |"
    )
    within = standin.max_in_flight <= concurrency and provider.stats.max_in_flight <= concurrency
    print(f"within the concurrency limit: {'yes' if within else 'NO'}")
    if not within or served + busy != calls:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-wait", type=float, default=None, help="seconds; then busy")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # no line per refused call
    asyncio.run(run(args.calls, args.latency, args.concurrency, args.max_wait))


if __name__ == "__main__":
    main()
