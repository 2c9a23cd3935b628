"""Hooks: see what the client is doing, without a dependency.

``Intercom(..., hooks=[...])`` takes objects with any of these methods (all optional, all
synchronous and expected to be quick — they run on the request's path)::

    on_request(event: RequestEvent)            # an attempt is about to be sent
    on_response(event: RequestEvent)           # it ended: a status, or an error
    on_retry(event: RetryEvent)                # a failed attempt will be retried after a wait
    on_limiter_wait(event: LimiterWaitEvent)   # a request waited for the limiter
    on_page(event: PageEvent)                  # a paginator fetched a page
    on_scroll_restart(event: ScrollRestartEvent)
    on_decode_warning(event: DecodeWarningEvent)  # a value did not fit its model (set aside)

A hook that raises is logged (logger ``intercom_async``) and never breaks a request. The same
``RequestEvent`` object goes to ``on_request`` and ``on_response`` of one attempt; its
``state`` dict is there for a hook to keep per-attempt data (a span, a start time).

Events carry the URL template (``/contacts/{contact_id}``), never the token, and the query's
names but not its values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from ._sansio import RateLimit, request_id_of
from ._transport import RawResponse

logger: logging.Logger = logging.getLogger("intercom_async")

LimiterWaitReason = Literal["concurrency", "pacing", "rate_limit_pause"]


@dataclass(slots=True, eq=False)
class RequestEvent:
    """One physical attempt: filled in as it goes (``status``, ``duration``… on response)."""

    operation: str | None
    """The operation's name (``contacts.get``), None for ``client.request()``."""
    method: str
    url_template: str
    """The path before its parameters were filled in, e.g. ``/contacts/{contact_id}``."""
    url: str
    """The full URL with every query value redacted."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    status: int | None = None
    """The HTTP status, None when no answer arrived."""
    duration: float | None = None
    """Seconds from sending to the whole body read (or to the failure)."""
    request_id: str | None = None
    rate_limit: RateLimit | None = None
    error: BaseException | None = None
    """Why the attempt failed (a status error, a connection error, a body that is not JSON)."""
    state: dict[object, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RetryEvent:
    operation: str | None
    method: str
    url_template: str
    attempt: int
    """The attempt that failed (the retry is attempt + 1)."""
    reason: str
    """The status (``"503"``) or the error's type name (``"APIConnectionError"``)."""
    wait: float


@dataclass(frozen=True, slots=True)
class LimiterWaitEvent:
    seconds: float
    reason: LimiterWaitReason


@dataclass(frozen=True, slots=True)
class PageEvent:
    operation: str
    number: int
    items: int


@dataclass(frozen=True, slots=True)
class ScrollRestartEvent:
    operation: str
    reason: str
    restarts: int


@dataclass(frozen=True, slots=True)
class DecodeWarningEvent:
    type_name: str
    field: str


_METHODS = (
    "on_request",
    "on_response",
    "on_retry",
    "on_limiter_wait",
    "on_page",
    "on_scroll_restart",
    "on_decode_warning",
)


class Hooks:
    """The hooks of one client, looked up once; each call shields the request from them."""

    __slots__ = ("_by_method", "hooks")

    def __init__(self, hooks: Iterable[object]) -> None:
        self.hooks: tuple[object, ...] = tuple(hooks)
        self._by_method: dict[str, tuple[Callable[[Any], object], ...]] = {
            name: tuple(getattr(h, name) for h in self.hooks if callable(getattr(h, name, None)))
            for name in _METHODS
        }
        if not any(self._by_method.values()):
            raise TypeError(
                "hooks=: none of the objects has an on_request, on_response, on_retry, "
                "on_limiter_wait, on_page, on_scroll_restart or on_decode_warning method"
            )

    def emit(self, method: str, event: object) -> None:
        for call in self._by_method[method]:
            try:
                call(event)
            except Exception:
                logger.exception("hook %s raised; the request goes on", _name_of(call))


def _name_of(call: Callable[[Any], object]) -> str:
    return getattr(call, "__qualname__", None) or repr(call)


def redact_query(url: str, query: Mapping[str, str] | None) -> str:
    """``url`` with the query's names and every value redacted (values may be customer data)."""
    if not query:
        return url
    return url + "?" + "&".join(f"{name}=REDACTED" for name in query)


@dataclass(frozen=True, slots=True)
class CallInfo:
    """What a retry event says about its call."""

    operation: str | None
    method: str
    template: str


# Where a request event keeps the moment it was sent (its duration on a connection failure).
SENT_AT = object()


def finish_request(
    hooks: Hooks | None,
    event: RequestEvent,
    raw: RawResponse | None,
    error: BaseException | None,
    snapshot: RateLimit | None = None,
) -> None:
    """Fill in how an attempt ended and tell the hooks."""
    assert hooks is not None
    if raw is not None:
        event.status = raw.status
        event.duration = raw.elapsed
        event.request_id = request_id_of(raw.headers)
    else:
        event.duration = time.monotonic() - event.state[SENT_AT]
    event.rate_limit = snapshot
    event.error = error
    hooks.emit("on_response", event)


# The hooks of the client whose request is running in this task, set only when it has hooks:
# the retry policy and the lenient decoder report through it without being handed a client.
current_hooks: ContextVar[tuple[Hooks, CallInfo] | None] = ContextVar(
    "intercom_async_hooks", default=None
)


def report_decode_warning(type_name: str, field_path: str) -> None:
    running = current_hooks.get()
    if running is not None:
        running[0].emit("on_decode_warning", DecodeWarningEvent(type_name, field_path))


__all__ = [
    "DecodeWarningEvent",
    "Hooks",
    "LimiterWaitEvent",
    "LimiterWaitReason",
    "PageEvent",
    "RequestEvent",
    "RetryEvent",
    "ScrollRestartEvent",
]
