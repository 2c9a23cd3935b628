"""Under faults the client loses nothing, duplicates nothing and leaks nothing."""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from bench.soak import run_soak
from intercom_async.testing import FakeIntercom

from .test_pagination import library_tasks

# Clients of the fake run over loopback HTTP and in process alike.
pytestmark = pytest.mark.usefixtures("fake_transport")


async def test_short_soak_every_item_exactly_once_and_no_duplicate_creates() -> None:
    report = await run_soak(
        contacts=3000, companies=800, writes=300, fault_rate=0.08, timeout=0.5, seed=11
    )
    assert report.contacts_received == 3000 and report.contacts_lost == 0
    assert report.contacts_duplicated == 0
    assert report.companies_received == 800 and report.companies_lost == 0
    assert report.companies_duplicated == 0
    assert report.faults_injected > 0 and report.retries > 0
    assert report.stored_duplicates == 0
    assert report.creates_confirmed + report.creates_outcome_unknown == report.creates
    assert report.creates_failed_otherwise == 0
    assert report.updates_succeeded == report.updates
    assert report.leaked_slots == 0


async def test_a_thousand_random_cancellations_leak_nothing() -> None:
    rng = random.Random(5)
    async with FakeIntercom() as fake:
        fake.seed(contacts=600)
        fake.record_requests = False
        fake.inject(latency=0.004, method="GET")
        # About sockets: always over loopback.
        client = fake.client(max_concurrency=8, in_process=False)
        async with client:

            async def work(kind: int) -> None:
                if kind == 0:
                    await client.contacts.get(next(iter(fake.store.contacts)))
                elif kind == 1:
                    async for _ in client.contacts.list(per_page=50, prefetch=2):
                        pass
                else:
                    await client.contacts.update(next(iter(fake.store.contacts)), name="x")

            cancelled = 0
            for _ in range(1000):
                task = asyncio.ensure_future(work(rng.randrange(3)))
                await asyncio.sleep(rng.random() * 0.006)
                if not task.done():
                    task.cancel()
                    cancelled += 1
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            assert cancelled > 500
            assert client.limiter.borrowed == 0
            assert library_tasks() == []
            assert fake.open_connections > 0
        assert client.session is not None and client.session.closed
        for _ in range(200):  # bounded: the server notices the closed sockets within ms
            if fake.open_connections == 0:
                break
            await asyncio.sleep(0.01)
        assert fake.open_connections == 0
