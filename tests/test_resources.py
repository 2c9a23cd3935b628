"""Resource methods end to end against a loopback server."""

from __future__ import annotations

import msgspec
import pytest
from aiohttp import web

from intercom_async import NotFoundError, RequestOptions, models

from .conftest import error_body, make_client, serve


async def test_unset_null_and_false_stay_apart() -> None:
    bodies: list[object] = []

    async def handler(request: web.Request) -> web.Response:
        bodies.append(msgspec.json.decode(await request.read()))
        return web.json_response({"type": "contact", "id": "c1", "name": None})

    async with serve(handler) as url, make_client(url) as client:
        contact = await client.contacts.update(
            "c1", name=None, unsubscribed_from_emails=False, custom_attributes={"plan": None}
        )
    assert bodies == [
        {"name": None, "unsubscribed_from_emails": False, "custom_attributes": {"plan": None}}
    ]
    assert contact.id == "c1" and contact.name is None


async def test_typed_method_decodes_and_raw_response_works_through_resources() -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.match_info["tail"].endswith("missing"):
            return web.json_response(error_body("not_found", "Contact Not Found"), status=404)
        return web.json_response(
            {"type": "contact", "id": "abc", "email": "a@b.c", "location": {"city": "Dublin"}},
            headers={"X-Request-Id": "r-9"},
        )

    async with serve(handler) as url, make_client(url) as client:
        contact = await client.contacts.get("abc")
        assert isinstance(contact.location, models.ContactLocation)
        assert contact.email == "a@b.c" and contact.location.city == "Dublin"
        raw = await client.with_raw_response(client.contacts.get, "abc")
        assert raw.request_id == "r-9" and raw.parsed.id == "abc"
        with pytest.raises(NotFoundError, match="Contact Not Found"):
            await client.contacts.get("missing")


async def test_dropped_operation_warns_and_sends_its_last_version() -> None:
    versions: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        versions.append(request.headers["Intercom-Version"])
        return web.json_response({"type": "conversation", "id": "1"})

    async with serve(handler) as url, make_client(url) as client:
        with pytest.warns(DeprecationWarning, match=r"removed .* 2\.12"):
            conversation = await client.conversations.run_assignment_rules("1")
        await client.conversations.get("1")
        await client.conversations.get("1", options=RequestOptions(version="2.14"))
    assert conversation.id == "1"
    assert versions == ["2.11", "2.16", "2.14"]


async def test_binary_download_returns_bytes() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"\x1f\x8bgzipped-export", content_type="application/octet-stream")

    async with serve(handler) as url, make_client(url) as client:
        assert await client.data_export.download("job 1") == b"\x1f\x8bgzipped-export"
