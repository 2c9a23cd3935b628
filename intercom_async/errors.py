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


class DecodeError(IntercomError):
    """A body could not be decoded into the expected type. ``body`` holds the raw bytes."""

    def __init__(self, message: str, *, body: bytes, type: Any) -> None:
        self.body = body
        self.type = type
        type_name = getattr(type, "__name__", None) or repr(type)
        super().__init__(
            f"could not decode into {type_name}: {message}; body: {body_excerpt(body)}"
        )


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
            detail = first.code or "error"
            if first.message:
                detail += f": {first.message}"
            if first.field:
                detail += f" (field {first.field})"
            if len(self.errors) > 1:
                detail += f" (+{len(self.errors) - 1} more)"
            parts.append(detail)
        elif self.body:
            parts.append(f"non-JSON body: {body_excerpt(self.body)}")
        else:
            parts.append("empty body")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
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
    "IntercomError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "error_class_for",
    "status_error",
]
