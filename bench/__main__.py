"""Every benchmark, side by side in one run; writes bench/RESULTS.md and the chart.

    uv run --group bench python -m bench            # the full run (several minutes)
    uv run --group bench python -m bench --smoke    # tiny sizes, to keep the scripts working

Servers run in a separate process on 127.0.0.1; the client process's CPU time is measured with
time.process_time, so ratios hold on a shared machine where wall times drift.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import msgspec

from intercom_async import Intercom
from intercom_async._decode import decode, decoder_for
from intercom_async.operations import OPERATIONS
from intercom_async.testing import make_contacts

from . import clients, export, imports, multiworker
from ._harness import Run, best_run, machine, measure, median_run, server
from .chart import bar_chart_svg

HERE = Path(__file__).resolve().parent


def decode_bench(repeat: int) -> dict[str, float]:
    """Seconds to decode one 150-contact page, median of ``repeat`` timings, per decoder."""
    page = {
        "type": "list",
        "data": make_contacts(150, seed=3, companies=40),
        "total_count": 150,
        "pages": {"type": "pages", "next": {"starting_after": "x"}},
    }
    body = msgspec.json.encode(page)
    page_type = OPERATIONS["contacts.list"].response_type
    candidates: dict[str, Callable[[], Any]] = {
        # The client's whole decode path: typed models that keep their JSON for to_dict().
        "intercom-async (msgspec Structs)": lambda: decode(body, page_type),
        "msgspec.json.decode to dicts": lambda: msgspec.json.decode(body),
    }
    try:
        import orjson

        candidates["orjson.loads to dicts"] = lambda: orjson.loads(body)
    except ImportError:
        pass
    try:
        from intercom.core.unchecked_base_model import construct_type
        from intercom.types.contact_list import ContactList

        candidates["python-intercom construct_type(json.loads)"] = lambda: construct_type(
            type_=ContactList, object_=json.loads(body)
        )
    except ImportError:
        pass
    results = {"page_bytes": float(len(body))}
    for name, call in candidates.items():
        number = 5 if "python-intercom" in name else 50
        timings = timeit.repeat(call, number=number, repeat=repeat)
        results[name] = statistics.median(t / number for t in timings)
    return results


MINIMAL = "bare aiohttp + msgspec, hand-written Structs"
BARE = "bare aiohttp + msgspec, generated models"
SHORT = {MINIMAL: "hand-written", BARE: "bare"}
TRACED = "intercom-async + OpenTelemetryHooks"


async def listing_bench(total: int, repeat: int) -> dict[str, list[Run]]:
    """CPU per contact while listing, from a server that gzips its pages as Intercom does.

    Each repetition runs the hand-written baseline and ours as A B B A, so a drift of the
    machine's speed within a repetition falls on both alike.
    """
    jobs = {
        MINIMAL: clients.list_minimal,
        BARE: clients.list_bare,
        "intercom-async": clients.list_ours,
    }
    if _has_sdk():
        jobs["python-intercom"] = clients.list_sdk
    runs: dict[str, list[Run]] = {name: [] for name in jobs}
    order = [MINIMAL, "intercom-async", "intercom-async", MINIMAL, BARE]
    with server("--total", str(total), "--gzip") as url:
        for job in (clients.list_minimal, clients.list_ours, clients.list_bare):
            await job(url)  # warm up: imports, decoders, connections
        for _ in range(repeat):
            for name in order + (["python-intercom"] if _has_sdk() else []):
                runs[name].append(await measure(name, lambda job=jobs[name]: job(url)))  # type: ignore[misc]
    return runs


async def reads_bench(count: int, concurrency: int, repeat: int) -> dict[str, list[Run]]:
    jobs = {BARE: clients.reads_bare, "intercom-async": clients.reads_ours}
    if _has_otel_sdk():
        jobs[TRACED] = clients.reads_ours_traced
    if _has_sdk():
        jobs["python-intercom"] = clients.reads_sdk
    runs: dict[str, list[Run]] = {name: [] for name in jobs}
    with server("--total", "150") as url:
        await clients.reads_ours(url, 50, concurrency)
        for _ in range(repeat):
            for name, job in jobs.items():
                runs[name].append(await measure(name, lambda job=job: job(url, count, concurrency)))  # type: ignore[misc]
    return runs


async def stack_bench(calls: int) -> dict[str, float]:
    """CPU per call of the library's own stack, with the transport stubbed out (no network)."""
    from multidict import CIMultiDict, CIMultiDictProxy

    from intercom_async import RawResponse

    body = msgspec.json.encode(make_contacts(1, seed=5)[0])
    canned = RawResponse(
        200, CIMultiDictProxy(CIMultiDict({"X-RateLimit-Remaining": "99"})), body, 0.0
    )

    class Canned:
        """A transport that answers every request with the same contact, through the
        ``transport=`` seam: only the library's own stack is left to measure."""

        closed = False

        async def send(self, *args: Any, **kwargs: Any) -> RawResponse:
            return canned

        async def close(self) -> None:
            self.closed = True

    client = Intercom(token="bench", base_url="http://127.0.0.1:9", transport=Canned())
    decoder = decoder_for(OPERATIONS["contacts.get"].response_type)
    for _ in range(500):
        await client.contacts.get("c1")
    started = time.process_time()
    for _ in range(calls):
        await client.contacts.get("c1")
    whole = (time.process_time() - started) / calls
    started = time.process_time()
    for _ in range(calls):
        decoder.decode(body)
    decode = (time.process_time() - started) / calls
    return {"whole_us": whole * 1e6, "decode_us": decode * 1e6}


async def bulk_bench(requests: int, limit: int, seconds: int) -> dict[str, float]:
    """Rate-limited bulk: how much of the allowed budget is used, and how many 429s."""
    with server("--total", "150", "--window", f"{limit}/{seconds}") as url:
        async with Intercom(token="bench", base_url=url, max_concurrency=10) as client:
            started = time.perf_counter()
            await asyncio.gather(*(client.contacts.get(f"c{i}") for i in range(requests)))
            wall = time.perf_counter() - started
            stats = await client.request("GET", "/_stats")
    ideal = requests / limit * seconds
    return {
        "requests": requests,
        "window": f"{limit} per {seconds}s",
        "answered_429": stats["429"],
        "fraction_429": stats["429"] / max(1, stats["served"] + stats["429"]),
        "wall": wall,
        "ideal": ideal,
        # Achieved rate over allowed rate: 100% means every window's budget was spent.
        "budget_used": (requests / wall) / (limit / seconds),
        "wall_over_ideal": wall / ideal,
    }


def memory_bench(total: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.stream", "--memory-only", str(total)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def prefetch_bench(total: int, latency: float, repeat: int) -> dict[str, float]:
    with server("--total", str(total), "--latency", str(latency)) as url:
        on, off = [], []
        for _ in range(repeat):
            off.append(
                await measure(
                    "no prefetch", lambda: clients.list_ours(url, prefetch=0, work_per_page=latency)
                )
            )
            on.append(
                await measure(
                    "prefetch", lambda: clients.list_ours(url, prefetch=1, work_per_page=latency)
                )
            )
    with_prefetch = median_run(on).items_per_second
    without = median_run(off).items_per_second
    return {
        "latency": latency,
        "with": with_prefetch,
        "without": without,
        "speedup": with_prefetch / without if without else 0.0,
    }


def _has_otel_sdk() -> bool:
    try:
        import opentelemetry.sdk  # noqa: F401
    except ImportError:
        return False
    return True


def _has_sdk() -> bool:
    try:
        import intercom  # noqa: F401
    except ImportError:
        return False
    return True


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_table(
    runs: dict[str, list[Run]], unit: str, baselines: tuple[str, ...] = (BARE,)
) -> tuple[list[str], dict[str, float]]:
    ratios = " | ".join(f"vs {SHORT[name]} (median)" for name in baselines)
    rows = [
        f"| client | {unit} CPU µs (median) | best | wall s (median) | {ratios} |",
        "|---|---:|---:|---:|" + "---:|" * len(baselines),
    ]
    bases = [median_run(runs[name]).cpu_us_per_item for name in baselines]
    medians: dict[str, float] = {}
    for name, series in runs.items():
        med, best = median_run(series), best_run(series)
        medians[name] = med.cpu_us_per_item
        against = " | ".join(f"{med.cpu_us_per_item / base:.2f}×" for base in bases)
        rows.append(
            f"| {name} | {med.cpu_us_per_item:.1f} | {best.cpu_us_per_item:.1f} | "
            f"{med.wall:.2f} | {against} |"
        )
    return rows, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; writes nothing")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--docs-only", action="store_true", help="rewrite docs/performance.md from bench/RESULTS.md"
    )
    args = parser.parse_args()
    if args.docs_only:
        write_docs((HERE / "RESULTS.md").read_text())
        return
    smoke = args.smoke
    repeat = 1 if smoke else args.repeat
    sizes = {
        "listing": 1_500 if smoke else 30_000,  # python-intercom needs ~1 min per run here
        "reads": 100 if smoke else 2_000,
        "bulk": 40 if smoke else 400,
        "memory": 3_000 if smoke else 200_000,
        "prefetch": 1_500 if smoke else 15_000,
    }
    decode = decode_bench(3 if smoke else 15)
    listing = asyncio.run(listing_bench(sizes["listing"], repeat))
    reads = asyncio.run(reads_bench(sizes["reads"], 50, repeat))
    bulk = asyncio.run(bulk_bench(sizes["bulk"], 40, 2))
    stack = asyncio.run(stack_bench(2_000 if smoke else 50_000))
    memory = memory_bench(sizes["memory"])
    prefetch = asyncio.run(prefetch_bench(sizes["prefetch"], 0.03, max(1, repeat // 2)))
    # Four workers drain 3,000 requests from an app allowed 500 per 10 s (Intercom's windows are
    # 10 s long): six windows, one minute at best, per budget.
    workers = multiworker.run(2, 20, 100, 1) if smoke else multiworker.run(4, 750, 500, 10)
    report, chart = render(decode, listing, reads, bulk, memory, prefetch, sizes, repeat, stack)
    report += render_workers(workers)
    report += imports.render(imports.run(3 if smoke else 21))
    # Sequential export of 200,000 contacts at 250 ms a page is ~6 minutes by itself.
    exported = export.run(3_000, 0.02, "1666/10") if smoke else export.run(200_000, 0.25, "1666/10")
    report += export.render(exported)
    print(report)
    if not smoke:
        (HERE / "RESULTS.md").write_text(report)
        (HERE.parent / "docs" / "performance-cpu.svg").write_text(chart)
        write_docs(report)


DOCS_INTRO = """# Performance

Measured by `uv run --group bench python -m bench`, which writes `bench/RESULTS.md` and this
page. Every figure compares clients in the same run, against servers in a separate process on
127.0.0.1, by CPU time of the client process (so the ratios hold on a shared machine where
wall times drift). The clients: intercom-async; a bare aiohttp + msgspec loop decoding into
hand-written Structs (`bench/minimal_models.py`, what a careful hand-rolled client would
write); the same loop decoding into the library's generated models; and the official SDK,
python-intercom (httpx + pydantic). Listing pages are gzip-compressed, as Intercom sends them.

![Client CPU per contact while listing](performance-cpu.svg)

Targets: decoding no slower than msgspec to dicts and 100× faster than python-intercom; listing
CPU per contact within 1.1× of the hand-written bare loop and 50× below python-intercom; point
reads within 1.3× of bare aiohttp; rate-limited bulk using ≥ 95% of the budget with ≤ 1%
answered 429; ≤ 30 MB memory growth streaming 200,000 contacts; prefetch ≥ 1.8× items per
second.
"""


def write_docs(report: str) -> None:
    body = report.split("\n", 1)[1].lstrip("\n")  # drop the report's own title
    body = body.replace("## ", "### ")
    (HERE.parent / "docs" / "performance.md").write_text(DOCS_INTRO + "\n## Results\n\n" + body)


def render_workers(run: dict[str, Any]) -> str:
    limit, seconds = run["limit"], run["seconds"]
    total = run["workers"] * run["each"]
    ideal = total / limit * seconds
    out = [
        "",
        f"## 7. {run['workers']} worker processes × concurrency 25, {total:,} requests, "
        f"{limit} per {seconds} s windows",
        "",
        "The server (its own process) enforces the windows and counts what reached it in each.",
        "",
        "| budget | answered 429 | windows over the limit | busiest window | budget used | "
        "wall s | vs ideal |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label in ("own budgets", "one Redis budget"):
        result = run.get(label)
        if result is None:
            out.append(f"| {label} | (redis-server not installed: not run) | | | | | |")
            continue
        counts = list(result["windows"].values())
        arrived = result["served"] + result["429"]
        used = (result["served"] / result["wall"]) / (limit / seconds)
        out.append(
            f"| {label} | {result['429']} ({result['429'] / max(arrived, 1):.1%}) | "
            f"{sum(1 for c in counts if c > limit)} | {max(counts)} | {used:.0%} | "
            f"{result['wall']:.1f} | {result['wall'] / ideal:.2f}× |"
        )
    overhead = run.get("overhead")
    if overhead:
        out += [
            "",
            f"Redis's cost per request (acquire + record, two round trips to a loopback Redis): "
            f"+{overhead['p50']:.0f} µs at the median, +{overhead['p99']:.0f} µs at p99, over "
            f"{overhead['local_p50']:.1f} µs for the in-process budget. The ideal wall time is "
            f"{ideal:.0f} s (a run starts part way through a window, so it can beat it). Budget "
            "used is requests answered per second over the rate allowed; each window also loses "
            "up to 100 ms to the reset jitter that keeps waiting workers from waking at once.",
        ]
    return "\n".join(out) + "\n"


def render(
    decode: dict[str, float],
    listing: dict[str, list[Run]],
    reads: dict[str, list[Run]],
    bulk: dict[str, Any],
    memory: dict[str, float],
    prefetch: dict[str, float],
    sizes: dict[str, int],
    repeat: int,
    stack: dict[str, float],
) -> tuple[str, str]:
    out = [
        "# Benchmark results",
        "",
        "Generated by `uv run --group bench python -m bench`; do not edit by hand.",
        "",
        f"- machine: {machine()}, {platform.machine()}",
        f"- intercom-async {_version('intercom-async')}, aiohttp {_version('aiohttp')}, "
        f"msgspec {_version('msgspec')}, python-intercom {_version('python-intercom')} "
        f"(httpx {_version('httpx')}, pydantic {_version('pydantic')}), "
        f"orjson {_version('orjson')}",
        f"- medians over {repeat} repetitions (best = least CPU, since noise only adds); "
        "servers in a separate process on 127.0.0.1",
        "",
    ]
    base = decode["msgspec.json.decode to dicts"]
    out += [
        f"## 1. Decode one 150-contact page ({decode['page_bytes'] / 1000:.0f} KB)",
        "",
        "| decoder | ms per page | vs msgspec to dicts |",
        "|---|---:|---:|",
    ]
    for name, seconds in decode.items():
        if name != "page_bytes":
            out.append(f"| {name} | {seconds * 1000:.2f} | {seconds / base:.2f}× |")
    sdk = decode.get("python-intercom construct_type(json.loads)")
    if sdk:
        ours = decode["intercom-async (msgspec Structs)"]
        out += ["", f"python-intercom's parse path takes {sdk / ours:.0f}× as long as ours."]
    rows, listing_cpu = _cpu_table(listing, "per contact", (MINIMAL, BARE))
    out += [
        "",
        f"## 2. Listing {sizes['listing']:,} contacts, 150 per page, gzip-compressed",
        "",
        "Two baselines: a bare loop decoding into hand-written Structs (`bench/minimal_models.py`:"
        " every field of a contact, plain types, none of the library's machinery), and the same"
        " loop decoding into the library's generated models. The hand-written baseline and ours"
        " run A B B A in each repetition.",
        "",
        *rows,
    ]
    if "python-intercom" in listing_cpu:
        ratio = listing_cpu["python-intercom"] / listing_cpu["intercom-async"]
        out += ["", f"python-intercom uses {ratio:.0f}× the CPU per contact."]
    rows, reads_cpu = _cpu_table(reads, "per request")
    out += [
        "",
        f"## 3. Point reads: {sizes['reads']:,} GET /contacts/{{id}} at concurrency 50",
        "",
        *rows,
        "",
        "| client | requests per second (median) |",
        "|---|---:|",
    ]
    for name, series in reads.items():
        out.append(f"| {name} | {median_run(series).items_per_second:,.0f} |")
    overhead = stack["whole_us"] - stack["decode_us"]
    out += [
        "",
        f"The library's own stack (client, limiter, retry policy, error mapping, with the "
        f"transport stubbed out) costs {overhead:.1f} µs per call beyond the "
        f"{stack['decode_us']:.1f} µs of decoding; the rest of a point read is aiohttp and the "
        "socket, shared with the bare loop. Every client keeps the contacts it reads.",
    ]
    if TRACED in reads_cpu:
        traced = reads_cpu[TRACED] - reads_cpu["intercom-async"]
        out += [
            "",
            f"With `OpenTelemetryHooks` on (the SDK's tracer and meter, spans exported to memory) "
            f"a point read costs {traced:+.1f} µs of CPU "
            f"({reads_cpu[TRACED] / reads_cpu['intercom-async']:.2f}× hooks off): a span per "
            "request, its attributes, and the duration histogram.",
        ]
    out += [
        "",
        f"## 4. Rate-limited bulk ({bulk['requests']} GETs, {bulk['window']} windows)",
        "",
        f"- answered 429: {bulk['answered_429']} ({bulk['fraction_429']:.1%})",
        f"- wall {bulk['wall']:.1f}s against an ideal of {bulk['ideal']:.1f}s "
        f"({bulk['wall_over_ideal']:.2f}×); budget used: {bulk['budget_used']:.0%} "
        "(above 100% when the run starts part way through a window)",
        "",
        f"## 5. Memory: streaming {sizes['memory']:,} contacts",
        "",
        f"- peak RSS over RSS after import: {memory['growth_mb']:.1f} MB "
        f"(after import: {memory['after_import_mb']:.0f} MB)",
        "",
        f"## 6. Prefetch with {prefetch['latency'] * 1000:.0f} ms page latency",
        "",
        f"The consumer spends {prefetch['latency'] * 1000:.0f} ms on each page (as a sync job "
        "writing to a database would); prefetch overlaps that with the next request.",
        "",
        f"- {prefetch['with']:,.0f} items/s with prefetch, {prefetch['without']:,.0f} "
        f"without: {prefetch['speedup']:.2f}×",
        "",
    ]
    chart = bar_chart_svg("Client CPU per contact while listing (µs, lower is better)", listing_cpu)
    return "\n".join(out), chart


if __name__ == "__main__":
    main()
