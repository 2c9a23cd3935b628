"""Run many calls under the client's limiter and collect each one's result or error.

    async for outcome in bulk_map(lambda c: client.contacts.update(c, name="x"), ids):
        if not outcome.ok:
            log(outcome.input, outcome.error)

Results come back as they finish (not in input order); one failure never stops the rest. The
client's limiter still bounds the requests in flight; ``concurrency`` bounds how many calls are
started ahead of it (so a million inputs do not become a million tasks).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[In, Out]):
    """One call's input and either its value or the exception it raised."""

    input: In
    value: Out | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when the call returned a value."""
        return self.error is None


async def bulk_map(
    call: Callable[[In], Awaitable[Out]],
    inputs: Iterable[In],
    *,
    concurrency: int = 64,
) -> AsyncIterator[Outcome[In, Out]]:
    """Yield an ``Outcome`` per input as calls finish; pending calls are cancelled on exit."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")

    async def run(item: In) -> Outcome[In, Out]:
        try:
            return Outcome(item, value=await call(item))
        except Exception as error:  # every failure is reported; none stops the rest
            return Outcome(item, error=error)

    source = iter(inputs)
    running: set[asyncio.Task[Outcome[In, Out]]] = set()
    try:
        for item in source:
            running.add(asyncio.ensure_future(run(item)))
            if len(running) >= concurrency:
                break
        while running:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
                following = next(source, _END)
                if following is not _END:
                    running.add(asyncio.ensure_future(run(following)))  # type: ignore[arg-type]
    finally:
        for task in running:
            task.cancel()
        for task in running:
            with suppress(asyncio.CancelledError):
                await task


_END = object()


async def bulk_collect(
    call: Callable[[In], Awaitable[Out]], inputs: Iterable[In], *, concurrency: int = 64
) -> tuple[list[Outcome[In, Out]], list[Outcome[In, Out]]]:
    """All outcomes, split into (succeeded, failed)."""
    succeeded: list[Outcome[In, Out]] = []
    failed: list[Outcome[In, Out]] = []
    async for outcome in bulk_map(call, inputs, concurrency=concurrency):
        (succeeded if outcome.ok else failed).append(outcome)
    return succeeded, failed


__all__ = ["Outcome", "bulk_collect", "bulk_map"]
