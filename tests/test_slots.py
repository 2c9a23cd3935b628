"""The limiter's in-flight slots: first come first served, and no slot lost to a cancellation."""

from __future__ import annotations

import asyncio
import random

from intercom_async._limiter import _Slots


async def test_waiters_are_served_in_arrival_order() -> None:
    slots = _Slots(1)
    assert slots.take_nowait()
    order: list[int] = []

    async def wait(i: int) -> None:
        await slots.take()
        order.append(i)

    tasks = [asyncio.ensure_future(wait(i)) for i in range(5)]
    await asyncio.sleep(0)
    assert not slots.take_nowait()  # a newcomer never jumps the queue
    for _ in range(5):
        slots.release()
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    slots.release()
    assert slots.held == 0


async def test_a_waiter_cancelled_after_being_handed_a_slot_passes_it_on() -> None:
    slots = _Slots(1)
    assert slots.take_nowait()
    first = asyncio.ensure_future(slots.take())
    second = asyncio.ensure_future(slots.take())
    await asyncio.sleep(0)
    slots.release()  # handed to `first`, which is cancelled before it runs
    first.cancel()
    await asyncio.sleep(0)
    await asyncio.wait_for(second, 1)
    assert slots.held == 1
    slots.release()
    assert slots.held == 0


async def test_random_cancellations_leave_no_slot_held() -> None:
    slots = _Slots(3)
    rng = random.Random(5)

    async def use() -> None:
        await slots.take()
        try:
            await asyncio.sleep(rng.random() / 500)
        finally:
            slots.release()

    tasks = [asyncio.ensure_future(use()) for _ in range(300)]
    for task in rng.sample(tasks, 120):
        await asyncio.sleep(rng.random() / 1000)
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert slots.held == 0
    assert slots.take_nowait()
