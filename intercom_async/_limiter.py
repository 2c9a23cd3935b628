"""The concurrency limiter: bounded in-flight requests, paced by the rate-limit headers.

One ``RateLimiter`` per client by default; pass the same object to several clients to make them
share one budget. The budget itself sits behind the small ``RateBudget`` interface so a shared
store (Redis, for workers on several machines) can replace the in-process one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import anyio

from ._pacing import PacingState
from ._sansio import RateLimit


@dataclass
class ClientStats:
    """Counters for one limiter (and so for the clients that share it)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    limiter_wait_seconds: float = 0.0


class RateBudget(Protocol):
    """Where the window budget lives. All methods may do I/O, so all are async."""

    async def acquire(self) -> int:
        """Wait until a request may go out; returns a ticket for ``record``."""
        ...

    async def record(self, ticket: int, snapshot: RateLimit | None, *, rate_limited: bool) -> bool:
        """Fold in a response's headers. Returns True when a 429 paused every request."""
        ...


class LocalRateBudget:
    """The in-process budget: a ``PacingState`` driven by the event loop's clock."""

    def __init__(
        self,
        *,
        ceiling: tuple[int, float] | None = None,
        pace_below: float = 0.25,
        reset_jitter: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Wall-clock time, because X-RateLimit-Reset is a UNIX timestamp.
        self._clock = clock
        self.state = PacingState(pace_below=pace_below, reset_jitter=reset_jitter, ceiling=ceiling)
        # FIFO gate: waiters take turns instead of all waking at the reset and re-checking.
        self._gate = anyio.Lock()

    async def acquire(self) -> int:
        """Wait for the pacing rules to allow a request; returns its ticket."""
        # Fast path: nobody is waiting and nothing to wait for. Checking and granting without an
        # await in between is atomic on the event loop.
        if not self._gate.locked():
            now = self._clock()
            if self.state.delay(now) <= 0:
                return self.state.grant(now)
        async with self._gate:
            # The state can change while we sleep (a 429, a new header), so re-check the delay.
            while (wait := self.state.delay(self._clock())) > 0:  # noqa: ASYNC110
                await anyio.sleep(wait)
            return self.state.grant(self._clock())

    async def record(self, ticket: int, snapshot: RateLimit | None, *, rate_limited: bool) -> bool:
        """Fold in a response's headers; True when a 429 paused every request."""
        self.state.observe(ticket, snapshot, rate_limited=rate_limited)
        if rate_limited:
            return self.state.rate_limited(snapshot, self._clock())
        return False


class RateLimiter:
    """Caps in-flight requests and paces them against the rate-limit windows.

    ``max_concurrency`` bounds requests in flight; ``ceiling=(n, seconds)`` adds a client-side cap
    of ``n`` requests per ``seconds``; below ``pace_below`` of the window's limit the rest is
    spread to the reset (0 turns pacing off: burst, then wait for the reset); ``budget`` replaces
    the in-process window state.
    """

    def __init__(
        self,
        max_concurrency: int = 10,
        *,
        ceiling: tuple[int, float] | None = None,
        pace_below: float = 0.25,
        budget: RateBudget | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self._capacity = anyio.CapacityLimiter(max_concurrency)
        self.budget: RateBudget = (
            budget
            if budget is not None
            else LocalRateBudget(ceiling=ceiling, pace_below=pace_below)
        )
        self.stats = ClientStats()
        self.latest: RateLimit | None = None

    @property
    def borrowed(self) -> int:
        """Slots currently held (0 when idle: a cancelled request always gives its slot back)."""
        return int(self._capacity.borrowed_tokens)

    async def acquire(self) -> int:
        """Take one in-flight slot, after any pacing wait; returns the budget ticket.

        Every ``acquire`` must be paired with ``release`` (``slot()`` does both).
        """
        started = time.monotonic()
        try:
            # A free slot is taken without a checkpoint; anyio's acquire() always yields.
            self._capacity.acquire_nowait()
        except anyio.WouldBlock:
            await self._capacity.acquire()
        try:
            ticket = await self.budget.acquire()
        except BaseException:
            self._capacity.release()
            raise
        self.stats.limiter_wait_seconds += time.monotonic() - started
        self.stats.requests += 1
        return ticket

    def release(self) -> None:
        """Give back the slot taken by ``acquire``."""
        self._capacity.release()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one in-flight slot, after any pacing wait; yields the budget ticket."""
        ticket = await self.acquire()
        try:
            yield ticket
        finally:
            self.release()

    async def record(self, ticket: int, snapshot: RateLimit | None, *, status: int) -> bool:
        """Fold in one response. Returns True when a 429 paused every request."""
        if snapshot is not None:
            self.latest = snapshot
        rate_limited = status == 429
        if rate_limited:
            self.stats.rate_limited += 1
        return await self.budget.record(ticket, snapshot, rate_limited=rate_limited)

    def __repr__(self) -> str:
        return (
            f"RateLimiter(max_concurrency={self.max_concurrency}, borrowed={self.borrowed}, "
            f"latest={self.latest!r})"
        )
