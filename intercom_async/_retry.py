"""Which failures are retried, and how long to wait: built on the ``backoff`` package.

Rules (see docs/architecture.md):
- a 429 is retried for any method: Intercom did not process the request;
- 5xx, timeouts and dropped connections are retried only for idempotent operations;
- a connection that failed before the request was sent is retried for any method;
- everything else (4xx, decode errors) is final.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

import backoff

from .errors import APIConnectionError, APIStatusError, InternalServerError, RateLimitError

logger = logging.getLogger("intercom_async")

T = TypeVar("T")

RETRYABLE_5XX = frozenset({500, 502, 503, 504})


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, InternalServerError):
        return idempotent and error.status in RETRYABLE_5XX
    if isinstance(error, APIConnectionError):
        return idempotent or not error.request_sent
    return False


def _waits(base: float, cap: float) -> Generator[float, BaseException | None, None]:
    """Exponential waits; 0 after a 429 that paused the limiter (the pause is the wait)."""
    error = yield 0.0
    attempt = 0
    while True:
        if isinstance(error, RateLimitError) and error.paused_all:
            error = yield 0.0
            continue
        delay = min(cap, base * 2**attempt)
        attempt += 1
        error = yield delay


class _Replay:
    """Feeds backoff the failure of the first attempt, which already ran outside it."""

    __slots__ = ("attempt", "pending")

    def __init__(self, attempt: Callable[[], Awaitable[Any]], pending: BaseException) -> None:
        self.attempt = attempt
        self.pending: BaseException | None = pending


async def _run(replay: _Replay) -> Any:
    if replay.pending is not None:
        error, replay.pending = replay.pending, None
        raise error
    return await replay.attempt()


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
        self, attempt: Callable[[], Awaitable[T]], *, idempotent: bool, max_retries: int
    ) -> T:
        """Run ``attempt`` with up to ``max_retries`` retries for the failures that allow one."""
        # Most calls succeed first time: they skip the backoff machinery entirely.
        try:
            return await attempt()
        except (APIStatusError, APIConnectionError) as error:
            if max_retries <= 0 or not is_retryable(error, idempotent=idempotent):
                raise
            first_failure: BaseException = error
        key = (idempotent, max_retries)
        runner = self._runners.get(key)
        if runner is None:
            runner = self._runners[key] = self._build(idempotent, max_retries)
        result: T = await runner(_Replay(attempt, first_failure))
        return result

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
            (APIStatusError, APIConnectionError),
            max_tries=max_retries + 1,
            max_time=self.max_time,
            giveup=lambda error: not is_retryable(error, idempotent=idempotent),
            on_backoff=log_retry,
            jitter=backoff.full_jitter,
            logger=None,
            base=self.base,
            cap=self.cap,
        )(_run)
        return wrapped
