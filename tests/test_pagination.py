"""Every pagination shape, end to end against loopback servers."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from intercom_async import Intercom, PaginationError
from intercom_async.operations import OPERATIONS
from intercom_async.pagination import Paginator, next_cursor, page_request
from intercom_async.search import F

from .conftest import make_client, serve
from .list_server import ListServer

# style served -> (method name, args, kwargs, items key, item type, the item's identifying field)
SHAPES: dict[str, tuple[str, tuple[Any, ...], dict[str, Any], str, str, str]] = {
    "cursor": ("contacts.list", (), {}, "data", "contact", "id"),
    "search": ("contacts.search", (), {"query": F("role") == "user"}, "data", "contact", "id"),
    "page": ("companies.list_contacts", ("c1",), {}, "data", "contact", "id"),
    "page_url": ("articles.list", (), {}, "data", "article", "id"),
    "top_level_page": ("audiences.list", (), {}, "data", "audience", "id"),
    "scroll": ("companies.scroll", (), {}, "data", "company", "id"),
    "next_cursor": (
        "contacts.list_merge_history",
        ("c1",),
        {},
        "data",
        "contact",
        "source_contact_id",
    ),
    "next_url": ("events.list", (), {"type": "user"}, "events", "event", "name"),
    "unpaginated": ("tags.list", (), {}, "data", "tag", "id"),
}


def library_tasks() -> list[str]:
    """Pending tasks running intercom_async code (the test server's own tasks are left out)."""
    names = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        if code is not None and "intercom_async" in code.co_filename and not task.done():
            names.append(code.co_qualname)
    return names


def method_of(client: Intercom, name: str) -> Any:
    target: Any = client
    for part in name.split("."):
        target = getattr(target, part)
    return target


def paginator(client: Intercom, style: str, **extra: Any) -> Paginator[Any, Any]:
    name, args, kwargs, *_ = SHAPES[style]
    result: Paginator[Any, Any] = method_of(client, name)(*args, **kwargs, **extra)
    return result


@pytest.mark.parametrize("style", list(SHAPES))
async def test_every_item_exactly_once_in_order_despite_429_and_503(style: str) -> None:
    *_, key, item_type, id_field = SHAPES[style]
    faults = {} if style == "unpaginated" else {3: 429, 7: 503, 20: 503}
    server = ListServer(
        style, 5000, items_key=key, faults=faults, item_type=item_type, id_field=id_field
    )
    async with serve(server.handle) as url, make_client(url) as client:
        stream = paginator(client, style)
        ids = [getattr(item, id_field) async for item in stream]
        if style == "scroll":
            # A 503 on a scroll page restarts the scroll (resending its param could skip a
            # page on real Intercom); the 429 is sent again; the restarts skip what was seen.
            assert stream.restarts == 2
        else:
            assert client.stats.retries == len(faults)
    assert ids == [str(i) for i in range(5000)]
    if style not in ("unpaginated", "scroll"):
        assert server.requests == 34 + len(faults)


async def test_pages_carry_metadata_and_a_resumable_cursor() -> None:
    server = ListServer("cursor", 1000, per_page=100)
    async with serve(server.handle) as url, make_client(url) as client:
        stream = client.contacts.list(per_page=100)
        seen: list[str] = []
        async for page in stream.pages():
            assert page.total_count == 1000
            seen += [c.id for c in page.items]
            if len(seen) == 300:
                break
        await stream.aclose()
        # Page 3 was handed over but the consumer never asked for page 4, so page 3 is not
        # "completed": resuming repeats it rather than risk skipping it.
        assert stream.cursor == "200"
        rest = [c.id async for c in client.contacts.list(per_page=100, cursor=stream.cursor)]
    assert seen[:200] + rest == [str(i) for i in range(1000)]

    async with serve(server.handle) as url, make_client(url) as client:
        items = client.contacts.list(per_page=100)
        async with items:
            async for contact in items:
                if contact.id == "349":
                    break
        assert items.cursor == "300"  # pages 1-3 were consumed item by item


async def test_await_gives_the_first_page_and_helpers_bound_the_items() -> None:
    server = ListServer("page", 500, per_page=50)
    async with serve(server.handle) as url, make_client(url) as client:
        first_page = await client.companies.list_contacts("c1", per_page=50)
        assert [c.id for c in first_page.items] == [str(i) for i in range(50)]
        assert first_page.next_cursor == 2
        limited = [c.id async for c in client.companies.list_contacts("c1", limit=75)]
        assert limited == [str(i) for i in range(75)]
        first = await client.companies.list_contacts("c1").first()
        assert first is not None and first.id == "0"
        everything = await client.companies.list_contacts("c1", prefetch=0).to_list()
        assert len(everything) == 500


async def test_a_cursor_that_does_not_advance_is_an_error_not_a_loop() -> None:
    async def stuck(request: Any) -> Any:
        from aiohttp import web

        return web.json_response(
            {"type": "list", "data": [{"id": "x"}], "pages": {"next": {"starting_after": "same"}}}
        )

    async with serve(stuck) as url, make_client(url) as client:
        with pytest.raises(PaginationError, match="does not advance"):
            async for _ in client.contacts.list():
                pass


async def test_an_empty_page_with_a_next_keeps_going_and_null_next_stops() -> None:
    from aiohttp import web

    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        after = request.query.get("starting_after")
        calls.append(after)
        if after is None:
            return web.json_response({"data": [], "pages": {"next": {"starting_after": "a"}}})
        return web.json_response({"data": [{"id": "1"}], "pages": {"next": None}})

    async with serve(handler) as url, make_client(url) as client:
        assert [c.id async for c in client.contacts.list()] == ["1"]
    assert calls == [None, "a"]


async def test_prefetch_requests_the_next_page_before_the_consumer_finishes() -> None:
    server = ListServer("cursor", 600, per_page=100, latency=0.05)
    finished: dict[int, float] = {}
    async with serve(server.handle) as url, make_client(url) as client:
        async for page in client.contacts.list(per_page=100).pages():
            await asyncio.sleep(0.08)  # the consumer's work on this page
            finished[page.number - 1] = asyncio.get_running_loop().time()
    arrived = dict(server.arrivals)
    for index in range(5):
        assert arrived[index + 1] < finished[index], f"page {index + 1} was not prefetched"


async def test_without_prefetch_the_next_request_waits_for_the_consumer() -> None:
    server = ListServer("cursor", 300, per_page=100, latency=0.01)
    finished: dict[int, float] = {}
    async with serve(server.handle) as url, make_client(url) as client:
        async for page in client.contacts.list(per_page=100, prefetch=0).pages():
            await asyncio.sleep(0.03)
            finished[page.number - 1] = asyncio.get_running_loop().time()
    arrived = dict(server.arrivals)
    for index in range(2):
        assert arrived[index + 1] > finished[index]


@pytest.mark.parametrize("how", ["break", "aclose", "exception", "cancel"])
async def test_leaving_early_leaves_no_task_slot_or_connection(how: str) -> None:
    server = ListServer("cursor", 3000, per_page=100, latency=0.05)
    before = len(library_tasks())
    async with serve(server.handle) as url:
        client = make_client(url)
        async with client:
            stream = client.contacts.list(per_page=100, prefetch=2)

            async def consume() -> None:
                async for item in stream:
                    if item.id == "150":
                        if how == "exception":
                            raise RuntimeError("consumer failed")
                        if how in ("break", "aclose"):
                            break
                        await asyncio.sleep(10)

            if how == "cancel":
                task = asyncio.ensure_future(consume())
                await asyncio.sleep(0.3)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            elif how == "exception":
                with pytest.raises(RuntimeError):
                    async with stream:
                        await consume()
            else:
                async with stream:
                    await consume()
            assert client.limiter.borrowed == 0
            assert library_tasks() == [] and before == 0
        assert server.in_flight == 0
        connector = client.session.connector if client.session else None
        assert connector is None or connector.closed


async def test_every_list_shaped_operation_returns_the_paginator() -> None:
    client = Intercom(token="t")
    listed = [op for op in OPERATIONS.values() if op.pagination]
    assert len(listed) >= 50
    for op in listed:
        method = method_of(client, op.name)
        assert not inspect.iscoroutinefunction(method), op.name
        params = inspect.signature(method).parameters
        args = ["x"] * sum(1 for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD)
        kwargs = {
            n: {"field": "a", "operator": "=", "value": 1}
            for n, p in params.items()
            if p.kind is p.KEYWORD_ONLY and p.default is inspect.Parameter.empty
        }
        assert isinstance(method(*args, **kwargs), Paginator), op.name
    for op in OPERATIONS.values():
        if not op.pagination:
            assert inspect.iscoroutinefunction(method_of(client, op.name)), op.name


async def test_company_list_past_ten_thousand_raises_and_points_to_scroll() -> None:
    server = ListServer("page", 12_000, per_page=50)
    async with serve(server.handle) as url, make_client(url) as client:
        count = 0
        with pytest.raises(PaginationError, match="scroll"):
            async for _ in client.companies.list(per_page=50, prefetch=0):
                count += 1
    assert count == 10_000


def test_pure_cursor_rules() -> None:
    from intercom_async.models import Pages, StartingAfter

    class Raw:
        def __init__(self, **kw: Any) -> None:
            self.__dict__.update(kw)

    assert (
        next_cursor("cursor", Raw(pages=Pages(next=StartingAfter(starting_after="x"))), None, 1)
        == "x"
    )
    assert (
        next_cursor("cursor", Raw(pages=Pages(next="https://h/c?starting_after=y")), None, 1) == "y"
    )
    assert next_cursor("page", Raw(pages=Pages(page=2, total_pages=2)), 2, 1) is None
    assert next_cursor("scroll", Raw(scroll_param="s"), None, 0) is None
    query, body = page_request("search", "c", 10, {}, {"query": {}})
    assert body == {"query": {}, "pagination": {"per_page": 10, "starting_after": "c"}}
    query, _ = page_request("next_url", "https://evil.example/x?next=5", None, {"a": "1"}, None)
    assert query == {"a": "1", "next": "5"}


async def test_a_plain_break_cancels_the_prefetch() -> None:
    # Issue 12, finding 2: after a plain `break` the prefetch went on fetching pages.
    server = ListServer("cursor", 3000, latency=0.5)
    async with serve(server.handle) as url, make_client(url) as client:
        async for _contact in client.contacts.list(per_page=100, prefetch=2):
            break
        await asyncio.sleep(0.1)
        # The prefetched requests were cancelled: no slot is held, nothing more is asked.
        assert client.limiter.borrowed == 0
        assert server.requests <= 3
