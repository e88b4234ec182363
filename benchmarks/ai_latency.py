"""AI provider calls under load: 200 learners' calls at once while the provider takes 3 s per
answer, against the loopback stand-in (tests/ai_standin.py), in one run:

- provider calls stay within TRANSTUTOR_AI_CONCURRENCY, as the provider sees them (the
  stand-in counts requests in flight) and as the client counts them;
- the calls finish in the time the limit implies (ceil(calls / concurrency) x latency), so
  the slots are used, not wasted;
- the event loop stays responsive while they wait (a 10 ms ticker's lag), which is what lets
  feedback go out at once while AI calls are pending.

Then, through the real dispatcher (the bot of `build_app` over an offline Telegram session),
200 students answer at once, in rounds of one run: AI off, AI on (the second opinion after
every answer, the provider taking 3 s per call), both at the same moment, on, off. Feedback
latency (the answer in, the scored feedback sent) must be the same, and the provider calls
the answers started must stay within the concurrency limit while they drain.

    python benchmarks/ai_latency.py [--calls 200] [--latency 3] [--concurrency 8] [--max-wait S]
                                    [--students 200] [--no-feedback] [--on-first]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.ai_standin

from tests.ai_standin import Reply, StandIn
from tests.chat import ChatClient
from transtutor.ai import AiSettings, AiUnavailable, Provider, Reason
from transtutor.clock import utcnow
from transtutor_bot.app import App, build_app
from transtutor_bot.config import Settings
from transtutor_bot.terminal_session import OfflineSession

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


JUDGEMENT = (
    '{"errors": [{"span": "pilot", "category": "accuracy/mistranslation", "severity": "minor"}]}'
)
ANSWERS = (
    "The e-CNY pilot has been expanded to 26 cities.",
    "The e-CNY trial now covers 26 cities.",
)


def students_of(
    app: App, session: OfflineSession, students: int, first_id: int
) -> list[ChatClient]:
    """Students with fin-001 open, set up before the clock starts."""
    clients = [ChatClient(app, session, user_id=first_id + i) for i in range(students)]
    for client in clients:
        client.open("fin-001")
        # The notice was given: each answer asks the provider for a second opinion.
        app.runner.db_sync(app.store.ai.take_notice, client.user.id, utcnow())
    return clients


async def answer_all(clients: list[ChatClient]) -> list[float]:
    """Every student answers at once; the time each waits for its scored feedback."""

    async def one(i: int, client: ChatClient) -> float:
        start = time.perf_counter()
        replies = await client.send(ANSWERS[i % 2])
        # Others' second opinions may land in the shared offline session meanwhile.
        assert any("/100" in r for r in replies), replies
        return time.perf_counter() - start

    return list(await asyncio.gather(*(one(i, c) for i, c in enumerate(clients))))


async def feedback(
    students: int, latency: float, concurrency: int, directory: Path, on_first: bool = False
) -> None:
    async with StandIn(default=Reply(JUDGEMENT, delay=latency)) as standin:
        off_app = build_app(Settings(db=directory / "off.db"), session=(off := OfflineSession()))
        on_settings = Settings(
            db=directory / "on.db",
            ai_url=standin.url,
            ai_model="standin",
            ai_key="sk-benchmark",
            ai_judge="on",
            ai_concurrency=str(concurrency),
            ai_daily_limit="0",
            ai_timeout=str(latency * 3 + 5),
        )
        on_app = build_app(on_settings, session=(on := OfflineSession()))
        try:
            for app, session in ((off_app, off), (on_app, on)):  # the scorer's resources
                for i, text in enumerate(ANSWERS):
                    warm = ChatClient(app, session, user_id=1 + i)
                    warm.open("fin-001")
                    # Told already: on the AI app the warm-up also opens the provider's
                    # connections and runs a second opinion.
                    app.runner.db_sync(app.store.ai.take_notice, warm.user.id, utcnow())
                    await warm.send(text)
            await on_app.core.assist.idle()
            rounds: list[tuple[str, list[float]]] = []
            pending, next_id = 0, 1000
            apps = {"AI off": (off_app, off), "AI on": (on_app, on)}
            # Off, on, both at the same moment, on, off: drift over the run (a growing
            # database, the collector) weighs on both alike.
            first, second = ("AI on", "AI off") if on_first else ("AI off", "AI on")
            for names in ([first], [second], ["AI off", "AI on"], [second], [first]):
                groups = []
                for name in names:
                    groups.append(students_of(*apps[name], students, next_id))
                    next_id += students
                timed = await asyncio.gather(*(answer_all(g) for g in groups))
                together = " (together)" if len(names) > 1 else ""
                rounds += [(name + together, t) for name, t in zip(names, timed, strict=True)]
                pending = max(pending, on_app.core.assist.pending)
            drained_start = time.perf_counter()
            await on_app.core.assist.idle()
            drained = time.perf_counter() - drained_start
            stats = on_app.core.assist.provider.stats
        finally:
            await on_app.core.assist.aclose()
            await off_app.core.assist.aclose()
            on_app.close()
            off_app.close()
    print()
    print(
        f"{students} students answer at once through the dispatcher, in rounds of one run "
        f"(AI on: a second opinion after each answer, {latency:g} s per provider call, "
        f"concurrency {concurrency})"
    )
    print("| round | feedback latency s p50 | p95 | max |")
    print("|---|---|---|---|")
    for name, values in rounds:
        print(
            f"| {name} | {statistics.median(values):.3f} | "
            f"{percentile(values, 0.95):.3f} | {max(values):.3f} |"
        )
    print(f"second opinions still pending when a round's feedback was all sent: {pending}")
    print(
        f"provider: {stats.requests} requests, {stats.succeeded} answered, most in flight "
        f"{standin.max_in_flight} (stand-in) / {stats.max_in_flight} (client); the rest "
        f"drained {drained:.1f} s after the last round"
    )
    within = standin.max_in_flight <= concurrency and stats.max_in_flight <= concurrency
    print(f"within the concurrency limit: {'yes' if within else 'NO'}")
    if not within or stats.succeeded != 3 * students + len(ANSWERS):
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-wait", type=float, default=None, help="seconds; then busy")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--no-feedback", action="store_true", help="only the provider part")
    parser.add_argument("--on-first", action="store_true", help="rounds on, off, both, off, on")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # no line per refused call
    asyncio.run(run(args.calls, args.latency, args.concurrency, args.max_wait))
    if not args.no_feedback:
        with tempfile.TemporaryDirectory() as directory:
            asyncio.run(
                feedback(
                    args.students, args.latency, args.concurrency, Path(directory), args.on_first
                )
            )


if __name__ == "__main__":
    main()
