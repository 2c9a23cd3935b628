"""Regression tests for the limiter and request-path hardening (issue 12), on loopback servers."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import math
import resource
import time
from email.utils import formatdate

import anyio
import pytest
from aiohttp import web

from intercom_async import (
    APITimeoutError,
    ConfigurationError,
    DecodeError,
    EventLoopError,
    IntercomError,
    InternalServerError,
    RateLimiter,
    RateLimitWaitTooLong,
    RedirectError,
    RequestOptions,
    ResponseTooLargeError,
)

from .conftest import error_body, make_client, rate_limited, serve


class Windows:
    """Fixed windows of ``limit`` requests per ``window`` s, with Intercom's headers.

    ``skew`` shifts the server's clock (its Date and Reset headers); ``broken_until`` answers
    header-less 503 HTML pages before that time.
    """

    def __init__(self, limit: int, window: float, *, skew: float = 0.0) -> None:
        self.limit = limit
        self.window = window
        self.skew = skew
        self.counts: dict[int, int] = {}
        self.answered_429 = 0
        self.served = 0
        self.broken_until = 0.0
        self.headers_only_on_429 = False

    async def handle(self, request: web.Request) -> web.Response:
        now = time.time()
        if now < self.broken_until:
            return web.Response(status=503, text="<html>Service Unavailable</html>")
        server_now = now + self.skew
        index = math.floor(server_now / self.window)
        used = self.counts.get(index, 0) + 1
        self.counts[index] = used
        headers = {
            "Date": formatdate(server_now, usegmt=True),
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - used)),
            "X-RateLimit-Reset": str(int((index + 1) * self.window)),
        }
        if used > self.limit:
            self.answered_429 += 1
            return web.json_response(
                error_body("rate_limit_exceeded", "Too many requests"), status=429, headers=headers
            )
        self.served += 1
        if self.headers_only_on_429:
            headers = {"Date": headers["Date"]}
        return web.json_response({"type": "contact", "id": str(used)}, headers=headers)


async def _drain(client: object, n: int) -> None:
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(client.request, "GET", "/contacts/x")  # type: ignore[attr-defined]


async def test_headerless_503_storm_then_recovery_does_not_wedge_the_limiter() -> None:
    server = Windows(limit=60, window=2)
    async with serve(server.handle) as url, make_client(url, max_concurrency=64) as client:
        await _drain(client, 60)  # learn a window
        server.broken_until = time.time() + 3.0

        async def caller() -> None:
            with contextlib.suppress(InternalServerError):
                await client.request("GET", "/contacts/x")

        async with anyio.create_task_group() as tg:
            for _ in range(64):
                tg.start_soon(caller)
        with anyio.fail_after(10):
            while time.time() < server.broken_until:
                await asyncio.sleep(0.05)
        # After recovery, every call completes within about one window.
        started = time.monotonic()
        with anyio.fail_after(2 * server.window + 1):
            await _drain(client, 30)
        assert time.monotonic() - started < server.window + 0.5


async def test_remaining_zero_without_reset_does_not_stop_calls() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"ok": True}, headers={"X-RateLimit-Remaining": "0"})

    async with serve(handler) as url, make_client(url) as client:
        with anyio.fail_after(5):
            for _ in range(5):
                await client.request("GET", "/contacts")


async def test_headers_only_on_429s_does_not_wedge() -> None:
    server = Windows(limit=20, window=1)
    server.headers_only_on_429 = True
    async with serve(server.handle) as url, make_client(url, max_concurrency=20) as client:
        with anyio.fail_after(20):
            await _drain(client, 100)
    assert server.served == 100


async def test_limit_zero_does_not_wedge() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"ok": True}, headers={"X-RateLimit-Limit": "0"})

    async with serve(handler) as url, make_client(url) as client:
        with anyio.fail_after(5):
            for _ in range(5):
                await client.request("GET", "/contacts")


async def test_reset_an_hour_ahead_raises_at_once_without_sending() -> None:
    seen = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal seen
        seen += 1
        return rate_limited(100, time.time() + 3600)

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(RateLimitWaitTooLong):
            await client.request("GET", "/contacts")
        started = time.monotonic()
        with pytest.raises(RateLimitWaitTooLong) as caught:
            await client.request("GET", "/admins")
        assert time.monotonic() - started < 0.5
        assert caught.value.wait > caught.value.bound
        assert "nothing was sent" in str(caught.value)
    assert seen == 1


async def test_a_call_deadline_bounds_the_limiter_wait_and_the_attempts() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.Response(status=503, text="busy")

    async with serve(handler) as url, make_client(url, max_retries=10) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            await client.request("GET", "/contacts", options=RequestOptions(deadline=1.0))
        assert time.monotonic() - started < 1.5


async def test_200_concurrent_handlers_with_deadline_get_answers_or_typed_errors() -> None:
    server = Windows(limit=50, window=2)
    async with serve(server.handle) as url, make_client(url, max_concurrency=20) as client:
        outcomes: list[str] = []

        async def handler() -> None:
            try:
                await client.request("GET", "/contacts/x", options=RequestOptions(deadline=2.0))
                outcomes.append("ok")
            except IntercomError as exc:
                outcomes.append(type(exc).__name__)

        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(200):
                tg.start_soon(handler)
        assert time.monotonic() - started < 3.0
    assert outcomes.count("ok") >= 40
    assert server.answered_429 <= 4
    assert set(outcomes) <= {"ok", "RateLimitWaitTooLong", "APITimeoutError"}


async def _throughput(skew: float) -> float:
    server = Windows(limit=50, window=1, skew=skew)
    async with serve(server.handle) as url, make_client(url, max_concurrency=10) as client:
        started = time.monotonic()
        await _drain(client, 150)
        elapsed = time.monotonic() - started
    assert server.served == 150
    assert server.answered_429 <= 8, server.answered_429
    return elapsed


@pytest.mark.parametrize("skew", [120.0, -120.0])
async def test_server_clock_skew_paces_like_no_skew(skew: float) -> None:
    baseline = await _throughput(0.0)
    skewed = await _throughput(skew)
    # Both runs are bounded by the windows (3 windows of 1 s): within 15%, plus a window's slack.
    assert skewed <= baseline * 1.15 + 0.5, (skewed, baseline)


@pytest.mark.parametrize("value", ["inf", "1e999", "nan", "-inf", "99999999999999999999"])
async def test_absurd_reset_headers_are_ignored(value: str) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": True},
            headers={"X-RateLimit-Reset": value, "X-RateLimit-Limit": value, "Retry-After": value},
        )

    async with serve(handler) as url, make_client(url) as client:
        assert await client.request("GET", "/contacts") == {"ok": True}


async def test_deep_json_and_bad_utf8_are_typed_errors() -> None:
    bodies = {
        "/deep": b"[" * 5000 + b"]" * 5000,
        "/deep-error": b'{"type":"error.list","errors":' + b"[" * 5000 + b"]" * 5000 + b"}",
        "/utf8": b'{"name": "\xff\xfe"}',
    }

    async def handler(request: web.Request) -> web.Response:
        status = 400 if request.path == "/deep-error" else 200
        return web.Response(
            body=bodies[request.path], status=status, content_type="application/json"
        )

    async with serve(handler) as url, make_client(url) as client:
        for path in bodies:
            with pytest.raises(IntercomError):
                await client.request("POST", path, json={})
        with pytest.raises(DecodeError):
            await client.request("GET", "/deep")


async def test_a_gzip_bomb_is_refused_with_bounded_memory() -> None:
    bomb = gzip.compress(b"[" + b" " * (1024 * 1024 * 1024) + b"]", compresslevel=9)
    assert len(bomb) < 2 * 1024 * 1024

    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        )

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    async with serve(handler) as url, make_client(url, max_retries=0) as client:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes"):
            await client.request("GET", "/contacts")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, grown_mb


async def test_an_endless_body_stops_at_the_cap() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        chunk = b" " * 65536
        with anyio.move_on_after(10):
            for _ in range(10_000):
                await response.write(chunk)
        return response

    async with (
        serve(handler) as url,
        make_client(url, max_retries=0, max_response_bytes=1024 * 1024) as client,
    ):
        with anyio.fail_after(5), pytest.raises(ResponseTooLargeError):
            await client.request("GET", "/contacts")


async def test_a_declared_body_over_the_cap_is_refused_before_reading() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b" " * (2 * 1024 * 1024), content_type="application/json")

    async with (
        serve(handler) as url,
        make_client(url, max_retries=0, max_response_bytes=1024 * 1024) as client,
    ):
        with pytest.raises(ResponseTooLargeError, match="2,097,152"):
            await client.request("GET", "/contacts")
        # Under the cap, the same path reads the whole body.
        client._transport.max_response_bytes = 4 * 1024 * 1024
        with pytest.raises(DecodeError):  # all blanks: not JSON, but read in full
            await client.request("GET", "/contacts", type=dict)


async def test_a_redirect_on_a_create_is_an_error_and_not_followed() -> None:
    hits: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(f"{request.method} {request.path}")
        if request.path == "/contacts":
            raise web.HTTPFound("/elsewhere")
        return web.json_response({"type": "contact", "id": "x"})

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(RedirectError) as caught:
            await client.contacts.create(email="a@example.com")
        assert caught.value.status == 302
        assert caught.value.location == "/elsewhere"
    assert hits == ["POST /contacts"]


async def test_follow_redirects_stays_on_the_same_origin() -> None:
    other_hits: list[str] = []

    async def other(request: web.Request) -> web.Response:
        other_hits.append(request.method)
        return web.json_response({"stolen": True})

    async with serve(other) as other_url:

        async def handler(request: web.Request) -> web.Response:
            if request.path == "/old":
                raise web.HTTPTemporaryRedirect("/new")
            if request.path == "/away":
                raise web.HTTPTemporaryRedirect(other_url + "/x")
            return web.json_response({"method": request.method, "body": await request.text()})

        async with serve(handler) as url, make_client(url, follow_redirects=True) as client:
            moved = await client.request("POST", "/old", json={"a": 1})
            assert moved == {"method": "POST", "body": '{"a":1}'}
            with pytest.raises(RedirectError):
                await client.request("POST", "/away", json={"email": "x@example.com"})
    assert other_hits == []


@pytest.mark.parametrize(
    "path", ["contacts", "//evil.example/x", "/a/../admins", "@evil.example/x", "/a?b=c"]
)
async def test_request_paths_cannot_leave_the_host(path: str) -> None:
    client = make_client("http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="path"):
        await client.request("GET", path)


async def test_retry_after_is_honoured() -> None:
    arrivals: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return web.Response(status=503, text="busy", headers={"Retry-After": "1"})
        return web.json_response({"ok": True})

    async with serve(handler) as url, make_client(url) as client:
        await client.request("GET", "/contacts")
    assert arrivals[1] - arrivals[0] >= 0.95


async def test_max_retry_time_is_a_deadline() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.Response(status=503, text="busy")

    async with (
        serve(handler) as url,
        make_client(url, max_retries=50, max_retry_time=1.5) as client,
    ):
        started = time.monotonic()
        with pytest.raises(IntercomError):
            await client.request("GET", "/contacts")
        assert time.monotonic() - started < 1.5 + 0.3


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0, -1])
def test_timeouts_must_be_finite_and_positive(value: float) -> None:
    with pytest.raises(ConfigurationError):
        make_client("http://127.0.0.1:9", timeout=value)
    with pytest.raises(ConfigurationError):
        RequestOptions(timeout=value)


async def test_server_text_in_messages_is_sanitised_and_capped() -> None:
    message = "bad\x1b[31m thing\r\nX-Injected: yes " + "y" * 5000

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(error_body("parameter_invalid", message), status=400)

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(IntercomError) as caught:
            await client.request("GET", "/contacts")
    text = str(caught.value)
    assert "\x1b" not in text and "\r" not in text and "\n" not in text
    assert len(text) < 800
    assert caught.value.message == message  # type: ignore[attr-defined]


def test_a_client_used_on_a_second_event_loop_says_so() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def first() -> None:
        async with serve(handler) as url:
            client = make_client(url)
            await client.request("GET", "/contacts")
            holder.append(client)
            # Free the sockets; the client itself stays open, as a module-level one would.
            assert client.session is not None
            await client.session.close()

    holder: list[object] = []
    asyncio.run(first())

    async def second() -> None:
        with pytest.raises(EventLoopError):
            await holder[0].request("GET", "/contacts")  # type: ignore[attr-defined]

    asyncio.run(second())


def test_a_limiter_shared_by_two_running_loops_says_so() -> None:
    import threading

    limiter = RateLimiter()
    started = threading.Event()
    release = threading.Event()

    async def hold() -> None:
        await limiter.acquire()
        started.set()
        while not release.is_set():
            await asyncio.sleep(0.01)
        limiter.release()

    thread = threading.Thread(target=asyncio.run, args=(hold(),))
    thread.start()
    try:
        assert started.wait(5)

        async def other() -> None:
            with pytest.raises(EventLoopError):
                await limiter.acquire()

        asyncio.run(other())
    finally:
        release.set()
        thread.join(5)


async def test_cold_start_of_500_callers_learns_the_window_first() -> None:
    # Without the probe, 100 requests went out before any answer: 60 of them into 429.
    server = Windows(limit=40, window=1)
    async with serve(server.handle) as url, make_client(url, max_concurrency=100) as client:
        await _drain(client, 500)
    assert server.served == 500
    assert server.answered_429 <= 10, server.answered_429
