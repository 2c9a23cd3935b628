"""``Intercom``: the async session manager every resource, paginator and tool sends through.

One request flows client → limiter (slot + pacing) → transport → rate-limit bookkeeping →
error mapping, wrapped in the retry policy; the body is then decoded. See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeAlias, TypeVar, overload

import aiohttp

from ._decode import decode, encode
from ._limiter import ClientStats, RateLimiter
from ._multipart import encode_form
from ._operation import Operation
from ._options import RequestOptions
from ._pacing import CANCELLED, NO_RESPONSE
from ._response import APIResponse
from ._retry import DeadlineExceeded, RetryPolicy
from ._sansio import (
    RateLimit,
    base_url_for,
    build_headers,
    encode_query,
    normalise_path,
    parse_error_body,
    parse_rate_limit,
    render_path,
    request_id_of,
)
from ._sender import DECLARED
from ._transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AiohttpTransport,
    RawResponse,
    SecretHeader,
    Transport,
)
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    DecodeError,
    EventLoopError,
    RateLimitWaitTooLong,
    status_error,
)
from .hooks import (
    SENT_AT,
    CallInfo,
    Hooks,
    LimiterWaitEvent,
    LimiterWaitReason,
    PageEvent,
    RequestEvent,
    RetryEvent,
    ScrollRestartEvent,
    current_hooks,
    finish_request,
    redact_query,
)
from .resources._attach import GeneratedResources

logger = logging.getLogger("intercom_async")

DEFAULT_VERSION = "2.16"

T = TypeVar("T")
P = ParamSpec("P")

TokenSource: TypeAlias = str | Callable[[], str] | Callable[[], Awaitable[str]]

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

# "Decode into the operation's declared response type" (None would mean plain objects).

_raw_capture: ContextVar[list[APIResponse[Any]] | None] = ContextVar(
    "intercom_async_raw_capture", default=None
)


class _Token:
    """Holds the token (or the callable that yields it); never shows it."""

    __slots__ = ("_source",)

    def __init__(self, source: TokenSource) -> None:
        self._source = source

    async def get(self) -> str:
        source = self._source
        if isinstance(source, str):
            return source
        value = source()
        if inspect.isawaitable(value):
            value = await value
        if not isinstance(value, str) or not value:
            raise ConfigurationError("the token callable returned no token (expected a str)")
        return value

    def __repr__(self) -> str:
        return "<token redacted>"


class Intercom(GeneratedResources):
    """An async Intercom client. Use it as ``async with Intercom(token=...) as client:``.

    Args:
        token: The access token; falls back to the ``INTERCOM_TOKEN`` environment variable.
            May be a callable or async callable returning the current token (called once per
            request, so rotation works mid-stream). Never shown in a repr, log or error.
        region: The data-hosting region: ``us``, ``eu`` or ``au``.
        base_url: Overrides the region's URL (a proxy, FakeIntercom).
        version: The ``Intercom-Version`` sent with every request (default 2.16).
        timeout: Seconds one attempt may take.
        max_concurrency: Requests in flight at once (the limiter's slots).
        max_retries: Retries of one call (idempotent calls and 429s only).
        max_retry_time: Seconds all retries of one call may take.
        rate_ceiling: ``(requests, seconds)`` this client never exceeds, below Intercom's.
        limiter: A shared ``RateLimiter`` (one budget for several clients, or through Redis).
        session: An ``aiohttp.ClientSession`` of your own (not closed by the client).
        verify_ssl: Verify TLS certificates (the default transport).
        max_rate_limit_wait: Seconds the limiter may make a call wait before raising
            ``RateLimitWaitTooLong``; None waits as long as needed.
        max_response_bytes: Largest body read (the default transport).
        follow_redirects: Follow redirects within ``base_url``'s origin.
        hooks: Objects with ``on_request``/``on_response``/... methods (``intercom_async.hooks``).
        trace_configs: aiohttp ``TraceConfig``s for the session the client creates.
        transport: Any ``Transport`` to send through instead of aiohttp
            (``FakeIntercom.transport()`` serves the fake in process).

    Raises:
        ConfigurationError: For a missing token or an invalid argument.
    """

    def __init__(
        self,
        token: TokenSource | None = None,
        *,
        region: str = "us",
        base_url: str | None = None,
        version: str = DEFAULT_VERSION,
        timeout: float = 30.0,
        max_concurrency: int = 10,
        max_retries: int = 3,
        max_retry_time: float = 120.0,
        rate_ceiling: tuple[int, float] | None = None,
        limiter: RateLimiter | None = None,
        session: aiohttp.ClientSession | None = None,
        verify_ssl: bool = True,
        max_rate_limit_wait: float | None = 60.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        follow_redirects: bool = False,
        hooks: Iterable[object] = (),
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
        transport: Transport | None = None,
    ) -> None:
        source = token if token is not None else os.environ.get("INTERCOM_TOKEN")
        if source is None or source == "":
            raise ConfigurationError(
                "no Intercom token: pass token=... or set the INTERCOM_TOKEN environment variable"
            )
        if not isinstance(source, str) and not callable(source):
            raise ConfigurationError("token must be a str or a callable returning one")
        self._token = _Token(source)
        try:
            resolved = base_url if base_url is not None else base_url_for(region)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        if not resolved.startswith(("https://", "http://")):
            raise ConfigurationError(f"base_url must start with https:// or http://: {resolved!r}")
        if not version:
            raise ConfigurationError("version must be a non-empty API version such as '2.16'")
        _require_seconds("timeout", timeout)
        _require_seconds("max_retry_time", max_retry_time)
        if max_rate_limit_wait is not None:
            _require_seconds("max_rate_limit_wait", max_rate_limit_wait)
        if max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        if max_response_bytes < 1:
            raise ConfigurationError("max_response_bytes must be at least 1")
        self.region = region
        self.base_url: str = resolved.rstrip("/")
        self.version = version
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_time = max_retry_time
        self.max_rate_limit_wait = max_rate_limit_wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self.limiter: RateLimiter = (
            limiter
            if limiter is not None
            else RateLimiter(max_concurrency=max_concurrency, ceiling=rate_ceiling)
        )
        hooks = tuple(hooks)
        try:
            self._hooks = Hooks(hooks) if hooks else None
        except TypeError as exc:
            raise ConfigurationError(str(exc)) from None
        if trace_configs and session is not None:
            raise ConfigurationError(
                "trace_configs= applies to the session the client creates; with session=, "
                "give the TraceConfigs to your own aiohttp.ClientSession"
            )
        if transport is not None and (session is not None or trace_configs):
            raise ConfigurationError(
                "transport= replaces the aiohttp session: session= and trace_configs= belong "
                "to the default transport"
            )
        if transport is not None and not isinstance(transport, Transport):
            raise ConfigurationError("transport must have send(...), close() and closed")
        self._transport: Transport = transport or AiohttpTransport(
            session=session,
            trace_configs=trace_configs,
            max_connections=self.limiter.max_concurrency,
            verify_ssl=verify_ssl,
            max_response_bytes=max_response_bytes,
            follow_redirects_to=self.base_url if follow_redirects else None,
        )
        self._retry = RetryPolicy(max_time=max_retry_time, on_retry=self._count_retry)
        # The API allows one open scroll per app: scrolls of this client take turns. An asyncio
        # lock, not anyio's: a scroll abandoned by `break` is closed by asyncio's finalizer in
        # another task, which must be able to release it.
        self._scroll_lock = asyncio.Lock()
        self._header_cache: dict[tuple[str, str, bool], dict[str, str]] = {}
        self._sender = _ClientSender(self)

    def __repr__(self) -> str:
        return (
            f"Intercom(region={self.region!r}, version={self.version!r}, "
            f"base_url={self.base_url!r})"
        )

    async def __aenter__(self) -> Intercom:
        if self._transport.closed:
            raise ClientClosedError("the Intercom client is closed; create a new one")
        if isinstance(self._transport, AiohttpTransport):
            self._transport._ensure_session()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session (unless the caller supplied it). Safe to call twice."""
        await self._transport.close()

    @property
    def closed(self) -> bool:
        """True once the client was closed."""
        return self._transport.closed

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The aiohttp session (None until the first request or ``async with``, and with a
        ``transport=`` of one's own)."""
        if isinstance(self._transport, AiohttpTransport):
            return self._transport.session
        return None

    @property
    def rate_limit(self) -> RateLimit | None:
        """The most recent ``X-RateLimit-*`` snapshot seen by this client's limiter."""
        return self.limiter.latest

    @property
    def stats(self) -> ClientStats:
        """Requests, retries, 429s received and seconds spent waiting for the limiter."""
        return self.limiter.stats

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str | int] | None = ...,
        params: Mapping[str, Any] | None = ...,
        json: Any = ...,
        type: type[T],
        options: RequestOptions | None = ...,
    ) -> T: ...
    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str | int] | None = ...,
        params: Mapping[str, Any] | None = ...,
        json: Any = ...,
        type: None = ...,
        options: RequestOptions | None = ...,
    ) -> Any: ...
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str | int] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        type: Any = None,
        options: RequestOptions | None = None,
    ) -> Any:
        """Call any endpoint: ``await client.request("GET", "/contacts/{id}", path_params=...)``.

        ``path`` may hold ``{name}`` placeholders, filled from ``path_params`` and
        percent-encoded. The call goes through the same limiter, retries and error mapping as
        the resource methods; the body decodes into ``type`` or into plain Python objects.
        GET/PUT/DELETE are retried on 5xx; a POST only when ``options.idempotent`` is True.
        """
        method = method.upper()
        try:
            path = normalise_path(path)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"client.request(): {exc}") from None
        idempotent = method in _IDEMPOTENT_METHODS
        return await self._execute(
            method,
            path,
            path_params=path_params or {},
            params=params,
            json=json,
            type=type,
            idempotent=idempotent,
            options=options,
            # An untyped call to an endpoint we know nothing about may answer nothing.
            empty_ok=type is None,
        )

    async def with_raw_response(
        self, call: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> APIResponse[T]:
        """Run one call and return its value with status, headers, request id and rate limit.

        ``resp = await client.with_raw_response(client.contacts.get, "abc")``
        """
        captured: list[APIResponse[Any]] = []
        reset_token = _raw_capture.set(captured)
        try:
            value = await call(*args, **kwargs)
        finally:
            _raw_capture.reset(reset_token)
        if not captured:
            raise TypeError("with_raw_response needs a call that sends one request")
        return dataclasses.replace(captured[-1], parsed=value)

    async def _execute_operation(
        self,
        op: Operation[Any],
        path_params: Mapping[str, object],
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        options: RequestOptions | None,
        decode_as: Any = DECLARED,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one operation of ``OPERATIONS``: its method, path, retry safety and version."""
        if decode_as is DECLARED:
            decode_as = op.response_type if op.response_kind == "json" else None
        return await self._execute(
            op.method,
            op.path,
            path_params=path_params,
            params=params,
            json=json,
            type=decode_as,
            raw_body=op.response_kind == "binary",
            empty_ok=op.response_kind == "empty",
            idempotent=op.idempotent,
            options=options,
            version=op.pinned_version,
            operation=op.name,
            form=form,
        )

    async def _execute(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object],
        params: Mapping[str, Any] | None,
        json: Any,
        type: Any,
        idempotent: bool,
        options: RequestOptions | None,
        version: str | None = None,
        raw_body: bool = False,
        empty_ok: bool = False,
        operation: str | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        def read(raw: RawResponse) -> Any:
            if raw_body:
                return raw.body
            if raw.status == 204 or (empty_ok and (not raw.body or raw.body.isspace())):
                return None
            # An empty, non-JSON or cut-short 2xx body raises DecodeError here, inside the
            # attempt, so that an idempotent request is fetched again instead of read as empty.
            value = decode(raw.body, type)
            if _ERROR_LIST in raw.body[:_ERROR_LIST_WINDOW] and parse_error_body(raw.body):
                raise DecodeError(
                    f"a {raw.status} answer whose body is an error.list", body=raw.body, type=type
                )
            return value

        content_type = None
        body: bytes | None
        if form is not None:
            body, content_type = await encode_form(form)
        else:
            body = None if json is None else encode(json)
        raw, value, attempts = await self._send(
            method,
            render_path(path, path_params) if path_params else path,
            query=encode_query(params),
            body=body,
            content_type=content_type,
            idempotent=idempotent,
            options=options,
            version=version,
            read=read,
            operation=operation,
            template=path,
        )
        capture = _raw_capture.get()
        if capture is not None:
            capture.append(
                APIResponse(
                    parsed=value,
                    status=raw.status,
                    headers=raw.headers,
                    content=raw.body,
                    request_id=request_id_of(raw.headers),
                    rate_limit=parse_rate_limit(raw.headers),
                    elapsed=raw.elapsed,
                    attempts=attempts,
                )
            )
        return value

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None,
        body: bytes | None,
        idempotent: bool,
        options: RequestOptions | None,
        version: str | None = None,
        read: Callable[[RawResponse], Any] = lambda raw: raw,
        operation: str | None = None,
        template: str | None = None,
        content_type: str | None = None,
    ) -> tuple[RawResponse, Any, int]:
        self._check_loop()
        if self._transport.closed:
            raise ClientClosedError("the Intercom client is closed; create a new one")
        opts = options or _NO_OPTIONS
        if opts.idempotent is not None:
            idempotent = opts.idempotent
        api_version = opts.version or version or self.version
        timeout = opts.timeout if opts.timeout is not None else self.timeout
        max_retries = opts.max_retries if opts.max_retries is not None else self.max_retries
        wait_bound = (
            opts.max_rate_limit_wait
            if opts.max_rate_limit_wait is not None
            else self.max_rate_limit_wait
        )
        url = self.base_url + path
        started = time.monotonic()
        # The call's end: its own deadline, else max_retry_time (which bounds retrying).
        deadline_at = started + (
            opts.deadline if opts.deadline is not None else self.max_retry_time
        )
        attempts = 0
        in_flight = False
        hooks = self._hooks
        shown_url = redact_query(url, query) if hooks is not None else url

        async def attempt() -> tuple[RawResponse, Any]:
            nonlocal attempts, in_flight
            attempts += 1
            event: RequestEvent | None = None
            headers = self._headers(await self._token.get(), api_version, body is not None, opts)
            if content_type is not None:  # a form's boundary, instead of JSON
                headers = {**headers, "Content-Type": content_type}
            left = deadline_at - time.monotonic()
            bound = left if wait_bound is None else min(wait_bound, left)
            try:
                ticket = await self.limiter.acquire(
                    max(bound, 0.0), report=None if hooks is None else self._report_wait
                )
            except RateLimitWaitTooLong as exc:
                raise RateLimitWaitTooLong(
                    wait=exc.wait, bound=exc.bound, method=method, path=path
                ) from None
            status = CANCELLED
            snapshot = None
            if hooks is not None:
                event = RequestEvent(operation, method, template or path, shown_url, attempts)
                hooks.emit("on_request", event)
                event.state[SENT_AT] = time.monotonic()
            try:
                try:
                    in_flight = True
                    raw = await self._transport.send(
                        method, url, headers=headers, params=query, data=body, timeout=timeout
                    )
                    in_flight = False
                except APIConnectionError as exc:
                    in_flight = False
                    status = NO_RESPONSE
                    logger.debug("%s %s failed: %s (attempt %d)", method, path, exc, attempts)
                    failure = (
                        exc.with_outcome_unknown() if exc.request_sent and not idempotent else exc
                    )
                    if event is not None:
                        finish_request(hooks, event, None, failure)
                    if failure is not exc:
                        raise failure from exc
                    raise
                status = raw.status
                snapshot = parse_rate_limit(raw.headers, time.time())
            finally:
                self.limiter.release()
                paused = await self.limiter.record(ticket, snapshot, status=status)
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s -> %d in %.1f ms (request_id=%s, attempt %d)",
                    method,
                    path,
                    raw.status,
                    raw.elapsed * 1000,
                    request_id_of(raw.headers),
                    attempts,
                )
            if not 200 <= raw.status < 300:
                error = status_error(
                    raw.status,
                    method=method,
                    path=path,
                    headers=raw.headers,
                    body=raw.body,
                    outcome_unknown=raw.status >= 500 and not idempotent,
                )
                if raw.status == 429:
                    error.paused_all = paused  # type: ignore[attr-defined]
                if event is not None:
                    finish_request(hooks, event, raw, error, snapshot)
                raise error
            try:
                value = read(raw)
            except DecodeError as error:
                error.status = raw.status
                logger.debug("%s %s -> %d with an unreadable body", method, path, raw.status)
                if event is not None:
                    finish_request(hooks, event, raw, error, snapshot)
                raise
            if event is not None:
                finish_request(hooks, event, raw, None, snapshot)
            return raw, value

        running = None
        if hooks is not None:
            running = current_hooks.set((hooks, CallInfo(operation, method, template or path)))
        try:
            raw, value = await self._retry.run(
                attempt,
                idempotent=idempotent,
                max_retries=max_retries,
                deadline_at=deadline_at,
                whole_call=opts.deadline is not None,
            )
        except DeadlineExceeded as exc:
            raise APITimeoutError(
                f"gave up after {time.monotonic() - started:.1f}s and {attempts} attempt(s): "
                f"the call's deadline of {deadline_at - started:.1f}s passed",
                method=method,
                path=path,
                request_sent=attempts > 0,
                outcome_unknown=exc.interrupted and in_flight and not idempotent,
            ) from exc.last_error
        finally:
            if running is not None:
                current_hooks.reset(running)
        return raw, value, attempts

    def _headers(
        self, token: str, version: str, has_body: bool, opts: RequestOptions
    ) -> Mapping[str, str]:
        if opts.headers:
            headers = build_headers(token, version, has_body=has_body, extra=opts.headers)
            headers["Authorization"] = SecretHeader(headers["Authorization"])
            return headers
        # The common headers are built once per token and version: aiohttp copies what it is
        # given, so one dict serves every request (a few µs per point read, measured).
        key = (token, version, has_body)
        cached = self._header_cache.get(key)
        if cached is None:
            if len(self._header_cache) >= 8:  # a rotating token must not grow it
                self._header_cache.clear()
            cached = build_headers(token, version, has_body=has_body)
            cached["Authorization"] = SecretHeader(cached["Authorization"])
            # The key's token is masked too, so no repr of the cache shows it.
            self._header_cache[(SecretHeader(token), version, has_body)] = cached
        return cached

    def _check_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        if self._loop is not None:
            raise EventLoopError(
                "this Intercom client was started on another event loop; create one client per "
                "event loop (aiohttp sessions cannot move between loops)"
            )
        self._loop = loop

    def _count_retry(self, attempt: int, error: BaseException, wait: float) -> None:
        self.limiter.stats.retries += 1
        running = current_hooks.get()
        if running is not None:
            hooks, call = running
            reason = (
                str(error.status) if isinstance(error, APIStatusError) else type(error).__name__
            )
            hooks.emit(
                "on_retry",
                RetryEvent(call.operation, call.method, call.template, attempt, reason, wait),
            )

    def _report_wait(self, seconds: float, reason: LimiterWaitReason) -> None:
        if self._hooks is not None:
            self._hooks.emit("on_limiter_wait", LimiterWaitEvent(seconds, reason))

    def _report_page(self, operation: str, number: int, items: int) -> None:
        if self._hooks is not None:
            self._hooks.emit("on_page", PageEvent(operation, number, items))

    def _report_scroll_restart(self, operation: str, reason: str, restarts: int) -> None:
        if self._hooks is not None:
            self._hooks.emit("on_scroll_restart", ScrollRestartEvent(operation, reason, restarts))


class _ClientSender:
    """The client as its resources and paginators see it (the ``Sender`` protocol)."""

    __slots__ = ("_client",)

    def __init__(self, client: Intercom) -> None:
        self._client = client

    async def call(
        self,
        op: Operation[Any],
        path_params: Mapping[str, object],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
        decode_as: Any = DECLARED,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        return await self._client._execute_operation(
            op,
            path_params,
            params=params,
            json=json,
            options=options,
            decode_as=decode_as,
            form=form,
        )

    @contextlib.asynccontextmanager
    async def scroll_lock(self) -> AsyncIterator[object]:
        # The scrolls of this client take turns on a lock, and a budget shared across workers
        # (RedisRateBudget) adds a lock across them.
        shared = getattr(self._client.limiter.budget, "scroll_lock", None)
        async with self._client._scroll_lock, shared() if shared else contextlib.nullcontext():
            yield self

    def report_page(self, operation: str, number: int, items: int) -> None:
        self._client._report_page(operation, number, items)

    def report_scroll_restart(self, operation: str, reason: str, restarts: int) -> None:
        self._client._report_scroll_restart(operation, reason, restarts)


_NO_OPTIONS = RequestOptions()

# A 2xx body that is Intercom's error envelope is not the object it claims to be.
_ERROR_LIST = b'"error.list"'
_ERROR_LIST_WINDOW = 64


def _require_seconds(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(f"{name} must be a number of seconds")
    if not (0 < value < math.inf):
        raise ConfigurationError(f"{name} must be a positive, finite number of seconds")
