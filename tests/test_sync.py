"""Bulk sync (intercom_async.sync) against FakeIntercom: partitioned, incremental, resumable,
exact — with the fake matching contact dates by calendar day, as Intercom does."""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from intercom_async import Intercom
from intercom_async.sync import Export, SyncState, plan_export, query_for
from intercom_async.sync._partitions import Partition, even_edges, ranges
from intercom_async.testing import FakeIntercom

DAY = 86_400
NOON = 1_699_963_200  # 2023-11-14 12:00:00 UTC


async def _everything(export: Export) -> collections.Counter[str]:
    seen: collections.Counter[str] = collections.Counter()
    async for batch in export:
        seen.update(str(item["id"]) for item in batch.items)
    return seen


def test_partitions_cover_every_moment_once() -> None:
    edges = even_edges(1_000, 9_000, 8)
    parts = ranges(edges)
    assert len(parts) == 8 and parts[0].lower is None and parts[-1].upper is None
    for moment in range(900, 9_100, 7):
        holding = [
            p
            for p in parts
            if (p.lower is None or moment >= p.lower) and (p.upper is None or moment < p.upper)
        ]
        assert len(holding) == 1, moment


def test_a_partition_query_asks_edges_the_way_contact_search_allows() -> None:
    query = query_for(Partition(100, 200), since=50)
    operators = {f["operator"] for f in _filters(query)}
    # `>=` and `<=` are refused on contact dates; `(> T) OR (= T)` and `<` are not.
    assert operators <= {">", "=", "<"}


def _filters(query: dict[str, Any]) -> list[dict[str, Any]]:
    if "field" in query:
        return [query]
    return [f for part in query["value"] for f in _filters(part)]


async def test_partitioned_export_with_faults_reads_every_contact_exactly_once() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=20_000)
        # Dropped connections, 500s and 429s: retried, paced, never a lost or doubled page.
        fake.inject(status=503, method="POST", path="/contacts/search", probability=0.05)
        fake.inject(drop="after", method="POST", path="/contacts/search", probability=0.02)
        fake.inject(status=429, method="POST", path="/contacts/search", probability=0.02)
        async with fake.client(max_retries=8) as client:
            export = Export(client, "contacts", partitions=8)
            plan = await export.start()
            assert plan is not None and len(plan.partitions) >= 8
            seen = await _everything(export)
        assert set(seen) == set(fake.store.contacts)
        assert max(seen.values()) == 1
        assert sum(f.hits for f in fake.faults) > 0


async def test_a_heavy_import_day_is_split_by_id() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=6_000)
        records = list(fake.store.contacts.values())
        # A third of the workspace imported within one day; the rest spread over a year.
        for index, record in enumerate(records):
            record["created_at"] = (
                NOON + index % 3_600 if index % 3 == 0 else NOON - DAY * (1 + index % 365)
            )
        async with fake.client() as client:
            export = Export(client, "contacts", partitions=8)
            plan = await export.start()
            assert plan is not None
            assert any(p.id_suffix for p in plan.partitions), "the heavy day was not split"
            largest = max(p.count or 0 for p in plan.partitions)
            assert largest <= 2 * len(records) / 8  # no partition holds the whole day
            seen = await _everything(export)
        assert set(seen) == set(fake.store.contacts) and max(seen.values()) == 1


def _contacts_updated(fake: FakeIntercom, stamps: dict[str, int]) -> None:
    for contact_id, stamp in stamps.items():
        fake.store.contacts[contact_id]["updated_at"] = stamp


async def test_incremental_runs_find_updates_later_on_the_last_syncs_day(tmp_path: Path) -> None:
    state = SyncState.load(tmp_path / "state.json")
    async with FakeIntercom() as fake:
        fake.seed(contacts=3_000)
        ids = list(fake.store.contacts)
        # Before the first run: every contact last updated within the ten days before NOON.
        rng = random.Random(7)
        _contacts_updated(fake, {i: NOON - rng.randrange(0, 10 * DAY) for i in ids})
        async with fake.client() as client:
            first = Export(client, "contacts", state=state, now=lambda: NOON)
            assert len(await _everything(first)) == 3_000
            first.finish()
            # After it: 1,000 contacts change, many later on NOON's own day.
            changed = rng.sample(ids, 1_000)
            _contacts_updated(fake, {i: NOON + rng.randrange(1, DAY // 2) for i in changed})
            # The trap: searching `updated_at > last_sync` matches by day and skips NOON's day.
            naive = {
                c.id
                async for c in client.contacts.search(
                    query={"field": "updated_at", "operator": ">", "value": NOON}
                )
            }
            assert len(naive) < 1_000
            second = Export(
                client, "contacts", state=SyncState.load(state.path), now=lambda: NOON + DAY
            )
            seen = await _everything(second)
            second.finish()
    # Exactly the changed ones: the overlap the day rule re-reads is recognised as unchanged.
    assert set(seen) == set(changed) and max(seen.values()) == 1


async def test_the_plan_matches_what_the_run_does() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=9_000)
        async with fake.client() as client:
            plan = await plan_export(client, "contacts", partitions=6)
        async with fake.client() as client:
            export = Export(client, "contacts", partitions=6)
            await _everything(export)
            used = client.stats.requests
    assert plan.total_count == 9_000
    assert abs(used - plan.requests) <= 0.1 * plan.requests, (used, plan.requests)
    assert plan.estimated_seconds() is not None


async def test_conversations_with_parts_are_read_in_full_and_capped_ones_marked() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=50, conversations=40)
        chatty = next(iter(fake.store.conversations.values()))
        part = chatty["conversation_parts"]["conversation_parts"][0]
        chatty["conversation_parts"]["conversation_parts"] = [
            {**part, "id": str(10_000 + n)} for n in range(600)
        ]
        async with fake.client() as client:
            export = Export(client, "conversations", with_parts=True)
            items = [item async for batch in export for item in batch.items]
    assert len(items) == 40
    assert all("conversation_parts" in item for item in items)
    capped = [item for item in items if item["_parts_capped"]]
    assert [item["id"] for item in capped] == [chatty["id"]]


async def test_companies_past_ten_thousand_are_read_by_the_scroll() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=10, companies=10_050)
        async with fake.client() as client:
            export = Export(client, "companies")
            await export.start()
            seen = await _everything(export)
            scrolled = any(r.path == "/companies/scroll" for r in fake.requests)
    assert scrolled and len(seen) == 10_050 and max(seen.values()) == 1


async def test_a_run_interrupted_part_way_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=4_000)
        async with fake.client() as client:
            state = SyncState.load(tmp_path / "state.json")
            export = Export(client, "contacts", partitions=5, state=state)
            written: list[str] = []
            stop_after = random.Random(3).randrange(5, 20)
            async for number, batch in _numbered(export):
                export.checkpoint()  # before this batch: it is not counted yet
                if number == stop_after:
                    break
                written.extend(str(i["id"]) for i in batch.items)
            again = Export(client, "contacts", state=SyncState.load(state.path))
            await again.start()
            assert again.resumed
            async for batch in again:
                written.extend(str(i["id"]) for i in batch.items)
    assert len(written) == 4_000 == len(set(written))


async def _numbered(export: Export) -> Any:
    number = 0
    async for batch in export:
        number += 1
        yield number, batch


WRITER = """
import sys
from pathlib import Path
from intercom_async.sync import SyncState
from intercom_async.sync._state import ResourceState
state = SyncState(Path(sys.argv[1]))
n = 0
while True:
    n += 1
    recent = {str(i): n for i in range(2000)}
    state.data.resources["contacts"] = ResourceState(high_water=n, recent=recent)
    state.save()
    print(n, flush=True)
"""


def test_the_state_file_is_never_half_written(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    rng = random.Random(11)
    last = 0
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None
        writer.stdout.readline()  # it has written once
        time.sleep(rng.uniform(0.01, 0.2))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
        writer.stdout.close()
        loaded = SyncState.load(path)  # whole: it decodes, with every entry
        resource = loaded.data.resources["contacts"]
        assert len(resource.recent) == 2000
        assert set(resource.recent.values()) == {resource.high_water}
        last = resource.high_water
    assert last > 0
    leftovers = [p for p in tmp_path.iterdir() if p.name != "state.json"]
    assert all(p.name.endswith(".tmp") for p in leftovers)


def test_a_state_file_that_is_not_one_is_a_clear_error(tmp_path: Path) -> None:
    from intercom_async import ConfigurationError

    path = tmp_path / "state.json"
    path.write_bytes(msgspec.json.encode({"format": 99}))
    with pytest.raises(ConfigurationError, match="format 99"):
        SyncState.load(path)
    path.write_text("{not json")
    with pytest.raises(ConfigurationError, match="not a sync state"):
        SyncState.load(path)


async def test_bad_export_options_are_clear_errors() -> None:
    from intercom_async import ConfigurationError

    async with Intercom(token="t", base_url="http://127.0.0.1:9") as client:
        with pytest.raises(ConfigurationError, match="cannot export"):
            Export(client, "nothing")
        with pytest.raises(ConfigurationError, match="partitions"):
            Export(client, "contacts", partitions=0)
        with pytest.raises(ConfigurationError, match="with_parts"):
            Export(client, "contacts", with_parts=True)


async def test_a_state_holding_another_resources_run_is_not_overwritten(tmp_path: Path) -> None:
    from intercom_async import ConfigurationError

    async with FakeIntercom() as fake:
        fake.seed(contacts=400, companies=20)
        async with fake.client() as client:
            state = SyncState.load(tmp_path / "state.json")
            export = Export(client, "contacts", state=state)
            async for _batch in export:
                export.checkpoint()
                break
            other = Export(client, "companies", state=SyncState.load(state.path))
            with pytest.raises(ConfigurationError, match="unfinished contacts export"):
                await other.start()
    assert SyncState.load(state.path).data.run is not None


async def test_a_search_that_refuses_the_id_split_leaves_the_day_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from intercom_async.testing._handlers import HANDLERS
    from intercom_async.testing._store import error

    searching = HANDLERS["contacts.search"]

    async def refusing_id_suffixes(ctx: Any) -> Any:
        if b'"$"' in msgspec.json.encode(ctx.body):
            return error(400, "parameter_invalid", "operator $ is not allowed for id")
        return await searching(ctx)

    monkeypatch.setitem(HANDLERS, "contacts.search", refusing_id_suffixes)
    async with FakeIntercom() as fake:
        fake.seed(contacts=3_000)
        for index, record in enumerate(fake.store.contacts.values()):
            record["created_at"] = NOON + index % 600 if index % 2 else NOON - DAY * (index % 90)
        async with fake.client() as client:
            export = Export(client, "contacts", partitions=6)
            plan = await export.start()
            assert plan is not None and not any(p.id_suffix for p in plan.partitions)
            seen = await _everything(export)
    assert set(seen) == set(fake.store.contacts) and max(seen.values()) == 1
