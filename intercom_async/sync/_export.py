"""One export run: partitions read as concurrent streams under the client's limiter, yielded
as batches (a page each) with exactly-once checkpoints, and incremental runs from a state.

A batch counts as consumed when the consumer asks for the next one; ``checkpoint()`` records,
for every partition, the cursor after its last consumed page, so a run resumed from the state
reads from there and nothing twice. The streams run ahead of the consumer by a bounded queue.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from .._client import Intercom
from .._decode import to_dict
from ..errors import ConfigurationError
from ..pagination import Paginator
from ._partitions import SORT, Partition, query_for
from ._plan import SEARCHED, ExportPlan, plan_export, searching
from ._state import ResourceState, RunCheckpoint, SyncState

# Resources read as one stream, and their list method.
LISTED = {
    "companies": "companies.list",
    "admins": "admins.list",
    "teams": "teams.list",
    "tags": "tags.list",
    "segments": "segments.list",
    "articles": "articles.list",
    "data-attributes": "data_attributes.list",
}
RESOURCES = (*SEARCHED, *LISTED)
# Above this many companies the list stops (Intercom serves 10,000) and the scroll reads them.
COMPANY_LIST_LIMIT = 10_000
# A retrieved conversation holds at most this many parts, the most recent.
MAX_PARTS = 500
DEFAULT_LOOKBACK = 3600
# The next run's overlap can reach back a calendar day in any timezone beyond the lookback
# (contact search matches by day): records emitted this recently are remembered.
RECENT_MARGIN = 48 * 3600
WHOLE = Partition(None, None)


@dataclass(frozen=True, slots=True)
class Batch:
    """One page of one partition: the records to write (plain JSON objects, as Intercom sent
    them)."""

    partition: str
    items: list[dict[str, Any]]


@dataclass
class PartitionProgress:
    """How far one partition got: for progress displays."""

    key: str
    planned: int | None
    read: int = 0
    started_at: float | None = None
    finished: bool = False

    def rate(self, now: float) -> float | None:
        """Items per second since it started."""
        if self.started_at is None or now <= self.started_at:
            return None
        return self.read / (now - self.started_at)

    def eta(self, now: float) -> float | None:
        """Seconds to go at its rate so far."""
        rate = self.rate(now)
        if self.finished:
            return 0.0
        if not rate or self.planned is None:
            return None
        return max(0.0, (self.planned - self.read) / rate)


@dataclass
class _Consumed:
    cursors: dict[str, str | int | None] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)


class Export:
    """An export run of one resource.

    ``async for batch in export`` yields the records page by page; a partitioned search reads
    its partitions concurrently. With a ``state`` the run is incremental (only what changed
    since the last completed run, less ``lookback`` seconds for Intercom's index lag;
    records that did not change are not emitted again), ``checkpoint()`` saves how far it got,
    and a run of the same resource started from that state resumes it. ``finish()`` records
    the run as complete: the next run starts from its start.
    """

    def __init__(
        self,
        client: Intercom,
        resource: str,
        *,
        partitions: int | None = None,
        per_page: int = 150,
        since: int | None = None,
        state: SyncState | None = None,
        lookback: int = DEFAULT_LOOKBACK,
        with_parts: bool = False,
        concurrency: int | None = None,
        plan: ExportPlan | None = None,
        query: dict[str, Any] | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if resource not in RESOURCES:
            raise ConfigurationError(
                f"cannot export {resource!r}; one of: {', '.join(sorted(RESOURCES))}"
            )
        if partitions is not None and partitions < 1:
            raise ConfigurationError("partitions must be at least 1")
        if with_parts and resource != "conversations":
            raise ConfigurationError("with_parts is for conversations")
        if lookback < 0:
            raise ConfigurationError("lookback must be 0 or more seconds")
        if query is not None and resource not in SEARCHED:
            raise ConfigurationError(f"{resource} cannot be searched")
        self.client = client
        self.resource = resource
        self.per_page = per_page
        self.state = state
        self.lookback = lookback
        self.with_parts = with_parts
        self._wanted_partitions = partitions
        self._concurrency = concurrency
        self._explicit_since = since
        self.plan: ExportPlan | None = plan
        self.progress: dict[str, PartitionProgress] = {}
        self.emitted: int = 0
        """Records yielded so far (across a resumed run's runs)."""
        self.since: int | None = since
        self.started_at: int = int(now())
        """When the run started (UNIX seconds): the next run's high-water mark."""
        self.resumed: bool = False
        """Whether ``start()`` took up a run the state held."""
        self._consumed = _Consumed()
        self._recent: dict[str, int] = {}
        self._unchanged: dict[str, int] = {}
        self._partitions: list[Partition] = []
        self._scroll = False
        self.query = query

    # -- planning -------------------------------------------------------------------------

    async def start(self) -> ExportPlan | None:
        """Plan the run, or take up the one the state holds; returns the plan (None for a
        resource read as one list)."""
        previous = self.state.data.resources.get(self.resource) if self.state else None
        if previous is not None:
            self._unchanged = dict(previous.recent)
        run = self.state.data.run if self.state else None
        if run is not None and run.resource != self.resource:
            raise ConfigurationError(
                f"the state file holds an unfinished {run.resource} export: finish it first"
                " (run it again), or use another state file"
            )
        if run is not None:
            self._resume(run)
            return self.plan
        if self._explicit_since is None and previous is not None:
            self.since = previous.high_water - self.lookback
        if self.query is not None:
            self._partitions = [WHOLE]  # the caller's own search, as one stream
        elif self.resource in SEARCHED:
            if self.plan is None:
                self.plan = await plan_export(
                    self.client,
                    self.resource,
                    partitions=self._wanted_partitions,
                    per_page=self.per_page,
                    since=self.since,
                )
            self._partitions = sorted(self.plan.partitions, key=lambda p: -(p.count or 0))
        else:
            self._partitions = [WHOLE]
            if self.resource == "companies":
                first = await self.client.companies.list(per_page=1)
                self._scroll = (first.total_count or 0) > COMPANY_LIST_LIMIT
        for partition in self._partitions:
            self.progress[partition.key] = PartitionProgress(partition.key, partition.count)
        return self.plan

    def _resume(self, run: RunCheckpoint) -> None:
        self.resumed = True
        self.started_at = run.started_at
        self.since = run.since
        self._partitions = [Partition.from_json(p) for p in run.partitions]
        self._scroll = bool(run.output.get("scroll"))
        if not self._scroll:
            self._consumed = _Consumed(dict(run.cursors), set(run.finished))
            self.emitted = run.emitted
            self._recent = dict(run.recent)
        for partition in self._partitions:
            progress = PartitionProgress(partition.key, partition.count)
            progress.finished = partition.key in run.finished
            self.progress[partition.key] = progress

    @property
    def output(self) -> dict[str, Any]:
        """What the state's checkpoint says about the output (the CLI keeps its file here)."""
        run = self.state.data.run if self.state else None
        return dict(run.output) if run is not None else {}

    # -- reading --------------------------------------------------------------------------

    def _paginator(self, partition: Partition, cursor: str | int | None) -> Paginator[Any, Any]:
        if self.resource in SEARCHED:
            search: Any = _method(self.client, SEARCHED[self.resource])
            query = query_for(partition, self.since)
            if self.query is not None:
                query = self.query if self.since is None else _both(self.query, query)
            found: Paginator[Any, Any] = searching(
                search, query, SORT, per_page=self.per_page, cursor=cursor
            )
            return found
        if self._scroll:
            scrolled: Paginator[Any, Any] = self.client.companies.scroll()
            return scrolled
        listing: Any = _method(self.client, LISTED[self.resource])
        accepted = inspect.signature(listing).parameters
        options = {"per_page": self.per_page, "cursor": cursor}
        return listing(**{k: v for k, v in options.items() if k in accepted})  # type: ignore[no-any-return]

    @property
    def resumable(self) -> bool:
        """Whether a checkpoint's cursors can be taken up (a scroll can only start over)."""
        return not self._scroll

    def _wanted(self, item: dict[str, Any], seen: set[str]) -> bool:
        key = str(item.get("id"))
        if key in seen:
            return False
        seen.add(key)
        updated = item.get("updated_at")
        if not isinstance(updated, int):
            return True
        if self.since is not None and self.resource not in SEARCHED and updated < self.since:
            return False  # a list cannot ask for "changed since": it is filtered here
        return self._unchanged.get(key) != updated

    async def _full(self, conversation: dict[str, Any]) -> dict[str, Any]:
        whole: dict[str, Any] = to_dict(
            await self.client.conversations.get(str(conversation["id"]))
        )
        parts = (whole.get("conversation_parts") or {}).get("conversation_parts") or []
        # Intercom serves the most recent 500 parts: the rest cannot be read.
        whole["_parts_capped"] = len(parts) >= MAX_PARTS
        return whole

    async def _read(self, partition: Partition, queue: asyncio.Queue[Any]) -> None:
        progress = self.progress[partition.key]
        progress.started_at = time.monotonic()
        cursor = self._consumed.cursors.get(partition.key)
        paginator = self._paginator(partition, cursor).as_dicts()
        seen: set[str] = set()
        async for page in paginator.pages():
            items = [item for item in page.items if self._wanted(item, seen)]
            if self.with_parts and items:
                items = list(await asyncio.gather(*(self._full(i) for i in items)))
            await queue.put((partition.key, items, page.next_cursor))
        progress.finished = True

    async def __aiter__(self) -> AsyncIterator[Batch]:
        if not self._partitions:
            await self.start()
        todo = [p for p in self._partitions if p.key not in self._consumed.finished]
        # More streams than the limiter's slots would only queue behind them.
        slots = self.client.limiter.max_concurrency
        streams = self._concurrency or min(len(todo), slots) or 1
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=2 * streams)
        waiting: asyncio.Queue[Partition] = asyncio.Queue()
        for partition in todo:
            waiting.put_nowait(partition)

        async def worker() -> None:
            try:
                while not waiting.empty():
                    await self._read(waiting.get_nowait(), queue)
            except Exception as error:  # handed to the consumer, which raises it
                await queue.put(error)
            finally:
                await queue.put(None)

        workers = [asyncio.ensure_future(worker()) for _ in range(min(streams, len(todo)))]
        running = len(workers)
        try:
            while running:
                entry = await queue.get()
                if entry is None:
                    running -= 1
                    continue
                if isinstance(entry, Exception):
                    raise entry
                key, items, next_cursor = entry
                if items:
                    yield Batch(key, items)
                # Asked for the next batch: this one is consumed.
                self._consume(key, items, next_cursor)
        finally:
            for task in workers:
                task.cancel()
            for task in workers:
                with suppress(asyncio.CancelledError):
                    await task

    def _consume(self, key: str, items: list[dict[str, Any]], cursor: str | int | None) -> None:
        self._consumed.cursors[key] = cursor
        if cursor is None:
            self._consumed.finished.add(key)
            self.progress[key].finished = True
        self.emitted += len(items)
        self.progress[key].read += len(items)
        cutoff = self.started_at - self.lookback - RECENT_MARGIN
        for item in items:
            updated = item.get("updated_at")
            if isinstance(updated, int) and updated >= cutoff:
                self._recent[str(item.get("id"))] = updated

    # -- state ----------------------------------------------------------------------------

    def checkpoint(self, **output: Any) -> None:
        """Save how far every partition got (with ``output``, what the writer needs to resume:
        e.g. the file and its byte count); a run started from this state resumes here."""
        if self.state is None:
            return
        self.state.data.run = RunCheckpoint(
            resource=self.resource,
            started_at=self.started_at,
            since=self.since,
            partitions=[p.to_json() for p in self._partitions],
            cursors=dict(self._consumed.cursors),
            finished=sorted(self._consumed.finished),
            emitted=self.emitted,
            recent=dict(self._recent),
            output={**output, "scroll": self._scroll},
        )
        self.state.save()

    def finish(self) -> None:
        """The run read everything: the next one starts from this one's start."""
        if self.state is None:
            return
        cutoff = self.started_at - self.lookback - RECENT_MARGIN
        recent = {k: v for k, v in {**self._unchanged, **self._recent}.items() if v >= cutoff}
        self.state.data.resources[self.resource] = ResourceState(
            high_water=self.started_at, recent=recent
        )
        self.state.data.run = None
        self.state.save()


def _both(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {"operator": "AND", "value": [first, second]}


def _method(client: Intercom, dotted: str) -> Callable[..., Any]:
    target: Any = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


async def export_items(
    client: Intercom, resource: str, **options: Any
) -> AsyncIterator[dict[str, Any]]:
    """Every record of ``resource``, each once (the options are ``Export``'s)."""
    export = Export(client, resource, **options)
    async for batch in export:
        for item in batch.items:
            yield item
    export.finish()
