"""``FakeIntercom``: an in-memory Intercom on 127.0.0.1, for tests and the demo.

    async with FakeIntercom(token="test") as fake:
        fake.seed(contacts=1_000, companies=100)
        async with fake.client() as client:
            contact = await client.contacts.get(next(iter(fake.store.contacts)))

It serves every operation in ``OPERATIONS`` and ``PREVIEW_OPERATIONS``: the common resources
by hand-written handlers (see ``_handlers``), every other one from the 2.16 and Preview
descriptions, statefully (see ``_generic``; Preview routing in ``_routes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import threading
import time
import typing
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from .._client import Intercom
from .._operation import Operation
from ._ctx import Ctx, FakeStats
from ._faults import Fault, FaultBody
from ._forms import FormError, parse_form
from ._inprocess import InProcessTransport
from ._registry import without_null_keys
from ._routes import ROUTES, route_key
from ._samples import SAMPLES
from ._store import Workspace, error
from ._webhooks import Subscription, WebhookSender

KNOWN_VERSIONS = frozenset(
    {"1.0", "1.1", "1.2", "1.3", "1.4", "Unstable", "Preview"} | {f"2.{i}" for i in range(17)}
)

# The parsed JSON body, read once by the middleware and handed to the handler.
_JSON_BODY = web.RequestKey("intercom_async_json_body", object)
# The raw body of a request that came in process, not off a socket.
_RAW_BODY = web.RequestKey("intercom_async_raw_body", bytes)
# Set when a fault dropped the connection (in process: the transport raises as aiohttp would).
DROPPED = web.RequestKey("intercom_async_dropped", bool)

_HTML_ERROR = "<html><head><title>{status}</title></head><body><h1>{status}</h1>nginx</body></html>"


def _numbered(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def has_operation(version: str, op: Operation[Any]) -> bool:
    """Whether the Intercom-Version ``version`` has ``op`` (the descriptions say which do)."""
    sample = SAMPLES.get(route_key(op))
    if sample is None:
        return True
    if version in ("Preview", "Unstable"):
        return bool(sample["in_preview"])
    if sample["added_in"] is None:  # Preview only
        return False
    if op.removed_in is not None and _numbered(version) >= _numbered(op.removed_in):
        return False
    # Versions before 2.7 have no description here: they have what 2.7 has.
    return _numbered(version) >= _numbered(sample["added_in"]) or sample["added_in"] == "2.7"


@dataclass
class RecordedRequest:
    """What the fake received (the Authorization header is left out)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    operation: str | None
    at: float = 0.0
    """``time.monotonic()`` when the request arrived."""
    status: int = 0
    """The status the fake answered (0 when the connection was dropped)."""


Handler = Callable[[Ctx], Awaitable[web.StreamResponse]]


def _leave_out_nulls(response: web.StreamResponse) -> web.StreamResponse:
    if not isinstance(response, web.Response) or response.content_type != "application/json":
        return response
    raw = response.body
    if not isinstance(raw, bytes) or b"null" not in raw:
        return response
    body = without_null_keys(msgspec.json.decode(raw))
    return web.Response(
        body=msgspec.json.encode(body),
        status=response.status,
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
    )


class FakeIntercom:
    """An in-memory, stateful Intercom API on a free loopback port (or in process).

    Realism switches default to what Intercom does unless noted.

    Args:
        token: The access token it accepts (``rotate_token`` changes it).
        rate_limit: ``(limit, seconds)`` windows; the default is Intercom's 10,000 per minute,
            enforced as 1,666 per 10 s.
        scroll_expiry: Seconds a scroll_param lives after its last use.
        scroll_page_size: Companies per scroll page.
        constant_scroll_param: One scroll_param for a whole scroll, the position kept by the
            fake, so resending a param returns the next page (False: a new param per page).
        search_delay: Records created or updated within this many seconds stay out of search
            results, as Intercom's index lags its writes (default 0, for tests' sake).
        omit_null_keys: Records leave out keys whose value is null (False: sent as null).
        export_duration: Seconds an export job stays pending (default 0, for tests' sake).
            While one content export (or five reporting exports) is pending another answers
            429 with budget left in the window, as Intercom's job limits do.
        seed: Seeds the fake's random choices (fault probabilities, webhook reordering).

    An operation the requested ``Intercom-Version`` lacks answers 400
    ``intercom_version_invalid`` (``run_assignment_rules`` on 2.12 and later, a 2.16 operation
    on 2.9...).
    """

    def __init__(
        self,
        token: str = "test",
        *,
        rate_limit: tuple[int, int] = (1666, 10),
        scroll_expiry: float = 60.0,
        scroll_page_size: int = 100,
        constant_scroll_param: bool = True,
        search_delay: float = 0.0,
        omit_null_keys: bool = True,
        export_duration: float = 0.0,
        seed: int = 1,
    ) -> None:
        self.token: str = token
        self.rate_limit = rate_limit
        self.scroll_expiry = scroll_expiry
        self.scroll_page_size = scroll_page_size
        self.constant_scroll_param = constant_scroll_param
        if search_delay < 0:
            raise ValueError("search_delay must be 0 or more seconds")
        self.search_delay = search_delay
        self.omit_null_keys = omit_null_keys
        if export_duration < 0:
            raise ValueError("export_duration must be 0 or more seconds")
        self.export_duration = export_duration
        self.store: Workspace = Workspace()
        self.requests: list[RecordedRequest] = []
        self.record_requests = True
        self.stats: FakeStats = FakeStats()
        self.faults: list[Fault] = []
        self._rng = random.Random(seed)
        self._windows: dict[int, int] = {}
        self._runner: web.AppRunner | None = None
        self._app: web.Application | None = None
        self._base_url: str | None = None
        self.webhooks: WebhookSender = WebhookSender(self._rng)
        # One scroll per app: the scroll in progress and when its param was last used.
        self.scroll_state: dict[str, Any] = {}

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> FakeIntercom:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> str:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024**2)
        self._app = app
        for op in sorted(ROUTES.values(), key=lambda o: (o.path.count("{"), o.path)):
            app.router.add_route(op.method, op.path, self._endpoint(op))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._base_url = f"http://127.0.0.1:{port}"
        return self._base_url

    async def close(self) -> None:
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @contextlib.contextmanager
    def running_in_thread(self, timeout: float = 10.0) -> Iterator[FakeIntercom]:
        """Serve the fake from a thread of its own, with its own event loop::

            with FakeIntercom().running_in_thread() as fake:
                ...  # any event loop (pytest-asyncio in any mode, anyio, trio-free code)

        For code whose loop the fake cannot share: a fixture that must work under every
        pytest plugin, or a synchronous test. ``fake.client(in_process=True)`` then serves it
        in the caller's loop; ``fake.base_url`` over loopback from any loop.
        """
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.close())
            loop.close()

        thread = threading.Thread(target=serve, name="FakeIntercom", daemon=True)
        thread.start()
        if not started.wait(timeout) or failure:
            raise RuntimeError("FakeIntercom did not start") from (failure[0] if failure else None)
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)

    @property
    def open_connections(self) -> int:
        """Client connections the fake currently holds open (0 once every client closed)."""
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the fake is not started: use `async with FakeIntercom() as fake`")
        return self._base_url

    # What ``client()`` uses when not told (the test suite runs both ways).
    client_transport: typing.ClassVar[typing.Literal["loopback", "in_process"]] = "loopback"

    def client(self, *, in_process: bool | None = None, **kwargs: Any) -> Intercom:
        """An ``Intercom`` client bound to this fake (keyword arguments go to ``Intercom``).

        ``in_process=True`` sends through ``transport()``: no socket, the same answers.
        """
        kwargs.setdefault("token", self.token)
        if in_process is None:
            # A session or trace configs of the caller's own need the aiohttp transport.
            own_http = "session" in kwargs or bool(kwargs.get("trace_configs"))
            in_process = self.client_transport == "in_process" and not own_http
        if in_process:
            kwargs["transport"] = self.transport()
        return Intercom(base_url=self.base_url, **kwargs)

    def transport(self) -> InProcessTransport:
        """A transport that serves this fake in process: each request goes through the
        fake's whole pipeline (auth, versions, faults, rate windows, handlers) without a
        socket. For unit tests that want speed; the loopback server stays for the real
        network path."""
        if self._app is None:
            raise RuntimeError("the fake is not started: use `async with FakeIntercom() as fake`")
        return InProcessTransport(self)

    async def serve_in_process(
        self, method: str, path_qs: str, headers: Mapping[str, str], raw: bytes
    ) -> tuple[web.StreamResponse, bool]:
        """Answer a request that did not come off a socket; True with the answer when a fault
        dropped the connection."""
        assert self._app is not None
        probe = make_mocked_request(method, path_qs, headers=CIMultiDict(headers), app=self._app)
        match = await self._app.router.resolve(probe)
        request = make_mocked_request(
            method,
            path_qs,
            headers=CIMultiDict(headers),
            app=self._app,
            match_info=dict(match),
        )
        request[_RAW_BODY] = raw
        response = await self._middleware(request, match.handler)
        return response, bool(request.get(DROPPED))

    # -- data and faults --------------------------------------------------------------------

    def seed(
        self, *, contacts: int = 0, companies: int = 0, conversations: int = 0, seed: int = 1
    ) -> FakeIntercom:
        """Replace the workspace with a deterministic one of this size."""
        self.store.seed(
            contacts=contacts, companies=companies, conversations=conversations, seed=seed
        )
        self.scroll_state.clear()
        return self

    def inject(
        self,
        status: int | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        body: FaultBody = "json",
        drop: typing.Literal["before", "after"] | None = None,
        truncate: bool = False,
        latency: float = 0.0,
        probability: float = 1.0,
        times: int | None = None,
    ) -> Fault:
        """Add a fault rule (see ``Fault``); returns it so a test can read ``hits``."""
        fault = Fault(
            method=method,
            path=path,
            status=status,
            body=body,
            drop=drop,
            truncate=truncate,
            latency=latency,
            probability=probability,
            times=times,
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def subscribe(
        self,
        url: str,
        topics: Sequence[str],
        *,
        client_secret: str,
        duplicates: bool = False,
        reorder: bool = False,
        retry_delay: float = 0.5,
        max_attempts: int = 5,
    ) -> Subscription:
        """Send signed webhooks for ``topics`` (exact, or patterns such as ``contact.*``) to
        ``url``: contact, company, conversation and ticket creates and updates. A failed
        delivery is retried ``max_attempts`` times in all, ``retry_delay`` doubling;
        ``duplicates`` sends each twice and ``reorder`` shuffles each burst, as Intercom may."""
        if isinstance(topics, str):
            topics = [topics]
        return self.webhooks.subscribe(
            Subscription(
                url=url,
                topics=tuple(topics),
                client_secret=client_secret,
                duplicates=duplicates,
                reorder=reorder,
                retry_delay=retry_delay,
                max_attempts=max_attempts,
            )
        )

    async def webhooks_delivered(self, timeout: float = 10.0) -> None:
        """Wait until every webhook so far was delivered or given up on (TimeoutError past
        ``timeout`` seconds)."""
        await self.webhooks.delivered(timeout)

    def rotate_token(self, new_token: str) -> None:
        """Accept ``new_token`` from now on; the old one answers 401 (an OAuth rotation)."""
        self.token = new_token

    # -- request pipeline -------------------------------------------------------------------

    def _endpoint(
        self, op: Operation[Any]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        from ._generic import answer
        from ._handlers import HANDLERS, BadInput

        handler = HANDLERS.get(route_key(op), answer)

        async def endpoint(request: web.Request) -> web.StreamResponse:
            ctx = Ctx(
                request=request,
                op=op,
                params=dict(request.match_info),
                query=dict(request.query),
                body=request[_JSON_BODY],
                store=self.store,
                fake=self,
            )
            existed = self.webhooks.before(ctx) if self.webhooks.subscriptions else True
            try:
                response = await handler(ctx)
            except BadInput as bad:
                return bad.response
            if response.status < 300 and isinstance(response, web.Response):
                if self.webhooks.subscriptions and isinstance(response.body, bytes):
                    self.webhooks.publish(ctx, response.body, existed)
                if self.omit_null_keys:
                    response = _leave_out_nulls(response)
            return response

        endpoint.__name__ = route_key(op)
        return endpoint

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        raw = request[_RAW_BODY] if _RAW_BODY in request else await request.read()
        # Endpoints are named after their operation; anything else is aiohttp's "no route".
        routed = ROUTES.get(getattr(handler, "__name__", ""))
        template = routed.path if routed is not None else None
        fault = next(
            (
                f
                for f in self.faults
                if f.matches(request.method, request.path, template, self._rng)
            ),
            None,
        )
        body: Any = None
        parse_error = False
        if raw and request.content_type == "multipart/form-data":
            try:
                body = parse_form(request.headers.get("Content-Type", ""), raw)
            except FormError:
                parse_error = True
        elif raw:
            try:
                body = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                parse_error = True
        request[_JSON_BODY] = body
        record: RecordedRequest | None = None
        if self.record_requests:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
            record = RecordedRequest(
                request.method,
                request.path,
                dict(request.query),
                headers,
                body,
                getattr(handler, "__name__", None),
                time.monotonic(),
            )
            self.requests.append(record)
        response = await self._answer(request, handler, fault, parse_error, routed)
        if record is not None:
            dropped = fault is not None and fault.drop is not None
            record.status = 0 if dropped else response.status
        return response

    async def _answer(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        fault: Fault | None,
        parse_error: bool,
        routed: Operation[Any] | None,
    ) -> web.StreamResponse:
        if fault is not None:
            fault.hits += 1
            self.stats.faults_injected += 1
            if fault.latency:
                await asyncio.sleep(fault.latency)
            if fault.drop == "before":
                return self._drop(request)
            if fault.status is not None:
                return self._fault_response(fault.status, fault.body)
        auth = request.headers.get("Authorization", "")
        if auth != f"Bearer {self.token}":
            return error(401, "unauthorized", "Access Token Invalid")
        version = request.headers.get("Intercom-Version")
        if version is not None and version not in KNOWN_VERSIONS:
            return error(
                400,
                "intercom_version_invalid",
                f"The requested version could not be found: {version}",
            )
        if version is not None and routed is not None and not has_operation(version, routed):
            return error(
                400,
                "intercom_version_invalid",
                f"The requested resource is not available in version {version}",
            )
        limit_headers, over = self._count_in_window()
        if over:
            self.stats.rate_limited += 1
            return error(429, "rate_limit_exceeded", "Exceeded rate limit", headers=limit_headers)
        if parse_error:
            return error(
                400, "parameter_invalid", "Request body is not valid JSON", headers=limit_headers
            )
        if routed is None:
            return error(404, "not_found", "Resource Not Found", headers=limit_headers)
        response = await handler(request)
        self.stats.served += 1
        if fault is not None and fault.drop == "after":
            return self._drop(request)
        if fault is not None and fault.truncate and isinstance(response, web.Response):
            full = response.body if isinstance(response.body, bytes) else b""
            response = web.Response(
                body=full[: max(1, len(full) // 2)],
                status=response.status,
                content_type="application/json",
            )
        response.headers.update(limit_headers)
        return response

    def _count_in_window(self) -> tuple[dict[str, str], bool]:
        limit, seconds = self.rate_limit
        window = math.floor(time.time() / seconds)
        used = self._windows.get(window, 0) + 1
        self._windows = {window: used}
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str((window + 1) * seconds),
        }
        return headers, used > limit

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        request[DROPPED] = True
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    @staticmethod
    def _fault_response(status: int, body: FaultBody) -> web.Response:
        if body == "html":
            return web.Response(
                status=status, text=_HTML_ERROR.format(status=status), content_type="text/html"
            )
        if body == "empty":
            return web.Response(status=status)
        code = "rate_limit_exceeded" if status == 429 else "server_error"
        headers = None
        if status == 429:
            reset = math.floor(time.time()) + 1
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
        return error(status, code, "Injected fault", headers=headers)
