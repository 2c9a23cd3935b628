"""Fault injection for FakeIntercom: rules matched against each request."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

FaultBody = Literal["json", "html", "empty"]


@dataclass
class Fault:
    """One rule. A request matches when method and path match, and then with ``probability``,
    at most ``times`` times (None: no limit).

    What it does, in this order: waits ``latency`` seconds; ``drop="before"`` closes the
    connection without running the handler; ``status`` answers that status (with a JSON
    ``error.list``, an HTML page or an empty body); ``drop="after"`` runs the handler (its
    changes stay) and then closes the connection without answering; ``truncate`` answers the
    handler's response with its body cut short.
    """

    method: str | None = None
    path: str | None = None
    status: int | None = None
    body: FaultBody = "json"
    drop: Literal["before", "after"] | None = None
    truncate: bool = False
    latency: float = 0.0
    probability: float = 1.0
    times: int | None = None
    hits: int = field(default=0, init=False)

    def matches(self, method: str, path: str, template: str | None, rng: random.Random) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is not None and not _path_matches(self.path, path, template):
            return False
        return self.probability >= 1.0 or rng.random() < self.probability


def _path_matches(pattern: str, path: str, template: str | None) -> bool:
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return pattern in (path, template)
