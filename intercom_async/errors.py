"""Every exception the library raises, and the one table that maps HTTP statuses to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._sansio import (
    ErrorItem,
    RateLimit,
    body_excerpt,
    canonical_id_from_link,
    parse_error_body,
    parse_rate_limit,
    request_id_of,
    sanitise_text,
)


class IntercomError(Exception):
    """Base class of every error raised by intercom-async."""


class ConfigurationError(IntercomError, ValueError):
    """The client was set up wrongly (no token, unknown region, bad base URL, ...)."""


class ClientClosedError(IntercomError):
    """A request was made on a client that has been closed."""


class APIConnectionError(IntercomError):
    """The request got no HTTP response (DNS, refused, reset, TLS, ...).

    ``request_sent`` is False when the failure happened before any byte could reach Intercom
    (so even a create is safe to send again). ``outcome_unknown`` is True for a non-idempotent
    request that may have been processed: it was not retried, check before sending it again.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        request_sent: bool = True,
        outcome_unknown: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.detail = message
        self.request_sent = request_sent
        self.outcome_unknown = outcome_unknown
        suffix = (
            " (not retried: the request may have been processed; check before sending it again)"
            if outcome_unknown
            else ""
        )
        super().__init__(f"{method} {path}: {message}{suffix}")

    def with_outcome_unknown(self) -> APIConnectionError:
        """The same failure, marked as possibly processed (for a write that is not retried)."""
        return type(self)(
            self.detail,
            method=self.method,
            path=self.path,
            request_sent=self.request_sent,
            outcome_unknown=True,
        )


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class EventLoopError(IntercomError, RuntimeError):
    """A client or limiter was used on an event loop other than the one it started on."""


class ResponseTooLargeError(APIConnectionError):
    """The response body grew past ``max_response_bytes`` (counted after decompression)."""


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[", b'"') if body else False


class DecodeError(IntercomError):
    """A body could not be decoded into the expected type. ``body`` holds the raw bytes.

    The message names the type, the JSON path and the byte offset, never a value of the body
    (it may hold customer data); only a body that is not JSON at all (an HTML proxy page) is
    shown as a short excerpt.
    """

    status: int | None = None
    """The HTTP status of the answer whose body this was (a 200 that is not a page, ...)."""

    def __init__(self, message: str, *, body: bytes, type: Any) -> None:
        self.body = body
        self.type = type
        self.detail = message
        type_name = getattr(type, "__name__", None) or repr(type)
        text = f"could not decode into {type_name}: {message} (body of {len(body):,} bytes)"
        if body and not _looks_like_json(body):
            text += f"; body: {body_excerpt(body)}"
        elif not body:
            text += "; empty body"
        super().__init__(text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.args[0]!r})"


class APIStatusError(IntercomError):
    """Intercom (or a proxy in front of it) answered with an error status."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        outcome_unknown: bool = False,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.headers: Mapping[str, str] = headers
        self.body = body
        self.rate_limit: RateLimit | None = parse_rate_limit(headers)
        self.outcome_unknown = outcome_unknown
        parsed = parse_error_body(body)
        self.errors: list[ErrorItem] = parsed.items if parsed else []
        self.request_id: str | None = (parsed.request_id if parsed else None) or request_id_of(
            headers
        )
        super().__init__(self._summary())

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait before retrying (``Retry-After``), if it said."""
        return self.rate_limit.retry_after if self.rate_limit is not None else None

    @property
    def code(self) -> str | None:
        """The first error's code, e.g. ``not_found``."""
        return self.errors[0].code if self.errors else None

    @property
    def message(self) -> str | None:
        """The first error's message."""
        return self.errors[0].message if self.errors else None

    def _summary(self) -> str:
        parts = [f"{self.status} {self.method} {self.path}"]
        if self.errors:
            first = self.errors[0]
            detail = sanitise_text(first.code or "error", 100)
            if first.message:
                detail += f": {sanitise_text(first.message)}"
            if first.field:
                detail += f" (field {sanitise_text(first.field, 100)})"
            if len(self.errors) > 1:
                detail += f" (+{len(self.errors) - 1} more)"
            parts.append(detail)
        elif self.body:
            parts.append(f"non-JSON body: {body_excerpt(self.body)}")
        else:
            parts.append("empty body")
        if self.request_id:
            parts.append(f"request_id={sanitise_text(self.request_id, 100)}")
        if self.outcome_unknown:
            parts.append("not retried: the request may have been processed")
        return " — ".join(parts)


class BadRequestError(APIStatusError):
    """400: a parameter is invalid, missing, or the API version is unknown."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, invalid or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the token or plan does not allow this call."""


class NotFoundError(APIStatusError):
    """404: no such object."""


class ConflictError(APIStatusError):
    """409: the object already exists (the message names the existing id)."""


class ContactMergedError(APIStatusError):
    """410: the contact was merged into another; ``canonical_id`` is the surviving contact."""

    @property
    def canonical_id(self) -> str | None:
        """The id of the contact this one was merged into (from the Link header)."""
        return canonical_id_from_link(self.headers.get("Link") or self.headers.get("link"))


class UnprocessableEntityError(APIStatusError):
    """422: the body is well-formed but invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests (a rate window, or a job-concurrency limit).

    ``paused_all`` is True when the 429 was a window limit that paused every request of the
    limiter until the reset.
    """

    paused_all: bool = False


class RateLimitWaitTooLong(RateLimitError):
    """The limiter would have had to wait longer than allowed, so nothing was sent.

    Raised at once when the planned wait exceeds ``max_rate_limit_wait`` (or what is left of a
    call's ``deadline``). ``wait`` is the planned wait in seconds, ``bound`` the limit. No
    request reached Intercom: ``status`` is 429 only so that ``except RateLimitError`` catches it.
    """

    def __init__(self, *, wait: float, bound: float, method: str = "", path: str = "") -> None:
        self.wait = wait
        self.bound = bound
        super().__init__(status=429, method=method, path=path, headers={}, body=b"")

    def _summary(self) -> str:
        where = f"{self.method} {self.path}: " if self.method else ""
        planned = "an unbounded time" if self.wait == float("inf") else f"{self.wait:.1f}s"
        return (
            f"{where}the rate limiter would wait {planned}, longer than the allowed "
            f"{self.bound:.1f}s; nothing was sent"
        )


class RedirectError(APIStatusError):
    """3xx: Intercom does not redirect API calls, so a redirect (a proxy, a captive portal) is
    an error; it is not followed unless ``follow_redirects=True``, and then same-origin only.
    ``location`` is the target the server named."""

    @property
    def location(self) -> str | None:
        """The redirect's ``Location`` header."""
        return self.headers.get("Location") or self.headers.get("location")


class InternalServerError(APIStatusError):
    """5xx: Intercom or a proxy failed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: ContactMergedError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP status: the one table that maps them."""
    if status >= 500:
        return InternalServerError
    if 300 <= status < 400:
        return RedirectError
    return _STATUS_ERRORS.get(status, APIStatusError)


def status_error(
    status: int,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    outcome_unknown: bool = False,
) -> APIStatusError:
    """Build the typed exception for an error response."""
    cls = error_class_for(status)
    return cls(
        status=status,
        method=method,
        path=path,
        headers=headers,
        body=body,
        outcome_unknown=outcome_unknown,
    )


class PaginationError(IntercomError):
    """A list could not be followed further (a cursor that does not advance, a hard cap)."""


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "ContactMergedError",
    "DecodeError",
    "ErrorItem",
    "EventLoopError",
    "IntercomError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitWaitTooLong",
    "RedirectError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "error_class_for",
    "status_error",
]
