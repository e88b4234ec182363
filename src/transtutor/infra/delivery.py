"""Messages nobody asked for (reminders, digests): each sent once, also across crashes.

A message is claimed in the `deliveries` table before it is sent and confirmed when Telegram
has accepted it; a failed send releases the claim for a later run. A claim that a killed
process left unconfirmed is taken over and sent again by the next run, so nothing is lost.
The one case where a user can see a message twice is a kill in the instant between Telegram
accepting it and the confirmation being written (Telegram has no idempotency key).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Protocol

from transtutor.infra.executors import Runner

log = logging.getLogger(__name__)
# Sends of one wave waiting for the outgoing pacer at once: enough to keep it busy at
# Telegram's 30 messages/s, so a wave shares the pace fairly with replies instead of waiting
# for each send in turn behind them.
WAVE_CONCURRENCY = 30


class Deliveries(Protocol):
    def claim_delivery(self, key: str, user_id: int, now: datetime) -> bool: ...
    def confirm_delivery(self, key: str, user_id: int, now: datetime) -> None: ...
    def release_delivery(self, key: str, user_id: int) -> None: ...


async def send_once(
    runner: Runner,
    deliveries: Deliveries,
    key: str,
    user_id: int,
    send: Callable[[], Awaitable[bool]],
    now: datetime,
) -> bool | None:
    """Send message `key` to the user unless it was: True sent, False already sent (or the
    user cannot be reached: `send` returned False), None failed for now (try again later)."""
    if not await runner.db(deliveries.claim_delivery, key, user_id, now):
        return False
    try:
        delivered = await send()
    except Exception as exc:  # any failure: the message must stay sendable
        log.warning("%s to %s not sent (%s); will retry", key, user_id, type(exc).__name__)
        await runner.db(deliveries.release_delivery, key, user_id)
        return None
    await runner.db(deliveries.confirm_delivery, key, user_id, now)
    return delivered


async def send_wave(
    sends: Iterable[Callable[[], Awaitable[bool | None]]],
) -> list[bool | None]:
    """Run `send_once` calls (wrapped as no-argument callables) WAVE_CONCURRENCY at a time;
    their results in order."""
    gate = asyncio.Semaphore(WAVE_CONCURRENCY)

    async def one(send: Callable[[], Awaitable[bool | None]]) -> bool | None:
        async with gate:
            return await send()

    return list(await asyncio.gather(*(one(send) for send in sends)))
