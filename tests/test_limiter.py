"""The limiter against real loopback servers: concurrency cap, windows, 429 pauses, cancellation."""

from __future__ import annotations

import asyncio
import math
import time

import anyio
from aiohttp import web

from intercom_async import RateLimiter

from .conftest import error_body, make_client, rate_limited, serve


async def test_server_never_sees_more_than_max_concurrency_in_flight() -> None:
    in_flight = 0
    peak = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return web.json_response({"ok": True})

    async with serve(handler) as url, make_client(url, max_concurrency=5) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(client.request, "GET", "/contacts")
    assert peak == 5
    assert client.limiter.borrowed == 0


class WindowedServer:
    """Fixed windows with Intercom's headers: ``limit`` requests per ``window`` seconds."""

    def __init__(self, limit: int, window: int) -> None:
        self.limit = limit
        self.window = window
        self.counts: dict[int, int] = {}
        self.answered_429 = 0
        self.served = 0

    async def handle(self, request: web.Request) -> web.Response:
        now = time.time()
        index = math.floor(now / self.window)
        used = self.counts.get(index, 0) + 1
        self.counts[index] = used
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - used)),
            "X-RateLimit-Reset": str((index + 1) * self.window),
        }
        if used > self.limit:
            self.answered_429 += 1
            return web.json_response(
                error_body("rate_limit_exceeded", "Too many requests"), status=429, headers=headers
            )
        self.served += 1
        return web.json_response({"type": "contact", "id": str(used)}, headers=headers)


async def test_real_shaped_windows_are_used_fully_without_bursting_into_429s() -> None:
    server = WindowedServer(limit=40, window=1)
    total = 400
    async with serve(server.handle) as url, make_client(url, max_concurrency=10) as client:
        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(total):
                tg.start_soon(client.request, "GET", "/contacts/x")
        elapsed = time.monotonic() - started
    ideal = total / server.limit * server.window
    assert server.served == total
    assert server.answered_429 <= total * 0.02
    assert elapsed <= ideal * 1.15, (elapsed, ideal)
    assert max(server.counts.values()) <= server.limit + server.answered_429


async def test_one_429_pauses_every_concurrent_caller_until_reset() -> None:
    arrivals: list[float] = []
    first_429: list[float] = []
    reset_at = float(math.floor(time.time()) + 2)

    async def handler(request: web.Request) -> web.Response:
        now = time.time()
        arrivals.append(now)
        if not first_429:
            first_429.append(now)
            return rate_limited(100, reset_at)
        await asyncio.sleep(0.005)
        return web.json_response({"ok": True})

    async with serve(handler) as url, make_client(url, max_concurrency=4) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(client.request, "GET", "/contacts")
    assert client.stats.rate_limited == 1
    assert len(arrivals) == 21  # 20 calls + the retried one
    late = [t for t in arrivals if t > first_429[0] + 0.05]
    assert late, "callers should have resumed after the reset"
    assert all(t >= reset_at - 0.01 for t in late), "a request went out during the pause"
    assert len(late) >= 16


async def test_cancelled_requests_give_back_every_slot_and_connection() -> None:
    arrived = 0
    transports: list[asyncio.BaseTransport] = []

    async def slow(request: web.Request) -> web.Response:
        nonlocal arrived
        arrived += 1
        if request.transport is not None:
            transports.append(request.transport)
        await asyncio.sleep(5)
        return web.json_response({})

    limiter = RateLimiter(max_concurrency=100)
    async with serve(slow) as url:
        client = make_client(url, limiter=limiter)
        async with client:
            with anyio.move_on_after(5):
                async with anyio.create_task_group() as tg:
                    for _ in range(100):
                        tg.start_soon(client.request, "GET", "/contacts")
                    with anyio.fail_after(5):
                        while arrived < 100:
                            await asyncio.sleep(0.01)
                    assert limiter.borrowed == 100
                    tg.cancel_scope.cancel()
            assert limiter.borrowed == 0
        assert client.session is not None and client.session.closed
        with anyio.fail_after(2):
            while not all(t.is_closing() for t in transports):
                await asyncio.sleep(0.01)
    assert len(transports) == 100


async def test_shared_limiter_caps_two_clients_together() -> None:
    in_flight = 0
    peak = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return web.json_response({})

    shared = RateLimiter(max_concurrency=3)
    async with serve(handler) as url:
        async with make_client(url, limiter=shared) as a, make_client(url, limiter=shared) as b:
            async with anyio.create_task_group() as tg:
                for i in range(30):
                    tg.start_soon((a if i % 2 else b).request, "GET", "/x")
    assert peak == 3
    assert shared.stats.requests == 30


async def test_client_ceiling_spaces_requests() -> None:
    arrivals: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        arrivals.append(time.monotonic())
        return web.json_response({})

    async with serve(handler) as url, make_client(url, rate_ceiling=(5, 0.5)) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(15):
                tg.start_soon(client.request, "GET", "/x")
    arrivals.sort()
    # A burst of 5 is allowed, then one every 0.1 s: the 15th cannot come before ~1.0 s.
    assert arrivals[-1] - arrivals[0] >= 0.9
    assert client.stats.limiter_wait_seconds > 0


async def test_a_free_window_is_granted_at_once_while_others_pass_the_gate() -> None:
    # Found in review: after a cold start queued 49 callers on the gate, every later request
    # saw the gate held and queued too — a convoy that never drained under load and doubled the
    # CPU per point read. A request with nothing to wait for must not queue behind the gate.
    from intercom_async import LocalRateBudget

    budget = LocalRateBudget()
    budget.state.answered = True  # past the cold start: nothing to wait for
    held = asyncio.Event()
    release = asyncio.Event()

    async def pass_through() -> None:
        async with budget._gate:
            held.set()
            await release.wait()

    holder = asyncio.ensure_future(pass_through())
    await held.wait()
    with anyio.fail_after(1):
        await budget.acquire()
    release.set()
    await holder
