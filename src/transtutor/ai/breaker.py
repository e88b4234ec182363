"""A circuit breaker: after repeated failed calls stop calling for a cool-down, then let one
trial call through; its success closes the circuit, its failure opens it again.

Time comes from an injected monotonic clock, so tests move past the cool-down without
sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class State(StrEnum):
    closed = "closed"
    open = "open"
    half_open = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        threshold: int = 5,
        cooldown: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or cooldown < 0:
            raise ValueError("threshold must be at least 1 and cooldown not negative")
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0  # consecutive failed calls
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial call is in flight

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return State.closed
        if self._clock() - self._opened_at >= self.cooldown:
            return State.half_open
        return State.open

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial call at a time."""
        state = self.state
        if state is State.closed:
            return True
        if state is State.half_open and not self._trial:
            self._trial = True
            return True
        return False

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial = False

    def failed(self) -> None:
        self._failures += 1
        if self._trial or self._failures >= self.threshold:
            self._opened_at = self._clock()
        self._trial = False

    def released(self) -> None:
        """The allowed call ended without saying anything of the provider's health (it was
        cancelled, or never sent)."""
        self._trial = False
