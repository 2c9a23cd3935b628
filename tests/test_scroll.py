"""companies.scroll(): one scroll per client, restart with de-duplication, clear expiry errors."""

from __future__ import annotations

import asyncio

import anyio
import pytest
from aiohttp import web

from intercom_async import pagination
from intercom_async._paging import STYLES, PageContent
from intercom_async.pagination import ScrollRestartRequired

from .conftest import error_body, make_client, serve

RESTART = "Request failed due to an internal network error. Please restart the scroll operation."


class ScrollServer:
    def __init__(self, total: int, per_page: int = 100, broken_at: str | None = None) -> None:
        self.total = total
        self.per_page = per_page
        self.broken_at = broken_at
        self.active = 0
        self.overlaps = 0
        self.starts = 0

    async def handle(self, request: web.Request) -> web.Response:
        param, _size = STYLES["scroll"].asked(request.query, None)
        if param is None:
            self.starts += 1
            self.active += 1
            if self.active > 1:
                self.overlaps += 1
        if param is not None and param == self.broken_at:
            self.broken_at = None
            self.active -= 1
            return web.json_response(error_body("server_error", RESTART), status=500)
        await asyncio.sleep(0.005)
        start = int(param or 0)
        end = min(start + self.per_page, self.total)
        data = [{"type": "company", "id": str(i)} for i in range(start, end)]
        if not data:
            self.active -= 1
        return web.json_response(STYLES["scroll"].render(PageContent(data, str(end))))


async def test_restart_after_intercom_asks_yields_each_company_once() -> None:
    server = ScrollServer(1000, broken_at="300")
    async with serve(server.handle) as url, make_client(url, max_retries=0) as client:
        stream = client.companies.scroll()
        ids = [c.id async for c in stream]
    assert ids == [str(i) for i in range(1000)]
    assert stream.restarts == 1 and server.starts == 2


async def test_restart_can_raise_instead() -> None:
    server = ScrollServer(1000, broken_at="300")
    async with serve(server.handle) as url, make_client(url, max_retries=0) as client:
        seen: list[str] = []
        with pytest.raises(ScrollRestartRequired, match="restart the scroll"):
            async for company in client.companies.scroll(scroll_restart="raise"):
                seen.append(str(company.id))
    assert len(seen) == 300


async def test_two_scrolls_of_one_client_take_turns() -> None:
    server = ScrollServer(500)
    results: list[list[str]] = []
    async with serve(server.handle) as url, make_client(url) as client:

        async def scroll_all() -> None:
            results.append([str(c.id) async for c in client.companies.scroll()])

        async with anyio.create_task_group() as tg:
            tg.start_soon(scroll_all)
            tg.start_soon(scroll_all)
    assert server.overlaps == 0 and server.starts == 2
    assert results == [[str(i) for i in range(500)]] * 2


async def test_a_consumer_slower_than_the_expiry_gets_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pagination, "SCROLL_EXPIRY_SECONDS", 0.2)
    server = ScrollServer(1000)
    async with serve(server.handle) as url, make_client(url) as client:
        with pytest.raises(ScrollRestartRequired, match="too slow"):
            async for page in client.companies.scroll().pages():
                await asyncio.sleep(0.3)
                assert page.items


async def test_a_plain_break_out_of_a_scroll_frees_the_client_for_later_scrolls() -> None:
    # Issue 12, finding 2: the scroll lock was released from the finalizer's task and stayed
    # held, so every later scroll of the client hung.
    server = ScrollServer(300)
    async with serve(server.handle) as url, make_client(url) as client:
        async for _company in client.companies.scroll():
            break
        with anyio.fail_after(10):
            for _ in range(3):
                ids = [str(c.id) async for c in client.companies.scroll()]
                assert ids == [str(i) for i in range(300)]
