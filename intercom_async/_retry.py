"""Which failures are retried, and how long to wait: built on the ``backoff`` package.

Rules (see docs/architecture.md):
- a 429 is retried for any method: Intercom did not process the request;
- 5xx, timeouts and dropped connections are retried only for idempotent operations;
- a connection that failed before the request was sent is retried for any method;
- everything else (4xx, decode errors, a limiter wait that would be too long) is final;
- a ``Retry-After`` the server sent is honoured (up to ``RETRY_AFTER_CAP`` seconds);
- the whole retrying ends at the call's deadline: ``max_retry_time`` after the call began, or
  the call's own ``deadline``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

import anyio
import backoff

from .errors import (
    APIConnectionError,
    APIStatusError,
    DecodeError,
    InternalServerError,
    RateLimitError,
    RateLimitWaitTooLong,
    ResponseTooLargeError,
)

logger = logging.getLogger("intercom_async")

T = TypeVar("T")

RETRYABLE_5XX = frozenset({500, 502, 503, 504})
RETRY_AFTER_CAP = 60.0


class DeadlineExceeded(Exception):
    """Internal: the call's deadline passed; ``interrupted``: it cut an attempt short."""

    def __init__(self, last_error: BaseException | None, *, interrupted: bool) -> None:
        super().__init__("deadline exceeded")
        self.last_error = last_error
        self.interrupted = interrupted


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    if isinstance(error, (RateLimitWaitTooLong, ResponseTooLargeError)):
        return False
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, InternalServerError):
        return idempotent and error.status in RETRYABLE_5XX
    if isinstance(error, APIConnectionError):
        return idempotent or not error.request_sent
    if isinstance(error, DecodeError):
        # A 2xx whose body is empty, cut short or not the object (Intercom sends these now and
        # then): the same request answers properly when sent again.
        return idempotent and error.status is not None and 200 <= error.status < 300
    return False


def _waits(base: float, cap: float) -> Generator[float, BaseException | None, None]:
    """Exponential waits; 0 after a 429 that paused the limiter (the pause is the wait)."""
    error = yield 0.0
    attempt = 0
    while True:
        if isinstance(error, RateLimitError) and error.paused_all:
            error = yield 0.0
            continue
        # Full jitter, applied here rather than by backoff so that Retry-After stays a floor.
        delay = random.uniform(0.0, min(cap, base * 2**attempt))
        attempt += 1
        retry_after = error.retry_after if isinstance(error, APIStatusError) else None
        if retry_after is not None:
            delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
        error = yield delay


class _Replay:
    """Feeds backoff the failure of the first attempt, which already ran outside it, and
    remembers the last failure and whether an attempt is running (for deadline reports)."""

    __slots__ = ("attempt", "last_error", "pending", "running")

    def __init__(
        self, attempt: Callable[[], Awaitable[Any]], pending: BaseException | None
    ) -> None:
        self.attempt = attempt
        self.pending = pending
        self.last_error: BaseException | None = pending
        self.running = False


async def _run(replay: _Replay) -> Any:
    if replay.pending is not None:
        error, replay.pending = replay.pending, None
        raise error
    replay.running = True
    try:
        result = await replay.attempt()
    except Exception as error:
        replay.running = False
        replay.last_error = error
        raise
    # A cancellation (the deadline) leaves ``running`` set: the attempt was cut short.
    replay.running = False
    return result


class RetryPolicy:
    """Runs attempts with retries; one per client.

    The ``backoff`` wrapper is built once per (idempotent, max_retries) pair and reused, so a
    request pays for a dictionary lookup rather than a new decorator.
    """

    def __init__(
        self,
        *,
        max_time: float,
        base: float = 0.5,
        cap: float = 8.0,
        on_retry: Callable[[int, BaseException, float], None] | None = None,
    ) -> None:
        self.max_time = max_time
        self.base = base
        self.cap = cap
        self.on_retry = on_retry
        self._runners: dict[tuple[bool, int], Callable[..., Awaitable[Any]]] = {}

    async def run(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        idempotent: bool,
        max_retries: int,
        deadline_at: float | None = None,
        whole_call: bool = False,
    ) -> T:
        """Run ``attempt`` with up to ``max_retries`` retries for the failures that allow one.

        ``deadline_at`` (``time.monotonic()``) ends the retrying; with ``whole_call`` it bounds
        the first attempt too. Past it, ``DeadlineExceeded`` carries the last failure.
        """
        if whole_call and deadline_at is not None:
            return await self._bounded(attempt, idempotent, max_retries, deadline_at)
        # Most calls succeed first time: they skip the backoff and deadline machinery entirely.
        try:
            return await attempt()
        except (APIStatusError, APIConnectionError, DecodeError) as error:
            if max_retries <= 0 or not is_retryable(error, idempotent=idempotent):
                raise
            first_failure: BaseException = error
        replay = _Replay(attempt, first_failure)
        if deadline_at is None:
            return await self._runner(idempotent, max_retries)(replay)  # type: ignore[no-any-return]
        return await self._bounded(replay, idempotent, max_retries, deadline_at)

    async def _bounded(
        self,
        work: Callable[[], Awaitable[T]] | _Replay,
        idempotent: bool,
        max_retries: int,
        deadline_at: float,
    ) -> T:
        replay = work if isinstance(work, _Replay) else _Replay(work, None)
        left = deadline_at - time.monotonic()
        with anyio.move_on_after(max(left, 0.0)):
            try:
                result: T = await self._runner(idempotent, max_retries)(replay)
                return result
            except (APIStatusError, APIConnectionError, DecodeError) as error:
                replay.last_error = error
                raise
        raise DeadlineExceeded(replay.last_error, interrupted=replay.running)

    def _runner(self, idempotent: bool, max_retries: int) -> Callable[..., Awaitable[Any]]:
        key = (idempotent, max_retries)
        runner = self._runners.get(key)
        if runner is None:
            runner = self._runners[key] = self._build(idempotent, max_retries)
        return runner

    def _build(self, idempotent: bool, max_retries: int) -> Callable[..., Awaitable[Any]]:
        on_retry = self.on_retry

        def log_retry(details: Any) -> None:
            error = details["exception"]
            logger.debug(
                "retry %d/%d in %.2fs after %s",
                details["tries"],
                max_retries,
                details["wait"],
                error.status if isinstance(error, APIStatusError) else type(error).__name__,
            )
            if on_retry is not None:
                on_retry(details["tries"], error, details["wait"])

        wrapped: Callable[..., Awaitable[Any]] = backoff.on_exception(
            _waits,
            (APIStatusError, APIConnectionError, DecodeError),
            max_tries=max_retries + 1,
            max_time=self.max_time,
            giveup=lambda error: not is_retryable(error, idempotent=idempotent),
            on_backoff=log_retry,
            jitter=None,
            logger=None,
            base=self.base,
            cap=self.cap,
        )(_run)
        return wrapped
