"""Per-call overrides, passed as one ``options=`` argument to every method."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import inf

from .errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Overrides for a single call; None keeps the client's setting.

    Args:
        timeout: Seconds one attempt may take.
        version: The ``Intercom-Version`` for this call.
        headers: Extra headers (they cannot replace ``Authorization``).
        max_retries: Retries of this call.
        idempotent: True tells the client a write is safe to retry (for example an event
            sent with an explicit ``created_at``, which Intercom de-duplicates).
        deadline: Seconds for the whole call — limiter waits, every attempt and the back-off
            between them; past it the call raises ``APITimeoutError`` (for a write that may
            have been sent, marked ``outcome_unknown``).
        max_rate_limit_wait: Overrides the client's bound on a single pacing wait.
    """

    timeout: float | None = None
    version: str | None = None
    headers: Mapping[str, str] | None = None
    max_retries: int | None = None
    idempotent: bool | None = None
    deadline: float | None = None
    max_rate_limit_wait: float | None = None

    def __post_init__(self) -> None:
        for name in ("timeout", "deadline", "max_rate_limit_wait"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, (int, float)) and 0 < value < inf):
                raise ConfigurationError(f"{name} must be a positive, finite number of seconds")
        if self.max_retries is not None and self.max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
