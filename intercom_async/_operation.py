"""The shape of one entry of ``intercom_async.operations.OPERATIONS``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._paging import PaginationStyle

ResponseT = TypeVar("ResponseT")

PREVIEW = "Preview"
"""The ``api_version`` of the Preview API's operations (``PREVIEW_OPERATIONS``)."""


@dataclass(frozen=True, slots=True)
class Operation(Generic[ResponseT]):
    """One Intercom API operation, as the generator read it from the OpenAPI description.

    ``pagination`` is the list style (an entry of ``_paging.STYLES``) or None for non-lists;
    ``items_key`` names the array of items in a list response. The generated table writes only
    what differs from these defaults. ``ResponseT`` is what a call of it returns (the model,
    ``bytes`` for a download, None for an empty answer), so a typed handle carries its type.
    """

    name: str
    method: str
    path: str
    operation_id: str
    api_version: str
    summary: str
    response_type: Any = None
    """The model the answer decodes into (None: no JSON body)."""
    request_type: Any = None
    pagination: PaginationStyle | None = None
    items_key: str | None = None
    idempotent: bool = False
    """Safe to retry after the request may have reached Intercom."""
    deprecated: bool = False
    removed_in: str | None = None
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    body_params: tuple[str, ...] = ()
    """Wire names of the body fields, in the order of the method's keyword arguments."""
    response_kind: str = "json"
    """``json``, ``empty`` or ``binary``."""
    request_kind: str = "json"
    """``json``, or ``form``: the body is multipart/form-data (a file upload)."""
    max_items: int | None = None
    """How many items the list reaches at most (Intercom serves nothing past it), if capped."""
    beyond_max_items: str | None = None
    """The operation that reaches past ``max_items``."""

    @property
    def pinned_version(self) -> str | None:
        """The ``Intercom-Version`` this operation always goes out with, unless a call's
        ``options`` name another: ``Preview`` for the Preview API, the last version that had it
        for an operation later versions dropped; None: the client's version."""
        if self.deprecated or self.api_version == PREVIEW:
            return self.api_version
        return None
