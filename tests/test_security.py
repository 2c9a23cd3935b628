"""The token never leaks, paths cannot be escaped, TLS is verified, redirects drop the token."""

from __future__ import annotations

import logging
import ssl
import traceback

import pytest
import trustme
from aiohttp import web
from aiohttp.test_utils import TestServer

from intercom_async import APIConnectionError, Intercom, IntercomError, RedirectError

from .conftest import TOKEN, error_body, make_client, serve


def _assert_no_token(text: str) -> None:
    assert TOKEN not in text


async def test_token_absent_from_repr_str_logs_errors_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path == "/ok":
            return web.json_response({"ok": True})
        status = int(request.path.rsplit("/", 1)[-1])
        return web.json_response(error_body("e", "bad"), status=status)

    caplog.set_level(logging.DEBUG, logger="intercom_async")
    errors: list[IntercomError] = []
    async with serve(handler) as url, make_client(url, max_retries=1) as client:
        _assert_no_token(repr(client))
        _assert_no_token(str(vars(client)))
        _assert_no_token(repr(client.limiter))
        await client.request("GET", "/ok")
        for status in (400, 401, 403, 404, 409, 410, 422, 429, 500, 503):
            try:
                await client.request("POST", f"/fail/{status}", json={"x": 1})
            except IntercomError as exc:
                errors.append(exc)
    try:
        await client.request("GET", "/closed")
    except IntercomError as exc:
        errors.append(exc)
    assert len(errors) == 11
    for exc in errors:
        _assert_no_token(str(exc))
        _assert_no_token(repr(exc))
        _assert_no_token("".join(traceback.format_exception(exc)))
        _assert_no_token(repr(vars(exc)))
    assert caplog.records, "expected DEBUG records"
    for record in caplog.records:
        _assert_no_token(record.getMessage())


@pytest.mark.parametrize("hostile", ["../../admins", "a/b", "x?y", "#", "a\r\nHost: evil", "%2F"])
async def test_hostile_path_parameters_stay_inside_the_path(hostile: str) -> None:
    seen: list[tuple[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((request.raw_path, request.match_info["rest"]))
        return web.json_response({})

    async with serve(handler, r"/contacts/{rest:[\s\S]*}") as url, make_client(url) as client:
        await client.request("GET", "/contacts/{id}/tags", path_params={"id": hostile})
    raw_path, rest = seen[0]
    assert raw_path.startswith("/contacts/") and raw_path.endswith("/tags")
    assert "?" not in raw_path and "#" not in raw_path
    assert rest.removesuffix("/tags") == hostile
    assert rest.count("/") == hostile.count("/") + 1


async def test_dot_segments_are_refused_before_sending() -> None:
    # %2E is equivalent to "." (RFC 3986), so servers collapse an encoded ".." too.
    async def handler(request: web.Request) -> web.Response:
        raise AssertionError("nothing should be sent")

    async with serve(handler) as url, make_client(url) as client:
        for dots in (".", ".."):
            with pytest.raises(ValueError, match="dot segment"):
                await client.request("GET", "/contacts/{id}", path_params={"id": dots})


async def test_redirect_to_another_host_never_carries_the_token() -> None:
    received: list[str | None] = []

    async def target(request: web.Request) -> web.Response:
        received.append(request.headers.get("Authorization"))
        return web.json_response({"landed": True})

    async with serve(target) as other:

        async def redirect(request: web.Request) -> web.Response:
            raise web.HTTPFound(other + "/download")

        for follow in (False, True):
            async with serve(redirect) as url, make_client(url, follow_redirects=follow) as client:
                with pytest.raises(RedirectError) as caught:
                    await client.request("GET", "/download/content/data/1")
                # The caller gets the target to fetch itself, without our token.
                assert caught.value.location == other + "/download"
    assert received == []


async def test_tls_is_verified_by_default() -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"secure": True})

    app = web.Application()
    app.router.add_get("/me", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=server_ctx)
    url = f"https://127.0.0.1:{server.port}"
    try:
        async with Intercom(token=TOKEN, base_url=url, max_retries=0) as client:
            with pytest.raises(APIConnectionError, match=r"(?i)certificate|ssl"):
                await client.request("GET", "/me")
        async with Intercom(token=TOKEN, base_url=url, verify_ssl=False) as insecure:
            assert await insecure.request("GET", "/me") == {"secure": True}
    finally:
        await server.close()


async def test_no_error_class_ever_shows_the_token(caplog: pytest.LogCaptureFixture) -> None:
    from collections.abc import Awaitable, Callable
    from typing import Any

    from intercom_async.testing import FakeIntercom

    caplog.set_level(logging.DEBUG, logger="intercom_async")
    caught: list[BaseException] = []

    async def capture(call: Callable[[], Awaitable[Any]]) -> None:
        try:
            await call()
        except IntercomError as exc:
            caught.append(exc)

    async with FakeIntercom(token=TOKEN) as fake:
        fake.seed(contacts=5, companies=5)
        contact_id = next(iter(fake.store.contacts))
        async with fake.client(timeout=0.2, max_retries=1) as client:
            fake.inject(latency=0.5, path="/me", times=2)
            fake.inject(path="/contacts/{contact_id}", truncate=True, times=2)
            fake.inject(500, path="/companies/scroll", times=4)
            await capture(client.admins.me)  # APITimeoutError
            await capture(lambda: client.contacts.get(contact_id))  # DecodeError (retried once)
            await capture(client.companies.scroll(scroll_restart="raise").to_list)
            fake.inject(500, path="/companies/{company_id}", times=2)
            await capture(lambda: client.companies.get(next(iter(fake.store.companies))))
            await capture(lambda: client.contacts.list(cursor="bad").to_list())  # 400
        await capture(client.admins.me)  # ClientClosedError
        async with Intercom(token=lambda: "", base_url=fake.base_url) as empty:
            await capture(empty.admins.me)  # ConfigurationError from the token callable
    kinds = {type(e).__name__ for e in caught}
    assert {
        "APITimeoutError",
        "DecodeError",
        "InternalServerError",
        "BadRequestError",
        "ClientClosedError",
        "ConfigurationError",
        "ScrollRestartRequired",
    } <= kinds, kinds
    for exc in caught:
        for text in (str(exc), repr(exc), "".join(traceback.format_exception(exc))):
            _assert_no_token(text)
    for record in caplog.records:
        _assert_no_token(record.getMessage())


async def test_token_rotation_in_the_middle_of_a_stream() -> None:
    from intercom_async.testing import FakeIntercom

    current = {"token": "first"}
    seen_tokens: list[str] = []

    async def token() -> str:
        seen_tokens.append(current["token"])
        return current["token"]

    async with FakeIntercom(token="first") as fake:
        fake.seed(contacts=1000)
        async with Intercom(token, base_url=fake.base_url) as client:
            count = 0
            async for page in client.contacts.list(per_page=100, prefetch=0).pages():
                count += len(page.items)
                if page.number == 3:
                    fake.rotate_token("second")
                    current["token"] = "second"
    assert count == 1000
    assert seen_tokens[:3] == ["first"] * 3 and set(seen_tokens[3:]) == {"second"}
