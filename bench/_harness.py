"""Shared benchmark plumbing: a server subprocess, CPU/RSS measurement, medians."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from aiohttp import web


@contextlib.contextmanager
def server(*args: str, module: str = "bench._server") -> Iterator[str]:
    """Start a benchmark server (``module``) in another process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def serve_until_killed(app: web.Application) -> None:
    """Serve ``app`` on a free loopback port, announced as ``PORT <n>`` on standard output."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


def rss_peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_now_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    # Linux: writing 5 resets the peak RSS (VmHWM) to the current RSS.
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


@dataclass
class Run:
    name: str
    items: int
    wall: float
    cpu: float
    rss_growth_mb: float

    @property
    def cpu_us_per_item(self) -> float:
        return self.cpu / max(self.items, 1) * 1e6

    @property
    def items_per_second(self) -> float:
        return self.items / self.wall if self.wall else 0.0


async def measure(name: str, job: Callable[[], Awaitable[int]]) -> Run:
    _reset_peak()
    before = rss_now_kib()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    items = await job()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    growth = max(0, rss_peak_kib() - before) / 1024
    return Run(name, items, wall, cpu, growth)


def median_run(runs: list[Run]) -> Run:
    return Run(
        runs[0].name,
        runs[0].items,
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.rss_growth_mb for r in runs),
    )


def best_run(runs: list[Run]) -> Run:
    """The least CPU of the repetitions: on a shared machine noise only ever adds time."""
    return min(runs, key=lambda r: r.cpu)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}"
