"""What a handler of the fake gets (``Ctx``), and the fake's settings as handlers see them.

Its own module, apart from ``_fake``, so the backends need nothing of the fake's machinery and
the fake's modules import each other in one direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from .._operation import Operation
from ._store import Workspace


@dataclass
class FakeStats:
    served: int = 0
    rate_limited: int = 0
    faults_injected: int = 0


class FakeSettings(Protocol):
    """The fake's realism switches and shared state, as its handlers read them."""

    search_delay: float
    omit_null_keys: bool
    export_duration: float
    scroll_expiry: float
    scroll_page_size: int
    constant_scroll_param: bool
    scroll_state: dict[str, Any]
    stats: FakeStats

    @property
    def base_url(self) -> str: ...


@dataclass
class Ctx:
    """What a handler gets: the request, its operation and parsed inputs, and the store.

    ``body`` is the decoded JSON body (any JSON value, None without one).
    """

    request: web.Request
    op: Operation[Any]
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    store: Workspace
    fake: FakeSettings
