from __future__ import annotations

import msgspec
import pytest
from aiohttp import ClientSession, web

from intercom_async import (
    ClientClosedError,
    ConfigurationError,
    Intercom,
    RequestOptions,
)

from .conftest import TOKEN, make_client, serve


class Thing(msgspec.Struct):
    id: str
    name: str | None = None


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "id": "1",
            "method": request.method,
            "raw_path": request.raw_path,
            "headers": {k: v for k, v in request.headers.items() if k != "Authorization"},
            "auth": request.headers.get("Authorization"),
            "body": body.decode() or None,
        },
        headers={
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "99",
            "X-RateLimit-Reset": "4102444800",
            "X-Request-Id": "rid-7",
        },
    )


async def test_every_request_sends_auth_version_accept_and_user_agent() -> None:
    async with serve(echo) as url, make_client(url) as client:
        seen = await client.request("GET", "/me")
    assert seen["auth"] == f"Bearer {TOKEN}"
    assert seen["headers"]["Intercom-Version"] == "2.16"
    assert seen["headers"]["Accept"] == "application/json"
    assert seen["headers"]["User-Agent"].startswith("intercom-async/")
    assert "gzip" in seen["headers"]["Accept-Encoding"]


async def test_per_call_options_override_version_timeout_and_headers() -> None:
    async with serve(echo) as url, make_client(url) as client:
        seen = await client.request(
            "POST",
            "/contacts/{id}/tags",
            path_params={"id": "../../admins"},
            params={"per_page": 5, "skip": None},
            json={"id": "t", "flag": False, "cleared": None},
            options=RequestOptions(version="2.11", headers={"X-Trace": "abc"}, timeout=5),
        )
    assert seen["method"] == "POST"
    assert seen["raw_path"] == "/contacts/..%2F..%2Fadmins/tags?per_page=5"
    assert seen["headers"]["Intercom-Version"] == "2.11"
    assert seen["headers"]["X-Trace"] == "abc"
    assert msgspec.json.decode(seen["body"]) == {"id": "t", "flag": False, "cleared": None}


async def test_request_decodes_into_a_type_and_raw_response_exposes_metadata() -> None:
    async with serve(echo) as url, make_client(url) as client:
        thing = await client.request("GET", "/things/1", type=Thing)
        assert isinstance(thing, Thing) and thing.id == "1"
        raw = await client.with_raw_response(client.request, "GET", "/x", type=Thing)
        assert raw.parsed.id == "1"
        assert raw.status == 200
        assert raw.request_id == "rid-7"
        assert raw.rate_limit is not None and raw.rate_limit.remaining == 99
        assert raw.attempts == 1
        assert client.rate_limit is not None and client.rate_limit.limit == 100
        assert client.stats.requests == 2


async def test_token_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_TOKEN", "from-env")
    async with serve(echo) as url, Intercom(base_url=url) as client:
        assert (await client.request("GET", "/me"))["auth"] == "Bearer from-env"


def test_no_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERCOM_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match="INTERCOM_TOKEN"):
        Intercom()


def test_bad_configuration_is_named() -> None:
    with pytest.raises(ConfigurationError, match="'mars'"):
        Intercom(token="t", region="mars")
    with pytest.raises(ConfigurationError, match="base_url"):
        Intercom(token="t", base_url="ftp://x")
    # aioresponses would let a test follow a request to these hosts, but it does not work with
    # aiohttp 3.14 (pnuckowski/aioresponses#289); the URL is base_url + path, tested on loopback.
    assert Intercom(token="t", region="us").base_url == "https://api.intercom.io"
    assert Intercom(token="t", region="eu").base_url == "https://api.eu.intercom.io"
    assert Intercom(token="t", region="au").base_url == "https://api.au.intercom.io"


async def test_token_callable_is_called_per_request() -> None:
    calls = 0

    async def rotating() -> str:
        nonlocal calls
        calls += 1
        return f"tok-{calls}"

    async with serve(echo) as url, Intercom(rotating, base_url=url) as client:
        first = await client.request("GET", "/me")
        second = await client.request("GET", "/me")
    assert (first["auth"], second["auth"]) == ("Bearer tok-1", "Bearer tok-2")

    async with serve(echo) as url, Intercom(lambda: "sync-tok", base_url=url) as client:
        assert (await client.request("GET", "/me"))["auth"] == "Bearer sync-tok"


async def test_closed_client_refuses_requests() -> None:
    async with serve(echo) as url:
        client = make_client(url)
        async with client:
            await client.request("GET", "/me")
        assert client.closed
        with pytest.raises(ClientClosedError, match="closed"):
            await client.request("GET", "/me")
        await client.aclose()  # idempotent


async def test_caller_session_is_used_and_left_open() -> None:
    async with serve(echo) as url, ClientSession() as session:
        async with make_client(url, session=session) as client:
            assert client.session is session
            await client.request("GET", "/me")
        assert not session.closed


async def test_client_without_context_manager_opens_lazily_and_closes() -> None:
    async with serve(echo) as url:
        client = make_client(url)
        await client.request("GET", "/me")
        assert client.session is not None and not client.session.closed
        await client.aclose()
        assert client.session.closed


async def test_empty_and_204_bodies_give_none() -> None:
    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=204) if request.method == "DELETE" else web.Response(body=b"")

    async with serve(empty) as url, make_client(url) as client:
        assert await client.request("DELETE", "/tags/1") is None
        assert await client.request("GET", "/tags/1") is None
