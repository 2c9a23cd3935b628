"""The concurrency limiter: bounded in-flight requests, paced by the rate-limit headers.

One ``RateLimiter`` per client by default; pass the same object to several clients to make them
share one budget. The budget itself sits behind the small ``RateBudget`` interface so a shared
store (Redis, for workers on several machines) can replace the in-process one.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import anyio

from ._pacing import PacingState
from ._sansio import RateLimit
from .errors import EventLoopError, RateLimitWaitTooLong

if TYPE_CHECKING:
    from .hooks import LimiterWaitReason


@dataclass
class ClientStats:
    """Counters for one limiter (and so for the clients that share it)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    limiter_wait_seconds: float = 0.0


class RateBudget(Protocol):
    """Where the window budget lives. All methods may do I/O, so all are async."""

    async def acquire(self, max_wait: float | None = None) -> int:
        """Wait until a request may go out; returns a ticket for ``record``.

        Raises ``RateLimitWaitTooLong`` at once when the wait would exceed ``max_wait``.
        """
        ...

    async def record(self, ticket: int, snapshot: RateLimit | None, *, status: int) -> bool:
        """Fold in the answer to ``ticket`` (status 0: none arrived). True: a 429 paused all."""
        ...


class LocalRateBudget:
    """The in-process budget: a ``PacingState`` driven by the wall clock."""

    def __init__(
        self,
        *,
        ceiling: tuple[int, float] | None = None,
        pace_below: float = 0.25,
        reset_jitter: float = 0.1,
        max_reset_horizon: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Wall-clock time, because X-RateLimit-Reset is a UNIX timestamp.
        self._clock = clock
        self.state: PacingState = PacingState(
            pace_below=pace_below,
            reset_jitter=reset_jitter,
            ceiling=ceiling,
            max_reset_horizon=max_reset_horizon,
        )
        # FIFO gate: waiters take turns instead of all waking at the reset and re-checking.
        self._gate = anyio.Lock()
        # Set (and replaced) on every answer, so a waiter re-checks as soon as anything changed
        # (a probe answered, a new window) instead of sleeping out its planned wait.
        self._changed: anyio.Event | None = None
        # Callers asleep in the gate on a real wait: while there are any, newcomers queue (FIFO).
        self._sleepers = 0

    async def acquire(self, max_wait: float | None = None) -> int:
        """Wait for the pacing rules to allow a request; returns its ticket."""
        # Fast path: nothing to wait for and nobody sleeping on a wait. Checking and granting
        # without an await in between is atomic on the event loop. (Not "nobody holds the gate":
        # a caller merely passing through it would make every later one queue too, a convoy
        # that never drains under load.)
        if not self._sleepers:
            now = self._clock()
            wait = self.state.delay(now)
            if wait <= 0:
                return self.state.grant(now)
            if max_wait is not None and wait > max_wait:
                raise RateLimitWaitTooLong(wait=wait, bound=max_wait)
        started = time.monotonic()
        with anyio.move_on_after(math.inf if max_wait is None else max_wait):
            async with self._gate:
                # The state changes while we sleep (a 429, a new header): re-check each time.
                while (wait := self.state.delay(self._clock())) > 0:
                    if max_wait is not None:
                        left = max_wait - (time.monotonic() - started)
                        if wait > left:
                            raise RateLimitWaitTooLong(wait=wait, bound=max_wait)
                    await self._sleep_until_changed(wait)
                return self.state.grant(self._clock())
        # Queued behind other waiters for longer than allowed.
        raise RateLimitWaitTooLong(wait=time.monotonic() - started, bound=max_wait or 0.0)

    async def _sleep_until_changed(self, wait: float) -> None:
        if self._changed is None:
            self._changed = anyio.Event()
        changed = self._changed
        self._sleepers += 1
        try:
            with anyio.move_on_after(wait):
                await changed.wait()
        finally:
            self._sleepers -= 1

    def paused(self) -> bool:
        """True while a 429 holds every request back (the reason a wait is reported as)."""
        return self.state.paused_until > self._clock()

    async def record(self, ticket: int, snapshot: RateLimit | None, *, status: int) -> bool:
        """Fold in the answer to ``ticket``; True when a 429 paused every request."""
        paused = self.state.observe(ticket, snapshot, status=status, now=self._clock())
        if self._changed is not None:
            self._changed.set()
            self._changed = None
        return paused


class _Slots:
    """In-flight slots, handed out first come, first served.

    Not anyio's CapacityLimiter: its acquire() tracks a borrower per task and always yields,
    which measured ~10 µs per request at concurrency 50 (bench section 3). The limiter is bound
    to one asyncio loop anyway (aiohttp is asyncio-only).
    """

    __slots__ = ("_waiters", "count", "held")

    def __init__(self, count: int) -> None:
        self.count = count
        self.held = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take_nowait(self) -> bool:
        if self.held < self.count and not self._waiters:
            self.held += 1
            return True
        return False

    async def take(self) -> None:
        if self.take_nowait():
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            # release() hands its slot straight over: ``held`` already counts this caller.
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release()  # handed a slot, then cancelled: pass it on
            else:
                with suppress(ValueError):
                    self._waiters.remove(turn)
            raise

    def release(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.held -= 1


class RateLimiter:
    """Caps in-flight requests and paces them against the rate-limit windows.

    Args:
        max_concurrency: Requests in flight at once.
        ceiling: ``(n, seconds)``: a client-side cap of ``n`` requests per ``seconds``.
        pace_below: Below this share of the window's limit the rest is spread to the reset
            (0 turns pacing off: burst, then wait for the reset).
        budget: Replaces the in-process window state (``RedisRateBudget`` shares it).
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
        self._capacity = _Slots(max_concurrency)
        self.budget: RateBudget = (
            budget
            if budget is not None
            else LocalRateBudget(ceiling=ceiling, pace_below=pace_below)
        )
        self.stats: ClientStats = ClientStats()
        self.latest: RateLimit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def borrowed(self) -> int:
        """Slots currently held (0 when idle: a cancelled request always gives its slot back)."""
        return self._capacity.held

    async def acquire(
        self,
        max_wait: float | None = None,
        *,
        report: Callable[[float, LimiterWaitReason], None] | None = None,
    ) -> int:
        """Take one in-flight slot, after any pacing wait; returns the budget ticket.

        ``max_wait`` bounds the pacing wait (not the wait for a free slot, which is the
        caller's own queueing): past it ``RateLimitWaitTooLong`` is raised and nothing is sent.
        ``report(seconds, why)`` is told of each wait. Every ``acquire`` must be paired with
        ``release`` (``slot()`` does both).
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loop is not None and not self._loop.is_closed():
                raise EventLoopError(
                    "this RateLimiter is in use on another event loop; create one limiter per "
                    "event loop (share a budget across loops or processes with a RateBudget)"
                )
            self._bind(loop)
        started = time.monotonic()
        if not self._capacity.take_nowait():
            await self._capacity.take()
            if report is not None:
                report(time.monotonic() - started, "concurrency")
        slotted = time.monotonic()
        why: LimiterWaitReason = "pacing"
        paused = getattr(self.budget, "paused", None) if report is not None else None
        if paused is not None and paused():
            why = "rate_limit_pause"
        try:
            ticket = await self.budget.acquire(max_wait)
        except BaseException:
            self._capacity.release()
            raise
        now = time.monotonic()
        # A wait of a fraction of a millisecond is the event loop, not the budget.
        if report is not None and now - slotted > 0.0005:
            report(now - slotted, why)
        self.stats.limiter_wait_seconds += now - started
        self.stats.requests += 1
        return ticket

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        # anyio's primitives belong to the loop they were first used on: a limiter whose loop
        # has closed (asyncio.run twice) starts afresh on the new one.
        if self._loop is not None:
            self._capacity = _Slots(self.max_concurrency)
            if isinstance(self.budget, LocalRateBudget):
                self.budget._gate = anyio.Lock()
                self.budget._changed = None
        self._loop = loop

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
        """Fold in one answer (status 0: none arrived). Returns True when a 429 paused all."""
        if snapshot is not None:
            self.latest = snapshot
        if status == 429:
            self.stats.rate_limited += 1
        return await self.budget.record(ticket, snapshot, status=status)

    def __repr__(self) -> str:
        return (
            f"RateLimiter(max_concurrency={self.max_concurrency}, borrowed={self.borrowed}, "
            f"latest={self.latest!r})"
        )
