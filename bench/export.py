"""Export benchmark: one sequential search stream against partitioned export, on a search
server with Intercom's page latency and rate window (bench/_search_server.py), then an
incremental run after updates spread over the day of the last sync.

    uv run python -m bench.export [--total 200000 --latency 0.25 --window 1666/10]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import aiohttp

from intercom_async import Intercom
from intercom_async.sync import Export, SyncState
from intercom_async.sync._partitions import pages_for

from ._harness import server

DAY = 86_400


@contextmanager
def search_server(total: int, latency: float, window: str) -> Iterator[str]:
    args = ("--total", str(total), "--latency", str(latency), "--window", window)
    with server(*args, module="bench._search_server") as url:
        yield url


async def _run(url: str, total: int, **options: Any) -> tuple[dict[str, Any], Export, Counter[str]]:
    async with Intercom(
        token="bench", base_url=url, max_rate_limit_wait=120, max_concurrency=64
    ) as client:
        export = Export(client, "contacts", **options)
        started = time.perf_counter()
        plan = await export.start()
        seen: Counter[str] = Counter()
        async for batch in export:
            seen.update(str(item["id"]) for item in batch.items)
        wall = time.perf_counter() - started
        stats = client.stats
    result = {
        "wall": wall,
        "requests": stats.requests,
        "rate_limited": stats.rate_limited,
        "partitions": len(plan.partitions) if plan else 1,
        "items": sum(seen.values()),
        "lost": total - len(seen) if total else 0,
        "duplicated": sum(n - 1 for n in seen.values() if n > 1),
        "longest_chain": max(
            (pages_for(p.count or 0, 150) for p in (plan.partitions if plan else [])), default=0
        ),
    }
    return result, export, seen


async def _touch(url: str, ids: list[str], stamps: list[int]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/_touch", json={"ids": ids, "updated_at": stamps}) as answer,
    ):
        answer.raise_for_status()


def run(total: int, latency: float, window: str, sequential: bool = True) -> dict[str, Any]:
    limit, seconds = (int(x) for x in window.split("/"))
    per_second = limit / seconds
    results: dict[str, Any] = {"total": total, "latency": latency, "window": window}
    with search_server(total, latency, window) as url, TemporaryDirectory() as folder:
        if sequential:
            results["sequential"], _, _ = asyncio.run(_run(url, total, partitions=1))
        state = SyncState.load(Path(folder) / "state.json")
        partitioned, export, seen = asyncio.run(_run(url, total, state=state))
        export.finish()
        chain = partitioned["longest_chain"]
        partitioned["floor"] = max(partitioned["requests"] / per_second, chain * latency)
        results["partitioned"] = partitioned
        # 1,000 contacts change across the workspace day of that sync, some later that day.
        rng = random.Random(9)
        touched = rng.sample(sorted(seen), 1_000)
        sync_day_start = export.started_at - (export.started_at - 5 * 3600) % DAY
        stamps = [sync_day_start + rng.randrange(0, DAY) for _ in touched]
        asyncio.run(_touch(url, touched, stamps))
        again = SyncState.load(state.path)
        incremental, _, found = asyncio.run(
            _run(url, 0, state=again, now=lambda: export.started_at + DAY)
        )
        incremental["changed"] = len(touched)
        incremental["found_changed"] = len(set(found) & set(touched))
        incremental["unchanged_emitted"] = len(set(found) - set(touched))
        results["incremental"] = incremental
    return results


def render(results: dict[str, Any]) -> str:
    part = results["partitioned"]
    out = [
        "",
        f"## 9. Export: {results['total']:,} contacts, {results['latency'] * 1000:.0f} ms per page,"
        f" {results['window']} requests per window",
        "",
        "A search server (`bench/_search_server.py`) matching dates by day in a timezone the"
        " client is not told, a third of the contacts imported on one day.",
        "",
        "| export | partitions | wall s | requests | 429s | lost | duplicated |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    sequential = results.get("sequential")
    for name, row in (("sequential (one stream)", sequential), ("partitioned", part)):
        if row is None:
            continue
        out.append(
            f"| {name} | {row['partitions']} | {row['wall']:.1f} | {row['requests']:,} |"
            f" {row['rate_limited']} | {row['lost']} | {row['duplicated']} |"
        )
    out.append("")
    if sequential:
        out.append(
            f"- partitioned is {sequential['wall'] / part['wall']:.1f}× faster than one stream"
        )
    out.append(
        f"- the floor set by the budget and latency is {part['floor']:.1f} s; partitioned took"
        f" {part['wall'] / part['floor']:.2f}× it"
    )
    inc = results["incremental"]
    out.append(
        f"- incremental run after {inc['changed']:,} updates over the last sync's day: found"
        f" {inc['found_changed']:,} of them, emitted {inc['unchanged_emitted']} unchanged ones,"
        f" {inc['requests']} requests, {inc['wall']:.1f} s"
    )
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--window", default="1666/10")
    parser.add_argument("--no-sequential", action="store_true")
    args = parser.parse_args()
    print(render(run(args.total, args.latency, args.window, not args.no_sequential)))
