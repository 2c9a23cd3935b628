from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from intercom_async import Intercom
from intercom_async.testing import FakeIntercom

TOKEN = "tok_SECRET_dont_leak_9f8e7d"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(handler: Handler, path: str = "/{tail:.*}") -> AsyncIterator[str]:
    """Serve one catch-all handler on 127.0.0.1; yields the base URL."""
    app = web.Application()
    app.router.add_route("*", path, handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def make_client(base_url: str, **kwargs: object) -> Intercom:
    kwargs.setdefault("token", TOKEN)
    return Intercom(base_url=base_url, **kwargs)  # type: ignore[arg-type]


def error_body(code: str, message: str, request_id: str = "req-1") -> dict[str, object]:
    return {
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": message}],
    }


def rate_limited(limit: int, reset: float) -> web.Response:
    """Intercom's 429: the window spent (remaining 0) until ``reset`` (UNIX seconds)."""
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(reset)),
    }
    return web.json_response(
        error_body("rate_limit_exceeded", "slow down"), status=429, headers=headers
    )


@pytest.fixture(params=["loopback", "in_process"])
def fake_transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once with FakeIntercom's clients over loopback HTTP and once in process:
    the same results either way (a module opts in with ``usefixtures("fake_transport")``)."""
    transport: str = request.param
    monkeypatch.setattr(FakeIntercom, "client_transport", transport)
    return transport
