"""A loopback server that serves N items in any of Intercom's pagination shapes."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from aiohttp import web

from intercom_async._paging import STYLES, PageContent

from .conftest import rate_limited

# Fault kinds besides HTTP statuses: a 200 with an empty body, and one cut short.
EMPTY_200 = -200
TRUNCATED_200 = -201


class ListServer:
    def __init__(
        self,
        style: str,
        total: int,
        *,
        per_page: int = 150,
        items_key: str = "data",
        faults: dict[int, int] | None = None,
        latency: float = 0.0,
        item_type: str = "contact",
        id_field: str = "id",
        cap: int | None = None,
    ) -> None:
        self.cap = cap
        """Serve at most this many items (as GET /companies does), total_count still whole."""
        self.style = style
        self.total = total
        self.per_page = per_page
        self.items_key = items_key
        self.faults = dict(faults or {})
        self.latency = latency
        self.item_type = item_type
        self.id_field = id_field
        self.requests = 0
        self.arrivals: list[tuple[int, float]] = []
        """(page index asked for, monotonic arrival time) of each served request."""
        self.in_flight = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        fault = self.faults.pop(self.requests, None)
        if fault == 429:
            return rate_limited(100, math.floor(time.time()) + 1)
        if fault == EMPTY_200:
            return web.Response(status=200, body=b"", content_type="application/json")
        if fault == TRUNCATED_200:
            # A whole response whose JSON ends early (Content-Length matches what is sent).
            whole = json.dumps(await self._page(request)).encode()
            return web.Response(
                status=200, body=whole[: len(whole) // 2], content_type="application/json"
            )
        if fault is not None:
            return web.Response(status=fault, text="<html>unavailable</html>")
        self.in_flight += 1
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            body = await self._page(request)
        finally:
            self.in_flight -= 1
        return web.json_response(body)

    async def _page(self, request: web.Request) -> dict[str, Any]:
        # "page" and "page_url" are the two variants of page numbers Intercom sends: total_pages
        # without a next link, and a next link without total_pages.
        style = "page" if self.style == "page_url" else self.style
        shape = STYLES[style]  # type: ignore[index]
        body = await request.json() if shape.in_body else None
        asked, _size = shape.asked(request.query, body)
        if style in ("page", "top_level_page"):
            start = (int(asked or 1) - 1) * self.per_page
        else:
            start = int(asked or 0)
        index = start // self.per_page
        self.arrivals.append((index, time.monotonic()))
        reachable = self.total if self.cap is None else min(self.cap, self.total)
        if style == "unpaginated":
            items = [self._item(i) for i in range(self.total)]
            end = reachable = self.total
        else:
            items = [self._item(i) for i in range(start, min(start + self.per_page, reachable))]
            end = start + len(items)
        more = end < reachable
        following: str | None = None
        if style == "scroll":
            following = str(end) if items else str(start)
        elif more and self.style == "page_url":
            following = f"https://api.intercom.io/x?page={index + 2}"
        elif more and style == "next_url":
            following = f"https://api.intercom.io/events?next={end}&type=user"
        elif more and style not in ("page", "top_level_page"):
            following = str(end)
        page = shape.render(
            PageContent(
                items=items,
                following=following,
                number=index + 1,
                per_page=self.per_page,
                total_count=self.total,
                total_pages=max(1, math.ceil(reachable / self.per_page)),
                items_key=self.items_key,
            )
        )
        if self.style == "page":
            del page["pages"]["next"]
        elif self.style == "page_url":
            del page["pages"]["total_pages"]
        return page

    def _item(self, index: int) -> dict[str, Any]:
        return {"type": self.item_type, self.id_field: str(index)}
