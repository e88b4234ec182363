"""Simulated students practising at once against the real bot over the Bot API emulator:
used by the load and fault tests (tests/test_e2e_load.py) and the load benchmark."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.emulator import BotAPIEmulator, Sent

FIRST_STUDENT = 30_000
ANSWER = "The pilot programme has been expanded to twenty-six cities, officials said."


def is_reminder(sent: Sent) -> bool:
    return sent.text.startswith("⏰")


@dataclass
class Figures:
    """What the simulated students saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, message -> its reply
    feedback: dict[int, int] = field(default_factory=dict)  # student -> scored answers seen
    asked: int = 0
    started: float = 0.0
    finished: float = 0.0

    def report(self, throttled: int) -> str:
        wall = self.finished - self.started
        ordered = sorted(self.latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0
        return (
            f"{len(self.feedback)} students, {self.asked} messages answered in {wall:.1f} s: "
            f"{self.asked / wall:.1f} replies/s; latency median {statistics.median(ordered):.2f} s"
            f", p95 {p95:.2f} s, max {ordered[-1]:.2f} s; {throttled} sends refused with 429"
        )


def inject_429(share: float, retry_after: int = 1) -> tuple[Callable[[str], int | None], list[int]]:
    """Refuse this share of sendMessage calls with 429 retry_after (seeded, so each run is
    the same); the list counts refusals."""
    chance = random.Random(429)
    refused: list[int] = []

    def fail(method: str) -> int | None:
        if method == "sendMessage" and chance.random() < share:
            refused.append(1)
            return retry_after
        return None

    return fail, refused


async def reply_to(api: BotAPIEmulator, chat: int, after: int, wanted: str, timeout: float) -> Sent:
    """The first message to `chat` after the first `after` that is not a reminder and
    contains `wanted`."""

    def found() -> Sent | None:
        return next(
            (s for s in api.to(chat)[after:] if not is_reminder(s) and wanted in s.text), None
        )

    result: Sent = await api.wait_for(found, timeout)
    return result


async def student(
    api: BotAPIEmulator,
    user: dict[str, Any],
    figures: Figures,
    rounds: int | None,
    stop: asyncio.Event | None = None,
    timeout: float = 180.0,
) -> None:
    """/next, answer, repeat: `rounds` times, or until `stop` is set."""
    loop = asyncio.get_running_loop()
    chat = user["id"]
    figures.feedback.setdefault(chat, 0)
    for done in itertools.count():
        if (rounds is not None and done >= rounds) or (stop is not None and stop.is_set()):
            return
        for text, wanted in (("/next", "Source"), (ANSWER, "")):
            before = len(api.to(chat))
            asked = loop.time()
            await api.say(user, text)
            got = await reply_to(api, chat, before, wanted, timeout)
            figures.latencies.append(loop.time() - asked)
            figures.asked += 1
            if "/100" in got.text:
                figures.feedback[chat] += 1


async def practise_together(
    api: BotAPIEmulator,
    count: int,
    rounds: int | None,
    stop: asyncio.Event | None = None,
    figures: Figures | None = None,
) -> Figures:
    figures = figures or Figures()
    users = [api.user(FIRST_STUDENT + i, "en", f"S{i}") for i in range(count)]
    loop = asyncio.get_running_loop()
    figures.started = loop.time()
    await asyncio.gather(*(student(api, u, figures, rounds, stop) for u in users))
    figures.finished = loop.time()
    return figures


def scored(api: BotAPIEmulator, chat: int) -> int:
    """Scored answers a student has seen feedback for (a repeated message counts once)."""
    return len({s.text for s in api.to(chat) if "/100" in s.text})
