from __future__ import annotations

import msgspec
import pytest
from aiohttp import web

from intercom_async import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContactMergedError,
    DecodeError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from intercom_async.errors import error_class_for

from .conftest import error_body, make_client, serve


class Contact(msgspec.Struct):
    id: str


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, ContactMergedError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (504, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_one_class_per_status(status: int, cls: type[APIStatusError]) -> None:
    assert error_class_for(status) is cls


async def test_error_list_body_becomes_a_typed_error_with_a_readable_line() -> None:
    async def handler(request: web.Request) -> web.Response:
        body = error_body("conflict", "A contact matching those details already exists with id=9")
        return web.json_response(body, status=409, headers={"X-RateLimit-Remaining": "5"})

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(ConflictError) as caught:
            await client.request("POST", "/contacts", json={"email": "x@y.z"})
    error = caught.value
    assert error.status == 409 and error.code == "conflict" and error.request_id == "req-1"
    assert error.rate_limit is not None and error.rate_limit.remaining == 5
    assert error.body.startswith(b"{")
    line = str(error)
    assert "\n" not in line
    for part in ("409", "conflict", "id=9", "req-1"):
        assert part in line


async def test_merged_contact_exposes_the_canonical_id() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            error_body("contact_merged", "merged"),
            status=410,
            headers={"Link": '</contacts/5ba6>; rel="canonical"'},
        )

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(ContactMergedError) as caught:
            await client.request("GET", "/contacts/old")
    assert caught.value.canonical_id == "5ba6"


async def test_502_html_body_gives_the_5xx_error_with_an_excerpt() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=502, text=page, content_type="text/html")

    async with serve(handler) as url, make_client(url, max_retries=0) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.request("GET", "/contacts")
    assert caught.value.status == 502
    assert caught.value.errors == []
    assert "502 Bad Gateway" in str(caught.value)


async def test_empty_error_body_is_still_typed() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=404)

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(NotFoundError, match="empty body"):
            await client.request("GET", "/contacts/x")


async def test_truncated_json_gives_decode_error_with_the_raw_body() -> None:
    truncated = b'{"type": "contact", "id": "abc", "email": "jo'

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=truncated, content_type="application/json")

    async with serve(handler) as url, make_client(url) as client:
        with pytest.raises(DecodeError) as caught:
            await client.request("GET", "/contacts/abc", type=Contact)
        assert caught.value.body == truncated
        assert caught.value.type is Contact
        assert "Contact" in str(caught.value)
        with pytest.raises(DecodeError):
            await client.request("GET", "/contacts/abc")
