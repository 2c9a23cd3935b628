from __future__ import annotations

import socket

import pytest
from aiohttp import web

from intercom_async import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
    RequestOptions,
)
from intercom_async._retry import is_retryable

from .conftest import error_body, make_client, serve


async def test_create_answered_500_is_not_retried_and_says_outcome_unknown() -> None:
    hits = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        return web.json_response(error_body("server_error", "boom"), status=500)

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.request("POST", "/contacts", json={"email": "a@b.c"})
    assert hits == 1
    assert client.stats.retries == 0
    assert caught.value.outcome_unknown
    assert "may have been processed" in str(caught.value)


async def test_get_answered_503_twice_then_200_succeeds_with_two_retries() -> None:
    hits = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        if hits <= 2:
            return web.Response(status=503, text="unavailable")
        return web.json_response({"type": "contact", "id": "1"})

    async with serve(handler) as url, make_client(url) as client:
        result = await client.request("GET", "/contacts/1")
        raw = await client.with_raw_response(client.request, "GET", "/contacts/1")
    assert result["id"] == "1"
    assert client.stats.retries == 2
    assert raw.attempts == 1


async def test_retries_give_up_after_max_retries_per_call() -> None:
    hits = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        return web.Response(status=502, text="<html>bad gateway</html>")

    async with serve(handler) as url, make_client(url, max_retries=3) as client:
        with pytest.raises(InternalServerError):
            await client.request("GET", "/x")
        assert hits == 4
        with pytest.raises(InternalServerError):
            await client.request("GET", "/x", options=RequestOptions(max_retries=1))
        assert hits == 6


async def test_429_is_retried_even_for_a_create() -> None:
    hits = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        if hits == 1:
            return web.json_response(error_body("rate_limit_exceeded", "x"), status=429)
        return web.json_response({"type": "contact", "id": "new"})

    async with serve(handler) as url, make_client(url) as client:
        created = await client.request("POST", "/contacts", json={"email": "a@b.c"})
    assert created["id"] == "new"
    assert client.stats.rate_limited == 1 and client.stats.retries == 1


async def test_idempotent_option_lets_a_post_retry() -> None:
    hits = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        return web.Response(status=500) if hits == 1 else web.json_response({})

    async with serve(handler) as url, make_client(url) as client:
        await client.request("POST", "/events", json={}, options=RequestOptions(idempotent=True))
    assert hits == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_refused_connection_was_never_sent_so_a_create_may_retry() -> None:
    client = make_client(f"http://127.0.0.1:{_free_port()}", max_retries=2)
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client.request("POST", "/contacts", json={})
    assert not caught.value.request_sent
    assert not caught.value.outcome_unknown
    assert client.stats.retries == 2


async def test_dropped_connection_on_a_create_is_not_retried() -> None:
    hits = 0

    async def drop(request: web.Request) -> web.Response:
        nonlocal hits
        hits += 1
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    async with serve(drop) as url, make_client(url) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.request("POST", "/contacts", json={})
        assert caught.value.outcome_unknown and hits == 1
        with pytest.raises(APIConnectionError):
            await client.request("PUT", "/contacts/1", json={})
        # Our 3 retries and nothing else: aiohttp's own resend on a dropped keep-alive
        # connection is turned off, so every attempt is one the retry policy counted.
        assert client.stats.retries == 3
        assert hits == 1 + 4


def test_retry_rules() -> None:
    def err(status: int) -> InternalServerError:
        return InternalServerError(status=status, method="GET", path="/", headers={}, body=b"")

    assert is_retryable(err(503), idempotent=True)
    assert not is_retryable(err(503), idempotent=False)
    assert not is_retryable(err(501), idempotent=True)
    limited = RateLimitError(status=429, method="POST", path="/", headers={}, body=b"")
    assert is_retryable(limited, idempotent=False)
    assert not is_retryable(ValueError("x"), idempotent=True)
