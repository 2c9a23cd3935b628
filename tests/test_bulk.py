from __future__ import annotations

import asyncio

import pytest

from intercom_async import NotFoundError
from intercom_async.bulk import bulk_collect, bulk_map
from intercom_async.testing import FakeIntercom

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


async def test_bulk_map_collects_every_outcome_without_stopping() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        fake.seed(contacts=30)
        ids = [*list(fake.store.contacts)[:20], "missing-1", "missing-2"]

        async def rename(contact_id: str) -> str:
            contact = await client.contacts.update(contact_id, name=f"n-{contact_id}")
            return str(contact.id)

        succeeded, failed = await bulk_collect(rename, ids, concurrency=5)
    assert sorted(o.value for o in succeeded if o.value) == sorted(ids[:20])
    # Outcomes arrive as calls finish, so compare without order.
    assert sorted(o.input for o in failed) == ["missing-1", "missing-2"]
    assert all(isinstance(o.error, NotFoundError) for o in failed)
    assert all(fake.store.contacts[i]["name"] == f"n-{i}" for i in ids[:20])


async def test_bulk_map_bounds_started_calls_and_cancels_the_rest_on_exit() -> None:
    running = 0
    peak = 0
    started = 0

    async def slow(n: int) -> int:
        nonlocal running, peak, started
        started += 1
        running += 1
        peak = max(peak, running)
        try:
            await asyncio.sleep(0.01 if n < 10 else 10)
            return n
        finally:
            running -= 1

    results = []
    stream = bulk_map(slow, range(1000), concurrency=8)
    async for outcome in stream:
        results.append(outcome.value)
        if len(results) == 5:
            break
    await stream.aclose()
    assert peak <= 8 and started < 20
    assert running == 0


async def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        async for _ in bulk_map(asyncio.sleep, [1], concurrency=0):
            pass
