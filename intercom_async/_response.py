"""A decoded value together with the HTTP response it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from ._sansio import RateLimit

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class APIResponse(Generic[T]):
    """What ``client.with_raw_response(...)`` returns: the value and its response metadata."""

    parsed: T
    status: int
    headers: Mapping[str, str]
    content: bytes
    request_id: str | None
    rate_limit: RateLimit | None
    elapsed: float
    attempts: int
