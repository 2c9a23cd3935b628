"""What every resource class shares: one call path into the client."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from .._operation import Operation, ResponseT
from .._options import RequestOptions
from ..pagination import Paginator
from ..search import as_json, sort_json

if TYPE_CHECKING:
    from .._sender import Sender


def _payload(
    body: Mapping[str, Any] | None, extra_body: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The JSON body: fields left UNSET are not sent; ``extra_body`` is sent as given."""
    if body is None and not extra_body:
        return None
    payload = {k: v for k, v in (body or {}).items() if v is not UNSET}
    if extra_body:
        payload.update(extra_body)
    return payload


class BaseResource:
    """A resource's methods send through the client's ``Sender``, nothing else of it."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    async def _call(
        self,
        op: Operation[ResponseT],
        path: Mapping[str, object],
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> ResponseT:
        if op.deprecated:
            warnings.warn(
                f"{op.method} {op.path} was removed from the Intercom API in version "
                f"{op.removed_in}; it is sent with "
                f"Intercom-Version {op.api_version}",
                DeprecationWarning,
                stacklevel=3,
            )
        if form is not None:
            fields = _payload(form, extra_body)
            answer: ResponseT = await self._sender.call(
                op, path, params=query, form=fields, options=options
            )
            return answer
        answer = await self._sender.call(
            op, path, params=query, json=_payload(body, extra_body), options=options
        )
        return answer

    def _paginate(
        self,
        op: Operation[Any],
        path: Mapping[str, object],
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        per_page: int | None = None,
        cursor: str | int | None = None,
        limit: int | None = None,
        prefetch: int = 1,
        scroll_restart: str = "auto",
        options: RequestOptions | None = None,
    ) -> Paginator[Any, Any]:
        payload = _payload(body, extra_body)
        if payload is not None and op.pagination == "search":
            target = op.path.strip("/").split("/")[0]
            if "query" in payload:
                payload["query"] = as_json(payload["query"], target)  # type: ignore[arg-type]
            if "sort" in payload and payload["sort"] is not None:
                payload["sort"] = sort_json(payload["sort"])
        return Paginator(
            self._sender,
            op,
            path,
            query=query,
            body=payload,
            per_page=per_page,
            cursor=cursor,
            limit=limit,
            prefetch=prefetch,
            scroll_restart=scroll_restart,
            options=options,
        )
