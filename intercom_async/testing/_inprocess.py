"""A transport that serves a FakeIntercom in process, without a socket.

``Intercom(transport=fake.transport())`` (or ``fake.client(in_process=True)``) sends each
request through the fake's whole pipeline (auth, versions, faults, rate windows, handlers) and
turns its answer into the ``RawResponse`` the client reads, as the aiohttp transport would,
including a dropped connection (``APIConnectionError``) and a timeout (``APITimeoutError``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from .._transport import RawResponse
from ..errors import APIConnectionError, APITimeoutError, ClientClosedError


class InProcessServer(Protocol):
    """What the transport needs of the fake: one request in, its answer out."""

    async def serve_in_process(
        self, method: str, path_qs: str, headers: Mapping[str, str], raw: bytes
    ) -> tuple[web.StreamResponse, bool]: ...


class InProcessTransport:
    """Serves one FakeIntercom in process (see the module docstring)."""

    def __init__(self, fake: InProcessServer) -> None:
        self._fake = fake
        self.closed: bool = False

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: bytes | None,
        timeout: float,
    ) -> RawResponse:
        if self.closed:
            raise ClientClosedError("the Intercom client is closed")
        parts = urlsplit(url)
        path_qs = parts.path or "/"
        query = "&".join(q for q in (parts.query, urlencode(params or {})) if q)
        if query:
            path_qs += "?" + query
        sent = {"Host": parts.netloc, **headers}
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            response, dropped = await asyncio.wait_for(
                self._fake.serve_in_process(method, path_qs, sent, data or b""), timeout
            )
        except asyncio.TimeoutError:
            raise APITimeoutError(
                f"no complete response within {timeout}s", method=method, path=parts.path
            ) from None
        if dropped:
            raise APIConnectionError(
                "connection failed (ServerDisconnectedError: the fake dropped it)",
                method=method,
                path=parts.path,
            )
        body = response.body if isinstance(response, web.Response) else b""
        if not isinstance(body, bytes):
            body = b""
        answered = CIMultiDict(response.headers)
        if isinstance(response, web.Response) and response.content_type:
            answered.setdefault("Content-Type", response.content_type)
        return RawResponse(
            status=response.status,
            headers=CIMultiDictProxy(answered),
            body=body,
            elapsed=loop.time() - started,
        )

    async def close(self) -> None:
        self.closed = True
