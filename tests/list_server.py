"""A loopback server that serves N items in any of Intercom's pagination shapes."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from aiohttp import web

from .conftest import error_body

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
    ) -> None:
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

    def _slice(self, start: int) -> list[dict[str, Any]]:
        end = min(start + self.per_page, self.total)
        return [{"type": self.item_type, self.id_field: str(i)} for i in range(start, end)]

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        fault = self.faults.pop(self.requests, None)
        if fault == 429:
            reset = math.floor(time.time()) + 1
            headers = {
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
            }
            return web.json_response(
                error_body("rate_limit_exceeded", "slow down"), status=429, headers=headers
            )
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
        q = request.query
        style = self.style
        if style == "search":
            paging = (await request.json()).get("pagination") or {}
            start = int(paging.get("starting_after") or 0)
        elif style == "cursor":
            start = int(q.get("starting_after") or 0)
        elif style in ("page", "page_url", "top_level_page"):
            start = (int(q.get("page") or 1) - 1) * self.per_page
        elif style == "scroll":
            start = int(q.get("scroll_param") or 0)
        elif style == "next_cursor":
            start = int(q.get("cursor") or 0)
        elif style == "next_url":
            start = int(q.get("next") or 0)
        else:
            start = 0
        index = start // self.per_page
        self.arrivals.append((index, time.monotonic()))
        if style == "unpaginated":
            everything = self._slice(0) + [
                {"type": self.item_type, self.id_field: str(i)}
                for i in range(self.per_page, self.total)
            ]
            return {"type": "list", self.items_key: everything}
        items = self._slice(start)
        end = start + len(items)
        more = end < self.total
        page_number = index + 1
        total_pages = max(1, math.ceil(self.total / self.per_page))
        body: dict[str, Any] = {"type": "list", self.items_key: items, "total_count": self.total}
        if style in ("cursor", "search"):
            body["pages"] = {
                "type": "pages",
                "per_page": self.per_page,
                "next": {"starting_after": str(end)} if more else None,
            }
        elif style == "page":
            body["pages"] = {
                "type": "pages",
                "page": page_number,
                "per_page": self.per_page,
                "total_pages": total_pages,
            }
        elif style == "page_url":
            body["pages"] = {
                "type": "pages",
                "page": page_number,
                "per_page": self.per_page,
                "next": f"https://api.intercom.io/x?page={page_number + 1}" if more else None,
            }
        elif style == "top_level_page":
            body.update(page=page_number, total_pages=total_pages)
        elif style == "scroll":
            body["scroll_param"] = str(end) if items else str(start)
        elif style == "next_cursor":
            body.update(next_cursor=str(end) if more else None, has_more=more)
        elif style == "next_url":
            body["pages"] = {
                "type": "pages",
                "next": f"https://api.intercom.io/events?next={end}&type=user" if more else None,
            }
        return body
