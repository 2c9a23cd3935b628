"""Several worker processes against one app's budget: in-process budgets vs one RedisRateBudget.

    python -m bench.multiworker --base URL --requests N [--redis URL --key K]   # one worker

The benchmark (``run``) starts a window-enforcing server (bench._server, its own process), a
redis-server, and the workers; it reports what the server counted per window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ._harness import server


async def _work(args: argparse.Namespace) -> dict[str, Any]:
    from intercom_async import Intercom, RateLimiter

    budget = None
    if args.redis:
        from intercom_async.redis import RedisRateBudget

        budget = RedisRateBudget(args.redis, key=args.key)
    limiter = RateLimiter(max_concurrency=args.concurrency, budget=budget)
    failed = 0
    async with Intercom(
        token="bench", base_url=args.base, limiter=limiter, max_retries=8, max_rate_limit_wait=None
    ) as client:

        async def one(i: int) -> None:
            nonlocal failed
            try:
                await client.contacts.get(f"c{i}")
            except Exception:  # counted: the report says how many failed
                failed += 1

        await asyncio.gather(*(one(i) for i in range(args.requests)))
    if budget is not None:
        await budget.aclose()
    return {"failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=25)
    parser.add_argument("--redis", default="")
    parser.add_argument("--key", default="bench")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_work(args))), flush=True)


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A redis-server on a free port (None when it is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _drain(base: str, workers: int, each: int, redis: str | None) -> dict[str, Any]:
    key = f"bench-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "bench.multiworker", "--base", base, "--requests", str(each)]
    if redis:
        command += ["--redis", redis, "--key", key]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(workers)
    ]
    outputs = [
        json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in processes
    ]
    wall = time.perf_counter() - started
    with urllib.request.urlopen(f"{base}/_stats") as answer:
        stats = json.loads(answer.read())
    return {"wall": wall, "failed": sum(o["failed"] for o in outputs), **stats}


def run(workers: int, each: int, limit: int, seconds: int) -> dict[str, Any]:
    """(a) every worker with its own budget, (b) all sharing one RedisRateBudget."""
    results: dict[str, Any] = {"workers": workers, "each": each, "limit": limit, "seconds": seconds}
    with redis_server() as redis:
        for label, shared in (("own budgets", None), ("one Redis budget", redis)):
            if label == "one Redis budget" and redis is None:
                continue
            with server("--total", "150", "--window", f"{limit}/{seconds}") as base:
                results[label] = _drain(base, workers, each, shared)
        results["overhead"] = asyncio.run(_overhead(redis)) if redis else None
    return results


async def _overhead(redis: str) -> dict[str, float]:
    """Added latency per request of the Redis budget (acquire + record), loopback, µs."""
    from intercom_async import LocalRateBudget
    from intercom_async._sansio import RateLimit
    from intercom_async.redis import RedisRateBudget

    snapshot = RateLimit(limit=10**6, remaining=10**6 - 1, reset_at=time.time() + 60)
    timings: dict[str, list[float]] = {}
    shared = RedisRateBudget(redis, key=f"overhead-{uuid.uuid4().hex[:8]}")
    for name, budget in (("local", LocalRateBudget()), ("redis", shared)):
        series = timings[name] = []
        for _ in range(2_000):
            started = time.perf_counter()
            ticket = await budget.acquire()  # type: ignore[attr-defined]
            await budget.record(ticket, snapshot, status=200)  # type: ignore[attr-defined]
            series.append((time.perf_counter() - started) * 1e6)
    await shared.aclose()
    added = sorted(r - statistics.median(timings["local"]) for r in timings["redis"])
    return {
        "p50": added[len(added) // 2],
        "p99": added[int(len(added) * 0.99)],
        "local_p50": statistics.median(timings["local"]),
    }


if __name__ == "__main__":
    main()
