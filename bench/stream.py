"""Streaming N contacts (150 per page) from a loopback server in another process.

    uv run python -m bench.stream [--total 100000] [--repeat 5]

Client CPU per contact for intercom-async against a bare aiohttp + msgspec loop decoding into
the same generated models, in the same run, and peak RSS over RSS after import, measured in a
fresh process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys

from . import clients
from ._harness import Run, best_run, machine, measure, median_run, rss_now_kib, rss_peak_kib, server


async def run(total: int, repeat: int) -> tuple[list[Run], list[Run]]:
    bare: list[Run] = []
    ours: list[Run] = []
    with server("--total", str(total)) as url:
        await clients.list_ours(url)  # warm up imports, decoders and the server
        for _ in range(repeat):
            bare.append(await measure("bare aiohttp + msgspec", lambda: clients.list_bare(url)))
            ours.append(await measure("intercom-async", lambda: clients.list_ours(url)))
    return bare, ours


def memory_in_fresh_process(total: int, client: str = "library") -> dict[str, float]:
    """Peak RSS over RSS after import while streaming ``total`` contacts, in a new process."""
    with server("--total", str(total)) as url:
        out = subprocess.run(
            [sys.executable, "-m", "bench.stream", "--child", client, "--url", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _child(client: str, url: str) -> None:
    after_import = rss_now_kib()
    job = clients.list_bare(url) if client == "bare" else clients.list_ours(url)
    count = asyncio.run(job)
    print(
        json.dumps(
            {
                "growth_mb": (rss_peak_kib() - after_import) / 1024,
                "after_import_mb": after_import / 1024,
                "items": count,
            }
        )
    )


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
    rows.append(f"peak RSS over RSS after import: {our_rss:.1f} MB (target <= 30 MB)")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-only", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["bare", "library"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.url)
        return
    if args.memory_only:
        print(json.dumps(memory_in_fresh_process(args.memory_only)))
        return
    bare, ours = asyncio.run(run(args.total, args.repeat))
    bare_rss = memory_in_fresh_process(args.total, "bare")["growth_mb"]
    our_rss = memory_in_fresh_process(args.total, "library")["growth_mb"]
    print(f"machine: {machine()}")
    print(report(bare, ours, bare_rss, our_rss))


if __name__ == "__main__":
    main()
