"""The shape of one entry of ``intercom_async.operations.OPERATIONS``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._paging import PaginationStyle


@dataclass(frozen=True, slots=True)
class Operation:
    """One Intercom API operation, as the generator read it from the OpenAPI description.

    ``pagination`` is the list style (an entry of ``_paging.STYLES``) or None for non-lists;
    ``items_key`` names the array of items in a list response.
    """

    name: str
    method: str
    path: str
    operation_id: str
    api_version: str
    summary: str
    response_type: Any
    request_type: Any
    pagination: PaginationStyle | None
    items_key: str | None
    idempotent: bool
    deprecated: bool
    removed_in: str | None
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    body_params: tuple[str, ...]
    """Wire names of the body fields, in the order of the method's keyword arguments."""
    response_kind: str
    """``json``, ``empty`` or ``binary``."""
    max_items: int | None
    """How many items the list reaches at most (Intercom serves nothing past it), if capped."""
    beyond_max_items: str | None
    """The operation that reaches past ``max_items``."""
