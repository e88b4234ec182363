"""How long an answer's feedback waits for the outgoing pacer while a reminder wave goes out.

The real `Outgoing` middleware and `RateLimiter` pace every send; the request itself is
answered at once (what is measured is the pacing, not the network). A wave of reminders goes
out as `delivery.send_wave` sends it (30 at a time) while students keep answering, each
answer's feedback going to its own chat. Two runs in the same process:

- before: the wave's sends are not marked as bulk, so replies and reminders share the 30/s
  (how the pacer worked before replies got priority);
- after: the wave runs inside `sender.bulk()`, as `Notifier.reminder` sends it now.

To keep the run short, time runs `--speed` times faster (every pace interval divided by it);
the figures are scaled back to real seconds.

    python benchmarks/reply_latency_during_wave.py [--reminders 3000] [--replies-per-s 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from aiogram.methods import SendMessage

from transtutor.infra.delivery import send_wave
from transtutor_bot import sender

from machine import describe

HORIZON = sender.BULK_HORIZON


class Instant:
    """Stands in for the HTTP request: answered at once."""

    async def __call__(self, bot: Any, method: Any) -> Any:
        return True


async def scenario(
    reminders: int, replies_per_s: float, speed: float, marked: bool
) -> dict[str, float]:
    sender.BULK_HORIZON = HORIZON / speed
    limiter = sender.RateLimiter(overall=1 / (30 * speed), private=(1 / speed, 2))
    outgoing = sender.Outgoing(limiter)
    request = Instant()
    latencies: list[float] = []
    wave_done = asyncio.Event()

    async def send(chat_id: int, bulk: AbstractContextManager[None]) -> bool:
        with bulk:
            await outgoing(request, None, SendMessage(chat_id=chat_id, text="x"))  # type: ignore[arg-type]
        return True

    async def wave() -> float:
        started = time.perf_counter()
        await send_wave(
            lambda chat=chat: send(chat, sender.bulk() if marked else nullcontext())
            for chat in range(1, reminders + 1)
        )
        wave_done.set()
        return time.perf_counter() - started

    async def reply(chat_id: int) -> None:
        started = time.perf_counter()
        await send(chat_id, nullcontext())
        latencies.append((time.perf_counter() - started) * speed)

    async def students() -> None:
        tasks = []
        chat = 1_000_000
        while not wave_done.is_set():
            chat += 1
            tasks.append(asyncio.create_task(reply(chat)))
            await asyncio.sleep(1 / (replies_per_s * speed))
        await asyncio.gather(*tasks)

    wave_seconds, _ = await asyncio.gather(wave(), students())
    ordered = sorted(latencies)
    return {
        "replies": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
        "wave": wave_seconds * speed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=3000)
    parser.add_argument("--replies-per-s", type=float, default=20.0)
    parser.add_argument("--speed", type=float, default=10.0)
    args = parser.parse_args()
    print(describe())
    print(
        f"{args.reminders} reminders, students' feedback at {args.replies_per_s:g}/s, "
        f"time x{args.speed:g} (figures in real seconds)"
    )
    results = {}
    for label, marked in (("before (shared pace)", False), ("after (replies first)", True)):
        r = asyncio.run(scenario(args.reminders, args.replies_per_s, args.speed, marked))
        results[label] = r
        print(
            f"{label:22s} feedback latency median {r['median']:6.2f} s, p95 {r['p95']:6.2f} s, "
            f"max {r['max']:6.2f} s over {r['replies']:.0f} replies; wave took {r['wave']:.0f} s"
        )
    before, after = results.values()
    print(
        f"ratio before/after: median {before['median'] / max(after['median'], 1e-9):.0f}x, "
        f"p95 {before['p95'] / max(after['p95'], 1e-9):.0f}x"
    )


if __name__ == "__main__":
    main()
