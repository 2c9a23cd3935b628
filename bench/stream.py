"""Streaming N contacts (150 per page) from a loopback server in another process.

    uv run python -m bench.stream [--total 100000] [--repeat 3]

Client CPU per contact for intercom-async against a bare aiohttp + msgspec loop decoding into
the same generated models, in the same run, and peak RSS growth while streaming.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys

import aiohttp

from intercom_async import Intercom
from intercom_async._decode import decoder_for
from intercom_async.operations import OPERATIONS

from ._harness import (
    Run,
    best_run,
    machine,
    measure,
    median_run,
    rss_now_kib,
    rss_peak_kib,
    server,
)


async def bare_loop(url: str) -> int:
    decoder = decoder_for(OPERATIONS["contacts.list"].response_type)
    headers = {
        "Authorization": "Bearer bench",
        "Accept": "application/json",
        "Intercom-Version": "2.16",
    }
    count = 0
    async with aiohttp.ClientSession() as session:
        cursor: str | None = None
        while True:
            params = {"per_page": "150"} | ({"starting_after": cursor} if cursor else {})
            async with session.get(f"{url}/contacts", params=params, headers=headers) as resp:
                page = decoder.decode(await resp.read())
            for contact in page.data or []:
                if contact is not None:
                    count += 1
            following = page.pages.next if page.pages else None
            cursor = getattr(following, "starting_after", None)
            if not cursor:
                return count


async def library(url: str, prefetch: int = 1) -> int:
    count = 0
    async with Intercom(token="bench", base_url=url) as client:
        async for _contact in client.contacts.list(per_page=150, prefetch=prefetch):
            count += 1
    return count


async def run(total: int, repeat: int, latency: float = 0.0) -> tuple[list[Run], list[Run]]:
    args = ["--total", str(total), "--latency", str(latency)]
    bare: list[Run] = []
    ours: list[Run] = []
    with server(*args) as url:
        await library(url)  # warm up imports, decoders and the server's page cache
        for _ in range(repeat):
            bare.append(await measure("bare aiohttp + msgspec", lambda: bare_loop(url)))
            ours.append(await measure("intercom-async", lambda: library(url)))
    return bare, ours


def report(bare_runs: list[Run], our_runs: list[Run], bare_rss: float, our_rss: float) -> str:
    header = f"{'client':<24} {'items':>8} {'wall s':>8} {'CPU µs/item (median, best)':>28}"
    rows = [header + f" {'peak RSS +MB':>13}"]
    for runs, rss in ((bare_runs, bare_rss), (our_runs, our_rss)):
        med, best = median_run(runs), best_run(runs)
        cpu = f"{med.cpu_us_per_item:.2f}, {best.cpu_us_per_item:.2f}"
        rows.append(f"{med.name:<24} {med.items:>8} {med.wall:>8.2f} {cpu:>28} {rss:>13.1f}")
    median_ratio = median_run(our_runs).cpu / median_run(bare_runs).cpu
    best_ratio = best_run(our_runs).cpu / best_run(bare_runs).cpu
    rows.append(
        f"CPU per contact, intercom-async / bare: {best_ratio:.2f}x best, "
        f"{median_ratio:.2f}x median (target <= 1.3x)"
    )
    ours = median_run(our_runs)
    ours.rss_growth_mb = our_rss
    rows.append(f"peak RSS over RSS after import: {ours.rss_growth_mb:.1f} MB (target <= 30 MB)")
    return "\n".join(rows)


def memory_in_fresh_process(total: int, client: str) -> float:
    """Peak RSS minus RSS after import, streaming ``total`` contacts in a new process (MB)."""
    with server("--total", str(total)) as url:
        out = subprocess.run(
            [sys.executable, "-m", "bench.stream", "--child", client, "--url", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return float(out.split()[-1])


def _child(client: str, url: str) -> None:
    after_import = rss_now_kib()
    job = bare_loop(url) if client == "bare" else library(url)
    asyncio.run(job)
    print((rss_peak_kib() - after_import) / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "library"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.url)
        return
    bare, ours = asyncio.run(run(args.total, args.repeat))
    bare_rss = memory_in_fresh_process(args.total, "bare")
    our_rss = memory_in_fresh_process(args.total, "library")
    print(f"machine: {machine()}")
    print(report(bare, ours, bare_rss, our_rss))


if __name__ == "__main__":
    main()
