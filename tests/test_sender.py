"""Outgoing traffic: pacing to Telegram's limits (fixed clock) and 429 handling (real session
middleware against the Bot API emulator)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.emulator import BotAPIEmulator
from transtutor_bot.sender import BULK_HORIZON, BULK_MIN_RATE, Outgoing, RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(clock: FakeTime) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep)


def test_one_chat_gets_a_burst_of_two_then_one_per_second() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    assert [pace.reserve(7) for _ in range(5)] == pytest.approx([0, 1 / 30, 1, 2, 3])


def test_groups_get_twenty_per_minute() -> None:
    pace = limiter(FakeTime())
    assert [pace.reserve(-100) for _ in range(3)] == pytest.approx([0, 3, 6])


def test_a_wave_to_thousands_goes_out_at_thirty_per_second() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    sends = sorted(pace.reserve(chat) for chat in range(1, 3001))
    assert sends[-1] == pytest.approx(2999 / 30)  # 100 s for 3,000 students
    # Never more than 31 in any one-second window.
    assert (
        max(sum(1 for t in sends[i : i + 40] if t < start + 1) for i, start in enumerate(sends))
        <= 31
    )


def test_a_429_holds_that_chat_for_retry_after() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    pace.reserve(7)
    pace.hold(7, 5)
    assert pace.reserve(7) >= 5
    assert pace.reserve(8) < 1  # other chats go on


@pytest.fixture
async def api() -> AsyncIterator[BotAPIEmulator]:
    emulator = BotAPIEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


async def test_a_429_is_waited_out_and_the_message_sent_once(api: BotAPIEmulator) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    session.middleware(Outgoing())
    bot = Bot("1:paced", session=session)
    refusals = iter([1, 1])  # two 429s with retry_after 1 s, then accepted
    api.fail_with_429 = lambda method: next(refusals, None) if method == "sendMessage" else None
    try:
        await bot.send_message(5, "after two floods")
    finally:
        await session.close()
    assert [s.text for s in api.to(5)] == ["after two floods"]
    assert api.calls.count("sendMessage") == 3


def test_a_bulk_wave_gives_way_to_replies() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    granted = [pace.reserve(chat, bulk=True) for chat in range(1, 3001)]
    # A wave takes no slot more than BULK_HORIZON ahead: the rest ask again later...
    within = math.floor(BULK_HORIZON * 30 + 1e-9) + 1  # slots 0 s, 1/30 s, ... up to it
    assert 2 <= sum(g is not None for g in granted) == within <= 31
    # ...so a reply goes out within that time, not after the 3,000 reminders.
    assert pace.reserve(9999) == pytest.approx(within / 30)


def test_without_bulk_marking_a_reply_would_queue_behind_the_wave() -> None:
    pace = limiter(FakeTime())
    for chat in range(1, 3001):
        pace.reserve(chat)
    assert pace.reserve(9999) == pytest.approx(100.0)  # what item 8 of issue 12 was about


def test_a_wave_still_moves_while_replies_use_all_of_the_pace() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    granted = 0
    for step in range(300):  # 10 s of replies arriving at the full 30/s
        clock.now = step / 30
        pace.reserve(10_000 + step)
        granted += pace.reserve(step, bulk=True) is not None
    # The minimum share, plus the few slots the wave found free before replies filled them.
    assert 10 * BULK_MIN_RATE <= granted <= 10 * BULK_MIN_RATE + 8


async def test_bulk_sends_all_go_out_when_nothing_else_does() -> None:
    clock = FakeTime()
    pace = limiter(clock)
    for chat in range(1, 301):
        await pace.wait(chat, bulk=True)
    assert clock.now == pytest.approx(299 / 30, abs=0.6)  # still 30 per second
