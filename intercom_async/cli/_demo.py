"""``intercom-async demo``: a bulk sync through the library against the bundled FakeIntercom.

It seeds a realistic workspace, tightens the rate limit, injects a few faults, then streams
every contact, searches a slice, scrolls every company, updates contacts concurrently and
exports conversations, with progress bars and a closing table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from .._client import Intercom
from ..bulk import bulk_map
from ..search import F
from ..testing import FakeIntercom
from ._ui import CliError, console, progress_bar, table


@dataclass
class Step:
    name: str
    items: int
    requests: int
    rate_limited: int
    retries: int
    seconds: float


class _Meter:
    """Per-step deltas of the client's counters."""

    def __init__(self, client: Intercom) -> None:
        self.client = client
        self.steps: list[Step] = []

    def start(self) -> tuple[int, int, int, float]:
        stats = self.client.stats
        return stats.requests, stats.rate_limited, stats.retries, time.perf_counter()

    def stop(self, name: str, items: int, mark: tuple[int, int, int, float]) -> None:
        stats = self.client.stats
        self.steps.append(
            Step(
                name,
                items,
                stats.requests - mark[0],
                stats.rate_limited - mark[1],
                stats.retries - mark[2],
                time.perf_counter() - mark[3],
            )
        )


def _window(text: str) -> tuple[int, int]:
    try:
        limit, seconds = (int(part) for part in text.split("/"))
    except ValueError:
        raise CliError(f"--rate-limit must be LIMIT/SECONDS, got {text!r}", exit_code=2) from None
    return limit, seconds


async def run_demo(args: argparse.Namespace) -> int:
    out = console()
    limit, seconds = _window(args.rate_limit)
    started = time.perf_counter()
    async with FakeIntercom(rate_limit=(limit, seconds)) as fake:
        fake.seed(
            contacts=args.contacts, companies=args.companies, conversations=args.conversations
        )
        fake.record_requests = False
        # A little weather: bursts of 429 and a proxy answering 503 with an HTML page.
        fake.inject(429, probability=0.004)
        fake.inject(503, method="GET", body="html", probability=0.004)
        out.print(
            f"[bold]FakeIntercom[/] at {fake.base_url}: {args.contacts:,} contacts, "
            f"{args.companies:,} companies, {args.conversations:,} conversations; "
            f"rate limit {limit} requests per {seconds}s window"
        )
        async with fake.client(max_concurrency=16) as client:
            meter = _Meter(client)
            with progress_bar(out) as progress:
                await _sync(client, meter, progress, args)
        updated = sum(
            1
            for c in fake.store.contacts.values()
            if (c.get("custom_attributes") or {}).get("synced_by") == "intercom-async"
        )
    _summary(out, meter.steps, time.perf_counter() - started, fake.stats.faults_injected)
    if updated != min(args.updates, args.contacts):
        raise CliError(f"expected {args.updates} updated contacts in the fake, found {updated}")
    return 0


async def _sync(client: Intercom, meter: _Meter, progress: Any, args: argparse.Namespace) -> None:
    task = progress.add_task("stream every contact", total=args.contacts, note="")
    mark = meter.start()
    ids: list[str] = []
    async for page in client.contacts.list(per_page=150).pages():
        ids += [str(c.id) for c in page.items]
        progress.update(task, completed=len(ids), note=f"page {page.number}")
    meter.stop("stream contacts", len(ids), mark)

    query = (F("custom_attributes.plan") == "enterprise") & (F("role") == "user")
    task = progress.add_task("search a slice", total=None, note="plan = enterprise")
    mark = meter.start()
    found = 0
    async for page in client.contacts.search(query=query, per_page=150).pages():
        found += len(page.items)
        progress.update(task, completed=found, total=page.total_count)
    meter.stop("search contacts", found, mark)

    task = progress.add_task("scroll every company", total=args.companies, note="")
    mark = meter.start()
    companies = 0
    async for company_page in client.companies.scroll().pages():
        companies += len(company_page.items)
        progress.update(task, completed=companies)
    meter.stop("scroll companies", companies, mark)

    chosen = ids[: args.updates]
    task = progress.add_task("update contacts", total=len(chosen), note="")
    mark = meter.start()
    failures = 0

    def update(contact_id: str) -> Any:
        return client.contacts.update(contact_id, custom_attributes={"synced_by": "intercom-async"})

    async for outcome in bulk_map(update, chosen, concurrency=64):
        failures += not outcome.ok
        progress.advance(task)
    meter.stop("update contacts", len(chosen) - failures, mark)

    task = progress.add_task("export conversations", total=args.conversations, note="")
    mark = meter.start()
    exported = 0
    encoder = msgspec.json.Encoder()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "conversations.jsonl"
        with target.open("wb") as out:
            conversations = client.conversations.list(per_page=150).as_dicts()
            async for raw_page in conversations.pages():
                for conversation in raw_page.items:
                    out.write(encoder.encode(conversation) + b"\n")
                exported += len(raw_page.items)
                progress.update(task, completed=exported, note=f"{out.tell() / 1e6:.1f} MB")
    meter.stop("export conversations", exported, mark)
    if failures:
        raise CliError(f"{failures} contact updates failed")


def _summary(out: Any, steps: list[Step], elapsed: float, faults: int) -> None:
    rows = []
    for step in steps:
        rate = step.items / step.seconds if step.seconds else 0.0
        rows.append(
            [
                step.name,
                f"{step.items:,}",
                f"{step.requests:,}",
                str(step.rate_limited),
                str(step.retries),
                f"{rate:,.0f}",
                f"{step.seconds:.1f}",
            ]
        )
    totals = [
        sum(getattr(s, f) for s in steps) for f in ("items", "requests", "rate_limited", "retries")
    ]
    rows.append(
        [
            "[bold]total",
            f"{totals[0]:,}",
            f"{totals[1]:,}",
            str(totals[2]),
            str(totals[3]),
            "",
            f"{elapsed:.1f}",
        ]
    )
    columns = ["step", "items", "requests", "429s absorbed", "retries", "items/s", "seconds"]
    table(out, "intercom-async demo", columns, rows)
    out.print(f"{faults} faults injected by the fake; every one absorbed by the client.")
