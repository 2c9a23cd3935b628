"""The HTTP backend: the transport protocol, and its aiohttp implementation (the only code
that talks to aiohttp's client).

A transport sends one request and returns status, headers and the whole body, or raises
``APIConnectionError``/``APITimeoutError`` saying whether the request could have reached the
server. Retries, pacing and decoding live elsewhere. ``Intercom(transport=...)`` takes any
object with this protocol (``FakeIntercom.transport()`` serves the fake in process).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import aiohttp
from multidict import CIMultiDictProxy

from ._sansio import REDIRECT_STATUSES, redirect_target
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ResponseTooLargeError,
)

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 5


class SecretHeader(str):
    """A header value whose repr is masked, so locals and debug dumps never show the token."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


@dataclass(frozen=True, slots=True)
class RawResponse:
    """One HTTP answer: status, headers, the whole (decompressed) body, seconds it took."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    elapsed: float


@runtime_checkable
class Transport(Protocol):
    """What the client sends requests through.

    ``send`` gets the full URL (query parameters separately, already encoded as strings) and
    the encoded body; it raises ``APIConnectionError`` (``request_sent=False`` when the
    request surely did not reach the server) or ``APITimeoutError``, never anything else.
    ``close`` is called once by ``Intercom.aclose()``; ``closed`` is True after it.
    """

    closed: bool

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        data: bytes | None,
        timeout: float,
    ) -> RawResponse: ...

    async def close(self) -> None: ...


class AiohttpTransport:
    """The default transport: owns (or borrows) one ``aiohttp.ClientSession``."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        max_connections: int = 10,
        verify_ssl: bool = True,
        keepalive_timeout: float = 30.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        follow_redirects_to: str | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
    ) -> None:
        self._session = session
        self._trace_configs = list(trace_configs)
        self._owns_session = session is None
        self._max_connections = max_connections
        self._verify_ssl = verify_ssl
        self._keepalive_timeout = keepalive_timeout
        self.max_response_bytes = max_response_bytes
        # The origin redirects may be followed within (None: redirects are answers, not followed).
        self._redirect_origin = follow_redirects_to
        self.closed = False
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    @property
    def session(self) -> aiohttp.ClientSession | None:
        return self._session

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                keepalive_timeout=self._keepalive_timeout,
                ssl=self._verify_ssl,
            )
            # auto_decompress (the default) means gzip/deflate responses are accepted and
            # aiohttp advertises them in Accept-Encoding.
            self._session = aiohttp.ClientSession(
                connector=connector,
                raise_for_status=False,
                trace_configs=self._trace_configs or None,
            )
            # aiohttp resends an idempotent request once, by itself, when a reused connection
            # drops. Retries are the retry policy's alone (counted, bounded, and never for a
            # scroll page, which Intercom would answer with the page after the lost one).
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False
        return self._session

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
        session = self._ensure_session()
        loop = asyncio.get_running_loop()
        started = loop.time()
        client_timeout = self._timeouts.get(timeout)
        if client_timeout is None:
            client_timeout = self._timeouts[timeout] = aiohttp.ClientTimeout(
                total=timeout, sock_connect=timeout
            )
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                async with session.request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    data=data,
                    timeout=client_timeout,
                    allow_redirects=False,
                ) as response:
                    if response.status in REDIRECT_STATUSES and self._redirect_origin is not None:
                        target = redirect_target(
                            self._redirect_origin,
                            str(response.url),
                            response.status,
                            response.headers.get("Location"),
                            method,
                        )
                        if target is not None:
                            method, url, keep_body = target
                            params = None
                            data = data if keep_body else None
                            continue
                    body = await self._read_capped(response, method, url)
                    return RawResponse(
                        status=response.status,
                        headers=response.headers,
                        body=body,
                        elapsed=loop.time() - started,
                    )
            raise APIConnectionError(
                f"more than {MAX_REDIRECTS} redirects", method=method, path=_path(url)
            )
        except aiohttp.ConnectionTimeoutError as exc:
            raise APITimeoutError(
                f"connecting timed out after {timeout}s",
                method=method,
                path=_path(url),
                request_sent=False,
            ) from exc
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise APITimeoutError(
                f"no complete response within {timeout}s", method=method, path=_path(url)
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"could not connect ({type(exc).__name__}: {exc.os_error or exc})",
                method=method,
                path=_path(url),
                request_sent=False,
            ) from exc
        except aiohttp.ClientError as exc:
            raise APIConnectionError(
                f"connection failed ({type(exc).__name__}: {exc})", method=method, path=_path(url)
            ) from exc

    async def _read_capped(self, response: aiohttp.ClientResponse, method: str, url: str) -> bytes:
        """The whole body, counted after decompression, never more than the cap in memory."""
        cap = self.max_response_bytes
        declared = response.content_length
        if declared is not None and not response.headers.get("Content-Encoding"):
            # The size is known before reading: one read (the chunk loop below costs ~15 µs
            # per point read, measured), refused up front when it is over the cap.
            if declared > cap:
                raise self._too_large(method, url, declared)
            return await response.read()
        chunks: list[bytes] = []
        total = 0
        while chunk := await response.content.readany():
            total += len(chunk)
            if total > cap:
                response.close()
                raise self._too_large(method, url, total)
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _too_large(self, method: str, url: str, size: int) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"the response body exceeded max_response_bytes={self.max_response_bytes:,} "
            f"(at least {size:,} bytes after decompression)",
            method=method,
            path=_path(url),
        )

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:].split("?", 1)[0] if slash >= 0 else "/"
