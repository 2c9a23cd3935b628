"""The three clients the benchmarks compare, each doing the same job against bench._server."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import msgspec

from intercom_async import Intercom
from intercom_async._decode import decoder_for
from intercom_async.operations import OPERATIONS

from . import minimal_models

HEADERS = {
    "Authorization": "Bearer bench",
    "Accept": "application/json",
    "Intercom-Version": "2.16",
}


async def list_minimal(url: str) -> int:
    """A bare aiohttp + msgspec loop decoding into minimal hand-written Structs."""
    decoder = msgspec.json.Decoder(minimal_models.ContactList)
    return await _list_with(url, decoder)


async def list_bare(url: str) -> int:
    """A bare aiohttp + msgspec loop, decoding into the same generated models."""
    return await _list_with(url, decoder_for(OPERATIONS["contacts.list"].response_type))


async def _list_with(url: str, decoder: msgspec.json.Decoder[Any]) -> int:
    # Like every client here, the contacts are kept while the page is in use and the count
    # is taken from them; aiohttp asks for gzip and inflates, as in the other clients.
    count = 0
    async with aiohttp.ClientSession() as session:
        cursor: str | None = None
        while True:
            params = {"per_page": "150"} | ({"starting_after": cursor} if cursor else {})
            async with session.get(f"{url}/contacts", params=params, headers=HEADERS) as resp:
                page = decoder.decode(await resp.read())
            count += sum(1 for contact in page.data or [] if contact is not None)
            following = page.pages.next if page.pages else None
            cursor = getattr(following, "starting_after", None)
            if not cursor:
                return count


async def list_ours(url: str, prefetch: int = 1, work_per_page: float = 0.0) -> int:
    """Stream every contact; ``work_per_page`` simulates the caller's I/O per page."""
    count = 0
    async with Intercom(token="bench", base_url=url) as client:
        if not work_per_page:
            async for _contact in client.contacts.list(per_page=150, prefetch=prefetch):
                count += 1
            return count
        async for page in client.contacts.list(per_page=150, prefetch=prefetch).pages():
            count += len(page.items)
            await asyncio.sleep(work_per_page)
    return count


async def list_sdk(url: str) -> int:
    """The official SDK's async client (python-intercom, httpx + pydantic)."""
    import httpx
    from intercom import AsyncIntercom

    async with httpx.AsyncClient(timeout=60) as http:
        client = AsyncIntercom(token="bench", base_url=url, httpx_client=http)
        count = 0
        pager = await client.contacts.list(per_page=150)
        async for _contact in pager:
            count += 1
    return count


async def _gather_bounded(calls: list[Any], concurrency: int) -> None:
    semaphore = asyncio.Semaphore(concurrency)

    async def run(call: Any) -> None:
        async with semaphore:
            await call()

    await asyncio.gather(*(run(call) for call in calls))


async def reads_bare(url: str, count: int, concurrency: int) -> int:
    decoder = decoder_for(OPERATIONS["contacts.get"].response_type)
    connector = aiohttp.TCPConnector(limit=concurrency)
    # Like every client here, the results are kept: a caller reads contacts to use them (and
    # holding them changes what the garbage collector has to walk).
    results: list[Any] = []
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int) -> None:
            async with session.get(f"{url}/contacts/c{i}", headers=HEADERS) as resp:
                results.append(decoder.decode(await resp.read()))

        await _gather_bounded([lambda i=i: one(i) for i in range(count)], concurrency)
    return len(results)


async def reads_ours(url: str, count: int, concurrency: int) -> int:
    async with Intercom(token="bench", base_url=url, max_concurrency=concurrency) as client:
        await asyncio.gather(*(client.contacts.get(f"c{i}") for i in range(count)))
    return count


async def reads_ours_traced(url: str, count: int, concurrency: int) -> int:
    """Point reads with OpenTelemetry hooks on, exporting to memory (the SDK's own cost too)."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from intercom_async.otel import OpenTelemetryHooks

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    hooks = OpenTelemetryHooks(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[InMemoryMetricReader()]),
    )
    async with Intercom(
        token="bench", base_url=url, max_concurrency=concurrency, hooks=[hooks]
    ) as client:
        await asyncio.gather(*(client.contacts.get(f"c{i}") for i in range(count)))
    return count


async def reads_sdk(url: str, count: int, concurrency: int) -> int:
    import httpx
    from intercom import AsyncIntercom

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    http = httpx.AsyncClient(limits=limits, timeout=60)
    client = AsyncIntercom(token="bench", base_url=url, httpx_client=http)
    results: list[Any] = []

    async def one(i: int) -> None:
        results.append(await client.contacts.find(contact_id=f"c{i}"))

    await _gather_bounded([lambda i=i: one(i) for i in range(count)], concurrency)
    await http.aclose()
    return len(results)
