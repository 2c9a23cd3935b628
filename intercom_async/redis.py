"""One rate budget for many workers on many machines, kept in Redis.

    pip install 'intercom-async[redis]'

    budget = RedisRateBudget("redis://host:6379/0", key="my-app")
    limiter = RateLimiter(max_concurrency=25, budget=budget)
    async with Intercom(token=..., limiter=limiter) as client: ...

Every client whose budget has the same ``key`` — in this process or another, on this machine or
another — shares one window state: the ``X-RateLimit-*`` headers any of them sees, one pacing
schedule, one 429 pause, one client-side ceiling, and one companies scroll at a time. Decisions
are Lua scripts run atomically on Redis's clock, so machines need no synchronised clocks.

Nothing about Redis can fail a request: when Redis cannot be reached, each process paces
itself on its own in-process budget (one warning), and goes back to the shared one when Redis
answers again (one more). Every key expires when unused, so a worker killed mid-request holds
nothing: its unanswered request costs the others at most one probe timeout.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

try:
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import LockError, RedisError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "intercom_async.redis needs redis-py: pip install 'intercom-async[redis]'"
    ) from exc

from ._limiter import LocalRateBudget
from ._redis_scripts import ACQUIRE, RECORD
from ._sansio import RateLimit
from .errors import RateLimitWaitTooLong
from .pagination import ScrollExistsError

logger: logging.Logger = logging.getLogger("intercom_async")

_UNREACHABLE = (RedisError, OSError, asyncio.TimeoutError)


class RedisRateBudget:
    """A ``RateBudget`` shared through Redis by every client with the same ``key``.

    ``url`` (or an existing ``redis.asyncio.Redis`` as ``redis=``) names the server;
    ``ceiling=(n, seconds)`` caps all workers together; ``pace_below``, ``reset_jitter`` and
    ``max_reset_horizon`` are those of the in-process budget. ``poll`` bounds how long a waiting
    request sleeps before asking again (another worker may have learnt something);
    ``scroll_wait`` how long a scroll waits for another worker's to finish.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        key: str = "intercom-async",
        redis: aioredis.Redis | None = None,
        ceiling: tuple[int, float] | None = None,
        pace_below: float = 0.25,
        reset_jitter: float = 0.1,
        max_reset_horizon: float = 120.0,
        probe_timeout: float = 1.0,
        poll: float = 0.25,
        scroll_wait: float = 900.0,
        scroll_ttl: float = 30.0,
        retry_redis_after: float = 5.0,
        redis_timeout: float = 0.5,
    ) -> None:
        if (url is None) == (redis is None):
            raise ValueError("give RedisRateBudget a url or a redis= client (one of them)")
        if ceiling is not None and (ceiling[0] < 1 or not 0 < ceiling[1] < float("inf")):
            raise ValueError("ceiling must be (count >= 1, 0 < period < inf)")
        self._redis: aioredis.Redis = (
            redis
            if redis is not None
            else aioredis.from_url(
                url,  # type: ignore[arg-type]
                socket_timeout=redis_timeout,
                socket_connect_timeout=redis_timeout,
                # One immediate retry replaces a pooled connection a restarted Redis dropped;
                # redis-py's default (10 retries with back-off) would hold requests for seconds
                # while Redis is down, instead of falling back to the in-process budget.
                retry=Retry(NoBackoff(), 1),
            )
        )
        self.key = key
        self._state_key = f"{key}:budget"
        self._scroll_key = f"{key}:scroll"
        self._acquire_script = self._redis.register_script(ACQUIRE)
        self._record_script = self._redis.register_script(RECORD)
        self._ceiling = ceiling
        self._pace_below = pace_below
        self._reset_jitter = reset_jitter
        self._horizon = max_reset_horizon
        self._probe_timeout = probe_timeout
        self._poll = poll
        self._scroll_wait = scroll_wait
        self._scroll_ttl = scroll_ttl
        self._retry_after = retry_redis_after
        # State that outlives every window and pause by a margin, then disappears.
        self._ttl = int(max_reset_horizon * 2 + 60)
        self._rng = random.Random()
        # Where requests are paced while Redis cannot be reached.
        self._local = LocalRateBudget(
            ceiling=ceiling,
            pace_below=pace_below,
            reset_jitter=reset_jitter,
            max_reset_horizon=max_reset_horizon,
        )
        self._down_until: float | None = None
        self._paused = False

    def __repr__(self) -> str:
        shared = "unreachable" if self._down_until is not None else "shared"
        return f"RedisRateBudget(key={self.key!r}, {shared})"

    @property
    def shared(self) -> bool:
        """False while Redis cannot be reached and this process paces on its own."""
        return self._down_until is None

    async def acquire(self, max_wait: float | None = None) -> int:
        """Wait until the shared budget lets a request go; returns its ticket."""
        started = time.monotonic()
        while True:
            if self._on_local():
                left = None if max_wait is None else max(0.0, max_wait - self._since(started))
                # Negative tickets are the in-process budget's.
                return -await self._local.acquire(left)
            count, period = self._ceiling or (0, 1.0)
            try:
                granted, value, paused = await self._acquire_script(
                    keys=[self._state_key],
                    args=[
                        self._pace_below,
                        count,
                        period,
                        self._probe_timeout,
                        self._jitter(),
                        self._ttl,
                    ],
                )
            except _UNREACHABLE as error:
                self._went_down(error)
                continue
            self._came_back()
            if granted:
                self._paused = False
                return int(value)
            self._paused = bool(paused)
            wait = int(value) / 1e6
            if max_wait is not None:
                left = max_wait - self._since(started)
                if wait > left:
                    raise RateLimitWaitTooLong(wait=wait, bound=max_wait)
            await asyncio.sleep(min(wait, self._poll))

    async def record(self, ticket: int, snapshot: RateLimit | None, *, status: int) -> bool:
        """Fold an answer into the shared state; True when its 429 paused every worker."""
        if ticket < 0:
            return await self._local.record(-ticket, snapshot, status=status)
        has = snapshot is not None
        reset_in = -1.0
        if snapshot is not None and snapshot.reset_at is not None:
            # Relative to now: parse_rate_limit put the reset on this machine's clock (through
            # the Date header), and Redis puts it back on its own.
            reset_in = max(0.0, snapshot.reset_at - time.time())
        try:
            paused = await self._record_script(
                keys=[self._state_key],
                args=[
                    ticket,
                    status,
                    "1" if has else "0",
                    _or_minus_one(snapshot.limit if snapshot else None),
                    _or_minus_one(snapshot.remaining if snapshot else None),
                    reset_in,
                    _or_minus_one(snapshot.retry_after if snapshot else None),
                    self._jitter(),
                    # The header-less 429 pause grows as the in-process budget's does.
                    self._local.state.backoff_base,
                    self._local.state.backoff_cap,
                    self._rng.random(),
                    self._horizon,
                    self._ttl,
                ],
            )
        except _UNREACHABLE as error:
            self._went_down(error)
            return False
        self._came_back()
        return bool(paused)

    def paused(self) -> bool:
        """True when the last wait was a 429 pause (the reason hooks report a wait as)."""
        return self._paused

    @asynccontextmanager
    async def scroll_lock(self) -> AsyncIterator[None]:
        """Hold the app's one companies scroll across every worker (a lock with a TTL, renewed
        while the scroll runs). Waits up to ``scroll_wait`` for another worker's scroll."""
        lock = self._redis.lock(
            self._scroll_key,
            timeout=self._scroll_ttl,
            blocking_timeout=self._scroll_wait,
            thread_local=False,
        )
        try:
            held = await lock.acquire()
        except _UNREACHABLE as error:
            self._went_down(error)
            yield  # Intercom's own scroll_exists rule still keeps scrolls apart
            return
        if not held:
            raise ScrollExistsError(
                f"another worker's companies scroll held the shared scroll lock "
                f"({self._scroll_key!r}) for {self._scroll_wait:.0f}s; wait for it to finish"
            )
        renewing = asyncio.ensure_future(self._renew(lock))
        try:
            yield
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing
            with suppress(LockError, *_UNREACHABLE):
                await lock.release()

    async def _renew(self, lock: Any) -> None:
        while True:
            await asyncio.sleep(self._scroll_ttl / 3)
            with suppress(LockError, *_UNREACHABLE):
                await lock.reacquire()

    async def aclose(self) -> None:
        """Close the Redis connections this budget opened."""
        await self._redis.aclose()

    def _on_local(self) -> bool:
        if self._down_until is None:
            return False
        # Ask Redis again now and then; meanwhile stay on the in-process budget.
        return time.monotonic() < self._down_until

    def _went_down(self, error: BaseException) -> None:
        if self._down_until is None:
            logger.warning(
                "Redis is unreachable (%s): pacing on this process's own budget until it is back",
                type(error).__name__,
            )
        self._down_until = time.monotonic() + self._retry_after

    def _came_back(self) -> None:
        if self._down_until is not None:
            self._down_until = None
            logger.warning("Redis is reachable again: the shared rate budget is back in use")

    def _jitter(self) -> float:
        return self._rng.uniform(0.0, self._reset_jitter) if self._reset_jitter > 0 else 0.0

    @staticmethod
    def _since(started: float) -> float:
        return time.monotonic() - started


def _or_minus_one(value: float | None) -> float:
    return -1 if value is None else value


__all__ = ["RedisRateBudget"]
