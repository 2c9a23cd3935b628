"""Pagination as real Intercom paginates (issue 13), against loopback servers that behave so."""

from __future__ import annotations

import asyncio
import time

import anyio
import pytest
from aiohttp import web

from intercom_async import DecodeError
from intercom_async._paging import STYLES, PageContent
from intercom_async.pagination import ScrollRestartRequired
from intercom_async.search import F

from .conftest import error_body, make_client, serve
from .list_server import EMPTY_200, TRUNCATED_200, ListServer


class IntercomScroll:
    """A scroll as Intercom runs it: one constant ``scroll_param`` per scroll, the position kept
    on the server, one open scroll per app, ``pages: null`` and ``total_count: null``.

    ``drop_after_page`` advances the position and then drops the connection (a lost answer);
    ``exists_until`` answers ``scroll_exists`` to new scrolls before that time.
    """

    def __init__(self, total: int, per_page: int = 100, *, constant: bool = True) -> None:
        self.total = total
        self.per_page = per_page
        self.constant = constant
        self.positions: dict[str, int] = {}
        self.scrolls = 0
        self.in_flight = 0
        self.overlaps = 0
        self.drop_after_page: int | None = None
        self.pages_served = 0
        self.exists_until = 0.0
        self.arrivals: list[float] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.arrivals.append(time.monotonic())
        self.in_flight += 1
        if self.in_flight > 1:
            self.overlaps += 1
        try:
            await asyncio.sleep(0.002)
            return self._answer(request)
        finally:
            self.in_flight -= 1

    def _answer(self, request: web.Request) -> web.Response:
        param, _size = STYLES["scroll"].asked(request.query, None)
        if param is None:
            if time.monotonic() < self.exists_until:
                return web.json_response(
                    error_body("scroll_exists", "scroll already exists for this app"), status=400
                )
            self.scrolls += 1
            param = f"scroll-{self.scrolls}"
            self.positions[param] = 0
        if param not in self.positions:
            return web.json_response(error_body("not_found", "scroll_param not found"), status=404)
        start = self.positions[param]
        end = min(start + self.per_page, self.total)
        data = [{"type": "company", "id": str(i)} for i in range(start, end)]
        del self.positions[param]
        following = param if self.constant else f"{param}.{end}"
        self.positions[following] = end
        self.pages_served += 1
        body = STYLES["scroll"].render(PageContent(data, following))
        if self.drop_after_page == self.pages_served:
            self.drop_after_page = None
            assert request.transport is not None
            request.transport.close()  # the position moved on; the answer never arrives
        return web.json_response(body)


@pytest.mark.parametrize("constant", [True, False])
async def test_scroll_yields_every_company_once_whatever_the_param_does(constant: bool) -> None:
    server = IntercomScroll(1200, constant=constant)
    async with serve(server.handle) as url, make_client(url) as client:
        ids = [str(c.id) async for c in client.companies.scroll(prefetch=3)]
    assert ids == [str(i) for i in range(1200)]
    assert server.overlaps == 0  # strictly one page at a time, prefetch or not
    assert server.scrolls == 1


async def test_a_lost_scroll_page_restarts_the_scroll_instead_of_skipping_it() -> None:
    server = IntercomScroll(1200)
    server.drop_after_page = 4
    async with serve(server.handle) as url, make_client(url) as client:
        stream = client.companies.scroll()
        ids = [str(c.id) async for c in stream]
    assert sorted(ids, key=int) == [str(i) for i in range(1200)]
    assert len(ids) == len(set(ids)) == 1200
    assert stream.restarts == 1 and server.scrolls == 2


async def test_a_lost_scroll_page_can_raise_instead() -> None:
    server = IntercomScroll(1200)
    server.drop_after_page = 4
    async with serve(server.handle) as url, make_client(url) as client:
        seen: list[str] = []
        with pytest.raises(ScrollRestartRequired):
            async for company in client.companies.scroll(scroll_restart="raise"):
                seen.append(str(company.id))
    assert len(seen) == 300  # the three pages before the lost one, and no silent gap after


async def test_scroll_exists_waits_for_the_other_scroll_then_starts() -> None:
    server = IntercomScroll(300)
    server.exists_until = time.monotonic() + 3.0
    async with serve(server.handle) as url, make_client(url) as client:
        with anyio.fail_after(20):
            ids = [str(c.id) async for c in client.companies.scroll()]
    assert ids == [str(i) for i in range(300)]
    first = server.arrivals[0]
    assert len([t for t in server.arrivals if t < first + 3.0]) < 10


def _cursor_server(fault: int) -> ListServer:
    return ListServer("cursor", 600, per_page=100, faults={3: fault})


@pytest.mark.parametrize("fault", [EMPTY_200, TRUNCATED_200])
async def test_a_bad_200_on_page_3_of_a_list_is_fetched_again(fault: int) -> None:
    server = _cursor_server(fault)
    async with serve(server.handle) as url, make_client(url) as client:
        ids = [str(c.id) async for c in client.contacts.list(per_page=100, prefetch=0)]
        assert client.stats.retries == 1
    assert ids == [str(i) for i in range(600)]


@pytest.mark.parametrize("fault", [EMPTY_200, TRUNCATED_200])
async def test_a_bad_200_on_page_3_of_a_search_is_fetched_again(fault: int) -> None:
    server = ListServer("search", 600, per_page=100, faults={3: fault})
    async with serve(server.handle) as url, make_client(url) as client:
        found = client.contacts.search(query=F("role") == "user", per_page=100, prefetch=0)
        ids = [str(c.id) async for c in found]
        assert client.stats.retries == 1
    assert ids == [str(i) for i in range(600)]


async def test_get_on_an_empty_200_raises_and_never_returns_none() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200, body=b"", content_type="application/json")

    async with serve(handler) as url, make_client(url, max_retries=2) as client:
        with pytest.raises(DecodeError, match="empty") as caught:
            await client.contacts.get("c1")
        assert caught.value.status == 200
        assert client.stats.retries == 2


async def test_an_error_list_in_a_200_is_not_an_object() -> None:
    calls = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return web.json_response(error_body("server_error", "try again"), status=200)
        return web.json_response({"type": "contact", "id": "c1"})

    async with serve(handler) as url, make_client(url) as client:
        got = await client.contacts.get("c1")
    assert got.id == "c1" and calls == 2


async def test_a_create_answered_by_an_empty_200_is_not_resent() -> None:
    calls = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        return web.Response(status=200, body=b"", content_type="application/json")

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(DecodeError):
            await client.contacts.create(email="a@example.com")
    assert calls == 1
