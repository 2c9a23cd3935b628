"""RedisRateBudget (issue 17): one budget for many processes, against a real redis-server.

Worker processes are real subprocesses (tests/redis_worker.py); the rate windows are enforced
by a loopback server in this process that counts every window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from intercom_async import Intercom, RateLimiter
from intercom_async._sansio import RateLimit
from intercom_async.redis import RedisRateBudget

from .conftest import error_body, rate_limited, serve
from .redis_support import RedisServer, WindowServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """The Redis .ci/run started (INTERCOM_ASYNC_REDIS_URL), else one of our own."""
    given = os.environ.get("INTERCOM_ASYNC_REDIS_URL")
    if given:
        yield RedisServer.at(given)
        return
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def key() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def budget(redis_server: RedisServer, key: str) -> AsyncIterator[RedisRateBudget]:
    shared = RedisRateBudget(redis_server.url, key=key, reset_jitter=0.0)
    try:
        yield shared
    finally:
        await shared.aclose()


async def spawn(redis_url: str, key: str, base: str, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.redis_worker",
        "--redis",
        redis_url,
        "--key",
        key,
        "--base",
        base,
        *extra,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def result_of(process: asyncio.subprocess.Process, timeout: float = 90) -> dict[str, Any]:
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, err.decode()[-2000:]
    parsed: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return parsed


async def ready(process: asyncio.subprocess.Process) -> None:
    assert process.stderr is not None
    line = await asyncio.wait_for(process.stderr.readline(), 30)
    assert b"READY" in line, line


# -- the rules, in one process -----------------------------------------------------------------


def window(remaining: int, reset_in: float, limit: int = 100) -> RateLimit:
    return RateLimit(limit=limit, remaining=remaining, reset_at=time.time() + reset_in)


async def test_a_known_window_lets_requests_go_at_once(budget: RedisRateBudget) -> None:
    first = await budget.acquire()
    await budget.record(first, window(90, 10), status=200)
    started = time.monotonic()
    tickets = [await budget.acquire() for _ in range(20)]
    assert time.monotonic() - started < 1.0
    assert tickets == sorted(tickets) and len(set(tickets)) == 20


async def test_an_exhausted_window_waits_for_its_reset_bounded(budget: RedisRateBudget) -> None:
    first = await budget.acquire()
    await budget.record(first, window(0, 1.5), status=200)
    from intercom_async import RateLimitWaitTooLong

    with pytest.raises(RateLimitWaitTooLong):
        await budget.acquire(max_wait=0.2)
    started = time.monotonic()
    await budget.acquire(max_wait=5)
    assert 1.0 < time.monotonic() - started < 3.0


async def test_a_header_never_raises_the_budget_above_what_the_server_said(
    budget: RedisRateBudget, redis_server: RedisServer, key: str
) -> None:
    tickets = [await budget.acquire() for _ in range(5)]
    # The answer to the first says 50 left; four more went out after it, so 46 are left.
    await budget.record(tickets[0], window(50, 20), status=200)
    # A late answer of the same window that says more is left does not raise it.
    await budget.record(tickets[1], window(80, 20), status=200)
    import redis.asyncio as aioredis

    raw = aioredis.from_url(redis_server.url)
    remaining = float(await raw.hget(f"{key}:budget", "remaining"))
    await raw.aclose()
    assert remaining == 46


async def test_two_budgets_share_one_ceiling(redis_server: RedisServer, key: str) -> None:
    budgets = [
        RedisRateBudget(redis_server.url, key=key, ceiling=(10, 1.0), reset_jitter=0.0)
        for _ in range(2)
    ]
    try:
        first = await budgets[0].acquire()
        await budgets[0].record(first, None, status=200)
        started = time.monotonic()
        granted = 0
        while time.monotonic() - started < 1.0:
            await budgets[granted % 2].acquire()
            granted += 1
        # One shared GCRA: at most a burst of 10 plus 10 per second, not 10 each.
        assert granted <= 22
    finally:
        for one in budgets:
            await one.aclose()


async def test_a_job_concurrency_429_pauses_nobody(budget: RedisRateBudget) -> None:
    first = await budget.acquire()
    paused = await budget.record(first, window(900, 10, limit=1000), status=429)
    assert paused is False
    started = time.monotonic()
    await budget.acquire()
    assert time.monotonic() - started < 0.5


# -- many processes ------------------------------------------------------------------------------


async def test_four_processes_share_one_budget(redis_server: RedisServer, key: str) -> None:
    server = WindowServer(limit=60, seconds=2)
    async with serve(server.handle) as url:
        workers = [
            await spawn(redis_server.url, key, url, "--requests", "60", "--concurrency", "10")
            for _ in range(4)
        ]
        results = [await result_of(w) for w in workers]
    assert [r["ok"] for r in results] == [60] * 4
    assert max(server.windows.values()) <= 60, dict(server.windows)
    assert server.rejected == 0


async def test_a_429_in_one_process_pauses_the_others(redis_server: RedisServer, key: str) -> None:
    state: dict[str, Any] = {"served": 0, "pause": None}
    arrivals: list[float] = []

    async def handle(request: web.Request) -> web.Response:
        now = time.time()
        arrivals.append(now)
        state["served"] += 1
        if state["served"] == 40 and state["pause"] is None:
            reset = math.ceil(now) + 2
            state["pause"] = (now, reset)
            return rate_limited(1000, reset)
        await asyncio.sleep(0.02)
        return web.json_response({"type": "contact", "id": "x"})

    async with serve(handle) as url:
        workers = [
            await spawn(redis_server.url, key, url, "--requests", "150", "--concurrency", "4")
            for _ in range(4)
        ]
        results = [await result_of(w) for w in workers]
    assert sum(r["ok"] for r in results) == 600
    paused_at, reset = state["pause"]
    # Requests already on their way may land just after the 429; nothing else until the reset.
    during = [t for t in arrivals if paused_at + 0.2 < t < reset - 0.05]
    assert during == []
    assert sum(1 for t in arrivals if t >= reset - 0.05) > 0


async def test_a_killed_process_holds_nothing(redis_server: RedisServer, key: str) -> None:
    server = WindowServer(limit=1000, seconds=2, latency=0.3)
    async with serve(server.handle) as url:
        doomed = await spawn(redis_server.url, key, url, "--requests", "500", "--concurrency", "8")
        await ready(doomed)
        await asyncio.sleep(1.0)  # its requests are in flight
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()
        killed_at = time.time()
        others = [
            await spawn(redis_server.url, key, url, "--requests", "30", "--concurrency", "5")
            for _ in range(3)
        ]
        results = [await result_of(w) for w in others]
    assert [r["ok"] for r in results] == [30, 30, 30]
    after = [t for t in server.arrivals if t > killed_at]
    assert after and after[0] - killed_at < 2.0 + 1.5  # within one window (plus start-up)


async def test_redis_stopping_and_coming_back(caplog: pytest.LogCaptureFixture, key: str) -> None:
    redis = RedisServer().start()
    server = WindowServer(limit=10_000, seconds=10)
    caplog.set_level(logging.WARNING, "intercom_async")
    budget = RedisRateBudget(redis.url, key=key, retry_redis_after=0.3)
    try:
        async with serve(server.handle) as url:
            limiter = RateLimiter(max_concurrency=5, budget=budget)
            async with Intercom(token="t", base_url=url, limiter=limiter) as client:
                await asyncio.gather(*(client.contacts.get(f"a{i}") for i in range(20)))
                assert budget.shared
                redis.stop()
                await asyncio.gather(*(client.contacts.get(f"b{i}") for i in range(30)))
                assert not budget.shared
                redis.start()
                await asyncio.sleep(0.4)
                await asyncio.gather(*(client.contacts.get(f"c{i}") for i in range(20)))
                assert budget.shared
    finally:
        await budget.aclose()
        redis.stop()
    assert server.served == 70
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("unreachable" in w for w in warnings) == 1
    assert sum("reachable again" in w for w in warnings) == 1


async def test_a_process_whose_clock_is_two_minutes_off_paces_like_the_others(
    redis_server: RedisServer, key: str
) -> None:
    server = WindowServer(limit=40, seconds=2)
    async with serve(server.handle) as url:
        workers = [
            await spawn(
                redis_server.url,
                key,
                url,
                "--requests",
                "40",
                "--concurrency",
                "8",
                *({0: ["--skew", "120"], 1: ["--skew", "-120"]}.get(i, [])),
            )
            for i in range(4)
        ]
        results = [await result_of(w) for w in workers]
    assert [r["ok"] for r in results] == [40] * 4
    # A clock ahead would read every reset as past (bursts, 429s); one behind would wait out
    # a reset two minutes away. Neither: the windows hold, and nobody waits longer.
    assert max(server.windows.values()) <= 40, dict(server.windows)
    assert server.rejected == 0
    walls = [r["wall"] for r in results]
    assert max(walls[:2]) <= max(walls[2:]) + 2.5, walls


class OneScrollPerApp:
    """Companies scroll as Intercom runs it, for several clients at once: scroll_exists while
    another scroll is open; counts every scroll_exists and every overlap."""

    def __init__(self, total: int, per_page: int = 50) -> None:
        self.total = total
        self.per_page = per_page
        self.open: str | None = None
        self.positions: dict[str, int] = {}
        self.refused = 0
        self.scrolls = 0

    async def handle(self, request: web.Request) -> web.Response:
        await asyncio.sleep(0.01)
        param = request.query.get("scroll_param")
        if param is None:
            if self.open is not None:
                self.refused += 1
                return web.json_response(
                    error_body("scroll_exists", "scroll already exists for this app"), status=400
                )
            self.scrolls += 1
            param = self.open = f"s{self.scrolls}"
            self.positions[param] = 0
        start = self.positions[param]
        data = [{"type": "company", "id": str(i)} for i in range(start, start + self.per_page)]
        data = [c for c in data if int(c["id"]) < self.total]
        self.positions[param] = start + len(data)
        if not data:
            self.open = None
        body = {"type": "list", "data": data, "pages": None, "scroll_param": param}
        return web.json_response(body)


async def test_two_processes_scroll_one_at_a_time(redis_server: RedisServer, key: str) -> None:
    server = OneScrollPerApp(400)
    async with serve(server.handle) as url:
        workers = [await spawn(redis_server.url, key, url, "--scroll") for _ in range(2)]
        results = [await result_of(w) for w in workers]
    for result in results:
        assert result["items"] == [str(i) for i in range(400)]
    assert server.scrolls == 2
    assert server.refused == 0  # the shared lock kept them apart; nobody met scroll_exists
