"""What resources and paginators need from a client: the ``Sender`` protocol.

Resource methods and the paginator talk to this small protocol, never to the client's
internals, so ``resources``, ``pagination`` and ``_client`` do not import each other in a circle
(the client implements it; a test double can too).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from ._operation import Operation
from ._options import RequestOptions

# ``decode_as`` left out: decode into the operation's declared response type.
DECLARED: Any = object()


class Sender(Protocol):
    """Sends operations of ``OPERATIONS`` and hears how streams go."""

    async def call(
        self,
        op: Operation[Any],
        path_params: Mapping[str, object],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
        decode_as: Any = DECLARED,
        form: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one operation (its method, path, retry safety and version) and decode the
        answer into ``decode_as`` (default: the operation's response type). A ``form`` is
        sent as multipart/form-data instead of a JSON body."""
        ...

    def scroll_lock(self) -> AbstractAsyncContextManager[object]:
        """Held while a scroll runs: the API allows one open scroll per app."""
        ...

    def report_page(self, operation: str, number: int, items: int) -> None:
        """A paginator read page ``number`` of ``operation`` with ``items`` items."""
        ...

    def report_scroll_restart(self, operation: str, reason: str, restarts: int) -> None:
        """A scroll restarted from the beginning, for ``reason``."""
        ...
