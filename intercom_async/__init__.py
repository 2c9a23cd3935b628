"""intercom-async: an asyncio-native client for the Intercom REST API."""

from ._client import DEFAULT_VERSION, Intercom, TokenSource
from ._decode import to_dict
from ._limiter import ClientStats, LocalRateBudget, RateBudget, RateLimiter
from ._options import RequestOptions
from ._response import APIResponse
from ._sansio import REGION_BASE_URLS, RateLimit
from ._transport import RawResponse, Transport
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    ContactMergedError,
    DecodeError,
    EventLoopError,
    IntercomError,
    InternalServerError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitWaitTooLong,
    RedirectError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)

__all__ = [
    "DEFAULT_VERSION",
    "REGION_BASE_URLS",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientStats",
    "ConfigurationError",
    "ConflictError",
    "ContactMergedError",
    "DecodeError",
    "EventLoopError",
    "Intercom",
    "IntercomError",
    "InternalServerError",
    "LocalRateBudget",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateBudget",
    "RateLimit",
    "RateLimitError",
    "RateLimitWaitTooLong",
    "RateLimiter",
    "RawResponse",
    "RedirectError",
    "RequestOptions",
    "ResponseTooLargeError",
    "TokenSource",
    "Transport",
    "UnprocessableEntityError",
    "__version__",
    "to_dict",
]
