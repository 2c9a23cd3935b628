"""Per-call overrides, passed as one ``options=`` argument to every method."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Overrides for a single call; None keeps the client's setting.

    ``idempotent=True`` tells the client a write is safe to retry (for example an event sent
    with an explicit ``created_at``, which Intercom de-duplicates).
    """

    timeout: float | None = None
    version: str | None = None
    headers: Mapping[str, str] | None = None
    max_retries: int | None = None
    idempotent: bool | None = None
