"""Planning an export before reading it: how many records, in which partitions, how many
requests, and how long at the app's budget and the measured latency.

Edges come from the data: one search each for the oldest and the newest record, even splits
between them, then each partition's ``total_count``; a partition much larger than the mean is
halved, and one that time cannot split (a day of contacts compared by day, a burst of imports)
is split by the last character of the id, kept only when the pieces add up to the whole.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .._client import Intercom
from ..errors import BadRequestError
from ._partitions import (
    SORT,
    Partition,
    by_id_suffix,
    even_edges,
    halves,
    pages_for,
    query_for,
    ranges,
)

# Resources read as partitioned searches, and the search method each uses.
SEARCHED = {
    "contacts": "contacts.search",
    "conversations": "conversations.search",
    "tickets": "tickets.search",
}
# Intercom's rate-limit windows are 10 seconds long (../shared/api-notes.md).
WINDOW_SECONDS = 10.0
# A partition this many times the mean is split again.
TOO_LARGE = 2.0
REFINE_ROUNDS = 6
# Partitions smaller than this many pages are not worth the request that counts them.
MIN_PAGES_PER_PARTITION = 8


@dataclass
class ExportPlan:
    """What an export will read, before it reads it."""

    resource: str
    total_count: int
    partitions: list[Partition]
    per_page: int
    since: int | None = None
    planning_requests: int = 0
    """Requests the planning itself sent (counted in ``requests``)."""
    latency: float | None = None
    """Median seconds per search request, measured while planning."""
    budget_per_second: float | None = None
    """Requests per second the app may send (X-RateLimit-Limit per 10 s window)."""
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def pages(self) -> int:
        return sum(pages_for(p.count or 0, self.per_page) for p in self.partitions)

    @property
    def requests(self) -> int:
        """Every request of the run: planning and pages."""
        return self.planning_requests + self.pages

    def estimated_seconds(self, concurrency: int | None = None) -> float | None:
        """Wall time at the budget and latency: the larger of the budget's floor and the time
        the longest partition's chain of pages takes (None without a measured latency)."""
        if self.latency is None:
            return None
        streams = concurrency or len(self.partitions) or 1
        chain = max((pages_for(p.count or 0, self.per_page) for p in self.partitions), default=0)
        by_latency = max(chain, math.ceil(self.pages / streams)) * self.latency
        if self.budget_per_second:
            return max(self.requests / self.budget_per_second, by_latency)
        return by_latency

    def summary(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "total_count": self.total_count,
            "partitions": len(self.partitions),
            "pages": self.pages,
            "requests": self.requests,
            "latency_seconds": self.latency,
            "budget_per_second": self.budget_per_second,
            "estimated_seconds": self.estimated_seconds(),
        }


def searching(search: Any, query: dict[str, Any], sort: dict[str, Any], **paging: Any) -> Any:
    """``search(...)``'s paginator; a sort the method does not take goes in the body as is
    (the conversation and ticket searches accept one)."""
    if "sort" in inspect.signature(search).parameters:
        return search(query=query, sort=sort, **paging)
    return search(query=query, extra_body={"sort": sort}, **paging)


class _Prober:
    """Counts partitions with one-item searches, timing each and reading the budget."""

    def __init__(self, client: Intercom, search_name: str, since: int | None) -> None:
        self.client = client
        self.since = since
        target: Any = client
        for part in search_name.split("."):
            target = getattr(target, part)
        self.search = target
        self.requests = 0
        self.latencies: list[float] = []
        self.limit: int | None = None

    async def probe(
        self, partition: Partition, order: str = "ascending"
    ) -> tuple[int, dict[str, Any] | None]:
        """The partition's record count and its first record in ``order`` of created_at."""
        sort = {**SORT, "order": order}
        started = time.monotonic()
        answer = await self.client.with_raw_response(
            lambda: searching(
                self.search, query_for(partition, self.since), sort, per_page=1
            ).as_dicts()
        )
        self.latencies.append(time.monotonic() - started)
        self.requests += 1
        if answer.rate_limit is not None and answer.rate_limit.limit:
            self.limit = answer.rate_limit.limit
        page = answer.parsed
        first = page.items[0] if page.items else None
        total = page.total_count
        return (total if total is not None else len(page.items)), first

    async def count_all(self, partitions: Sequence[Partition]) -> list[Partition]:
        counted = await asyncio.gather(*(self.probe(p) for p in partitions))
        return [p.with_count(count) for p, (count, _first) in zip(partitions, counted, strict=True)]


def default_partitions(
    total: int, per_page: int, latency: float, per_second: float, in_flight: int
) -> int:
    """Enough concurrent streams to use the budget at this latency (no more than the client's
    limiter lets run at once), but not so many that counting them costs more than a small
    share of the pages."""
    pages = pages_for(total, per_page)
    saturating = min(math.ceil(per_second * latency) + 1, in_flight)
    worth_counting = max(1, pages // MIN_PAGES_PER_PARTITION)
    return max(1, min(saturating, worth_counting, 256))


async def plan_export(
    client: Intercom,
    resource: str,
    *,
    partitions: int | None = None,
    per_page: int = 150,
    since: int | None = None,
) -> ExportPlan:
    """Plan a partitioned search export of ``resource`` (contacts, conversations, tickets)."""
    prober = _Prober(client, SEARCHED[resource], since)
    everything = Partition(None, None)
    (total, oldest), (_, newest) = await asyncio.gather(
        prober.probe(everything), prober.probe(everything, "descending")
    )
    plan = ExportPlan(resource, total, [everything.with_count(total)], per_page, since)
    if oldest is not None and newest is not None and total > per_page:
        first, last = int(oldest["created_at"]), int(newest["created_at"])
        latency = statistics.median(prober.latencies)
        per_second = (prober.limit or 0) / WINDOW_SECONDS
        in_flight = client.limiter.max_concurrency
        wanted = partitions or default_partitions(
            total, per_page, latency, per_second or 1.0, in_flight
        )
        if wanted > 1:
            initial = ranges(even_edges(first, last, wanted))
            plan.partitions = await _refine(
                prober, initial, (first, last), total / wanted, per_page
            )
    plan.planning_requests = prober.requests
    plan.latencies = prober.latencies
    plan.latency = statistics.median(prober.latencies) if prober.latencies else None
    if prober.limit:
        plan.budget_per_second = prober.limit / WINDOW_SECONDS
    return plan


async def _refine(
    prober: _Prober,
    initial: list[Partition],
    span: tuple[int, int],
    mean: float,
    per_page: int,
) -> list[Partition]:
    first, last = span
    parts = await prober.count_all(initial)
    # A partition of less than a page is never "too large".
    mean = max(mean, float(per_page))
    for _ in range(REFINE_ROUNDS):
        large = [p for p in parts if (p.count or 0) > TOO_LARGE * mean]
        if not large:
            break
        replaced: dict[str, list[Partition]] = {}
        splits = await asyncio.gather(*(_split(prober, p, first, last) for p in large))
        for partition, pieces in zip(large, splits, strict=True):
            if pieces is not None:
                replaced[partition.key] = pieces
        if not replaced:
            break
        parts = [piece for p in parts for piece in replaced.get(p.key, [p])]
    return parts


async def _split(
    prober: _Prober, partition: Partition, first: int, last: int
) -> list[Partition] | None:
    """The partition in pieces that hold its records, or None when it cannot be split."""
    if partition.id_suffix is None:
        pieces = halves(partition, first, last)
        if pieces is not None:
            counted = await prober.count_all(pieces)
            if all(p.count for p in counted):
                return counted
    if partition.id_suffix is not None and len(partition.id_suffix) >= 2:
        return None
    # Time cannot separate these records: split them by the id's last character, and keep the
    # split only if it covers every record (ids outside the hex alphabet would be lost).
    try:
        counted = await prober.count_all(by_id_suffix(partition))
    except BadRequestError:
        return None  # a search that refuses `id $`: the partition stays whole, still exact
    if sum(p.count or 0 for p in counted) != partition.count:
        return None
    # An empty piece of a closed time range stays empty (records are created now, in the last
    # range); the open-ended range keeps every piece.
    return [p for p in counted if p.count or partition.upper is None]
