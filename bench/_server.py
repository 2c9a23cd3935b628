"""A cheap contact-list server for benchmarks, run in its own process.

    python -m bench._server --per-page 150 --total 100000 [--gzip]   # prints "PORT <n>"

Pages are pre-encoded once, so the server spends almost nothing per request and the client's
cost is what the benchmark sees.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import math
import time
from typing import Any

import msgspec
from aiohttp import web

from intercom_async.testing import make_contacts

from ._harness import serve_until_killed


def build_app(
    total: int,
    per_page: int,
    latency: float,
    window: tuple[int, int] | None,
    gzipped: bool = False,
) -> web.Application:
    template = make_contacts(per_page * 4, seed=7, companies=50)
    bodies = [msgspec.json.encode(template[i * per_page : (i + 1) * per_page]) for i in range(4)]
    pages = math.ceil(total / per_page)
    counts: dict[int, int] = {}
    stats = {"429": 0, "served": 0}

    @web.middleware
    async def windows(request: web.Request, handler: Any) -> web.StreamResponse:
        if window is None or request.path == "/_stats":
            return await handler(request)
        limit, seconds = window
        index = math.floor(time.time() / seconds)
        used = counts[index] = counts.get(index, 0) + 1
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str((index + 1) * seconds),
        }
        if used > limit:
            stats["429"] += 1
            body = {"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}
            return web.json_response(body, status=429, headers=headers)
        response = await handler(request)
        response.headers.update(headers)
        return response

    @functools.cache
    def page_body(page: int, compressed: bool) -> bytes:
        following = b'{"starting_after":"%d"}' % (page + 1) if page + 1 < pages else b"null"
        data = bodies[page % 4]
        if page == pages - 1 and total % per_page:
            data = msgspec.json.encode(template[: total % per_page])
        body = (
            b'{"type":"list","total_count":%d,"data":' % total
            + data
            + b',"pages":{"type":"pages","per_page":%d,"next":' % per_page
            + following
            + b"}}"
        )
        return gzip.compress(body, 6, mtime=0) if compressed else body

    def answer(request: web.Request, make: Any) -> web.Response:
        # Intercom gzips JSON for clients that accept it; bodies are compressed once and cached
        # so the server's cost stays out of the client's measurement.
        compressed = gzipped and "gzip" in request.headers.get("Accept-Encoding", "")
        response = web.Response(body=make(compressed), content_type="application/json")
        if compressed:
            response.headers["Content-Encoding"] = "gzip"
        return response

    async def contacts(request: web.Request) -> web.Response:
        stats["served"] += 1
        if latency:
            await asyncio.sleep(latency)
        page = int(request.query.get("starting_after") or 0)
        return answer(request, lambda compressed: page_body(page, compressed))

    async def contact(request: web.Request) -> web.Response:
        stats["served"] += 1
        return answer(request, lambda compressed: one_gzipped if compressed else one)

    async def server_stats(request: web.Request) -> web.Response:
        return web.json_response({**stats, "windows": {str(k): v for k, v in counts.items()}})

    one = msgspec.json.encode(template[0])
    one_gzipped = gzip.compress(one, 6, mtime=0)
    app = web.Application(middlewares=[windows])
    app.router.add_get("/contacts", contacts)
    app.router.add_get("/contacts/{id}", contact)
    app.router.add_get("/_stats", server_stats)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=150)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--window", type=str, default="", help="LIMIT/SECONDS rate windows")
    parser.add_argument("--gzip", action="store_true", help="gzip bodies, as Intercom does")
    args = parser.parse_args()
    window = tuple(int(x) for x in args.window.split("/")) if args.window else None

    app = build_app(args.total, args.per_page, args.latency, window, args.gzip)  # type: ignore[arg-type]
    asyncio.run(serve_until_killed(app))


if __name__ == "__main__":
    main()
