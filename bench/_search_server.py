"""A contact-search server for the export benchmark, run in its own process.

    python -m bench._search_server --total 200000 --latency 0.25 --window 1666/10  # "PORT <n>"

Like Intercom's contact search on the numbered versions it compares ``created_at`` and
``updated_at`` by calendar day in the workspace's timezone (here UTC-5, which the client is not
told), pages by an opaque cursor, adds ``latency`` to every answer and enforces a rate window
with 429s. A third of the contacts were imported on one day. It understands the query shapes
``intercom_async.sync`` sends (ranges, an id suffix, ``updated_at`` since) and answers 400 to
anything else, so a misunderstanding cannot pass for a result. ``POST /_touch`` updates
contacts (``{"ids": [...], "updated_at": [...]}``) for the incremental run.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import math
import random
import time
from typing import Any

import msgspec
from aiohttp import web

from ._harness import serve_until_killed

DAY = 86_400
WORKSPACE_OFFSET = -5 * 3600  # the workspace's timezone: days start at 05:00 UTC
START = 1_640_995_200  # 2022-01-01
IMPORT_DAY = START + 400 * DAY


def day(moment: int) -> int:
    return (moment + WORKSPACE_OFFSET) // DAY


class Unsupported(Exception):
    pass


class Contacts:
    def __init__(self, total: int, seed: int = 5) -> None:
        rng = random.Random(seed)
        created = []
        for index in range(total):
            if index % 3 == 0:
                created.append(IMPORT_DAY + rng.randrange(0, 6 * 3600))  # the import
            else:
                created.append(START + rng.randrange(0, 730 * DAY))
        created.sort()
        self.ids = [f"{0x650000000000000000000000 + i * 7919:024x}" for i in range(total)]
        self.created = created
        self.created_day = [day(c) for c in created]
        self.updated = [c + rng.randrange(0, 30 * DAY) for c in created]
        self.cache: dict[bytes, list[int]] = {}

    def record(self, index: int) -> dict[str, Any]:
        return {
            "type": "contact",
            "id": self.ids[index],
            "role": "user",
            "email": f"user{index}@example.com",
            "created_at": self.created[index],
            "updated_at": self.updated[index],
        }

    def matching(self, query: dict[str, Any]) -> list[int]:
        key = msgspec.json.encode(query)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._evaluate(query)
        return found

    def _evaluate(self, query: dict[str, Any]) -> list[int]:
        lower_day, upper_day = -(10**9), 10**9
        suffix: str | None = None
        updated_from: int | None = None
        parts = query["value"] if query.get("operator") == "AND" else [query]
        for part in parts:
            field, bound = _bound(part)
            if field == "created_at>=":
                lower_day = max(lower_day, day(bound))
            elif field == "created_at<":
                upper_day = min(upper_day, day(bound))
            elif field == "updated_at>=":
                updated_from = day(bound)
            elif field == "id$":
                suffix = str(bound)
            else:
                raise Unsupported(field)
        start = bisect.bisect_left(self.created_day, lower_day)
        stop = bisect.bisect_left(self.created_day, upper_day)
        return [
            i
            for i in range(start, stop)
            if (suffix is None or self.ids[i].endswith(suffix))
            and (updated_from is None or day(self.updated[i]) >= updated_from)
        ]


def _bound(part: dict[str, Any]) -> tuple[str, Any]:
    if "field" in part:
        if part["operator"] == "<" and part["field"] == "created_at":
            return "created_at<", int(part["value"])
        if part["operator"] == "$" and part["field"] == "id":
            return "id$", part["value"]
        raise Unsupported(f"{part['field']} {part['operator']}")
    # (> T) OR (= T): T's day and after.
    values = part.get("value") or []
    fields = {v.get("field") for v in values}
    operators = sorted(v.get("operator") for v in values)
    if part.get("operator") == "OR" and len(fields) == 1 and operators == ["=", ">"]:
        bounds = {v["value"] for v in values}
        if len(bounds) == 1:
            return f"{fields.pop()}>=", int(bounds.pop())
    raise Unsupported("group")


def build_app(contacts: Contacts, latency: float, window: tuple[int, int]) -> web.Application:
    counts: dict[int, int] = {}
    stats = {"429": 0, "served": 0}
    limit, seconds = window

    @web.middleware
    async def windows(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/_"):
            return await handler(request)
        index = math.floor(time.time() / seconds)
        used = counts[index] = counts.get(index, 0) + 1
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str((index + 1) * seconds),
        }
        await asyncio.sleep(latency)
        if used > limit:
            stats["429"] += 1
            body = {"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}
            return web.json_response(body, status=429, headers=headers)
        stats["served"] += 1
        response = await handler(request)
        response.headers.update(headers)
        return response

    async def search(request: web.Request) -> web.Response:
        body = msgspec.json.decode(await request.read())
        try:
            found = contacts.matching(body["query"])
        except (Unsupported, KeyError, TypeError, ValueError) as error:
            problem = {"code": "parameter_invalid", "message": f"unsupported: {error}"}
            return web.json_response({"type": "error.list", "errors": [problem]}, status=400)
        if (body.get("sort") or {}).get("order") == "descending":
            found = found[::-1]
        paging = body.get("pagination") or {}
        per_page = int(paging.get("per_page", 50))
        offset = int(paging.get("starting_after") or 0)
        chunk = found[offset : offset + per_page]
        following = offset + per_page
        page = {
            "type": "list",
            "data": [contacts.record(i) for i in chunk],
            "total_count": len(found),
            "pages": {
                "type": "pages",
                "per_page": per_page,
                "total_pages": max(1, math.ceil(len(found) / per_page)),
                "next": {"per_page": per_page, "starting_after": str(following)}
                if following < len(found)
                else None,
            },
        }
        return web.Response(body=msgspec.json.encode(page), content_type="application/json")

    async def touch(request: web.Request) -> web.Response:
        body = msgspec.json.decode(await request.read())
        position = {contact_id: i for i, contact_id in enumerate(contacts.ids)}
        for contact_id, stamp in zip(body["ids"], body["updated_at"], strict=True):
            contacts.updated[position[contact_id]] = int(stamp)
        contacts.cache.clear()
        return web.json_response({"touched": len(body["ids"])})

    async def read_stats(request: web.Request) -> web.Response:
        return web.json_response(stats)

    app = web.Application(middlewares=[windows], client_max_size=64 * 1024**2)
    app.router.add_post("/contacts/search", search)
    app.router.add_post("/_touch", touch)
    app.router.add_get("/_stats", read_stats)
    return app


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--window", default="1666/10")
    args = parser.parse_args()
    limit, seconds = (int(x) for x in args.window.split("/"))
    await serve_until_killed(build_app(Contacts(args.total), args.latency, (limit, seconds)))


if __name__ == "__main__":
    asyncio.run(main())
