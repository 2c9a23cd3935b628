"""A first run with no Intercom account: a tiny loopback server stands in for the API.

uv run python examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import math
import time

import anyio
from aiohttp import web
from aiohttp.test_utils import TestServer

from intercom_async import Intercom, NotFoundError

WINDOW_LIMIT = 40
WINDOW_SECONDS = 1


def make_app() -> web.Application:
    counts: dict[int, int] = {}

    async def handler(request: web.Request) -> web.Response:
        window = math.floor(time.time() / WINDOW_SECONDS)
        counts[window] = used = counts.get(window, 0) + 1
        headers = {
            "X-RateLimit-Limit": str(WINDOW_LIMIT),
            "X-RateLimit-Remaining": str(max(0, WINDOW_LIMIT - used)),
            "X-RateLimit-Reset": str((window + 1) * WINDOW_SECONDS),
        }
        if used > WINDOW_LIMIT:
            body = {"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}
            return web.json_response(body, status=429, headers=headers)
        contact_id = request.match_info["id"]
        if contact_id == "missing":
            body = {"type": "error.list", "errors": [{"code": "not_found", "message": "nope"}]}
            return web.json_response(body, status=404, headers=headers)
        contact = {"type": "contact", "id": contact_id, "email": f"{contact_id}@example.com"}
        return web.json_response(contact, headers=headers)

    app = web.Application()
    app.router.add_get("/contacts/{id}", handler)
    return app


async def main() -> None:
    server = TestServer(make_app(), host="127.0.0.1")
    await server.start_server()
    base_url = str(server.make_url("")).rstrip("/")
    try:
        async with Intercom(token="demo-token", base_url=base_url, max_concurrency=10) as client:
            started = time.monotonic()
            results: list[dict[str, str]] = []

            async def fetch(i: int) -> None:
                results.append(await client.request("GET", "/contacts/{id}", path_params={"id": i}))

            async with anyio.create_task_group() as tg:
                for i in range(120):
                    tg.start_soon(fetch, i)
            elapsed = time.monotonic() - started
            try:
                await client.request("GET", "/contacts/{id}", path_params={"id": "missing"})
            except NotFoundError as exc:
                print(f"typed error: {exc}")
            stats = client.stats
            print(
                f"fetched {len(results)} contacts in {elapsed:.1f}s under a "
                f"{WINDOW_LIMIT}/{WINDOW_SECONDS}s window: {stats.requests} requests, "
                f"{stats.rate_limited} answered 429, {stats.retries} retries"
            )
    finally:
        await server.close()


if __name__ == "__main__":
    asyncio.run(main())
