"""What every resource class shares: one call path into the client."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import UNSET

from .._operation import Operation
from .._options import RequestOptions

if TYPE_CHECKING:
    from .._client import Intercom


class BaseResource:
    def __init__(self, client: Intercom) -> None:
        self._client = client

    async def _call(
        self,
        op: Operation,
        path: Mapping[str, object],
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> Any:
        if op.deprecated:
            warnings.warn(
                f"{op.method} {op.path} was removed from the Intercom API in version "
                f"{op.removed_in}; it is sent with "
                f"Intercom-Version {op.api_version}",
                DeprecationWarning,
                stacklevel=3,
            )
        payload: dict[str, Any] | None = None
        if body is not None or extra_body:
            payload = {k: v for k, v in (body or {}).items() if v is not UNSET}
            if extra_body:
                payload.update(extra_body)
        return await self._client._execute(
            op.method,
            op.path,
            path_params=path,
            params=query,
            json=payload,
            type=op.response_type if op.response_kind == "json" else None,
            raw_body=op.response_kind == "binary",
            idempotent=op.idempotent,
            options=options,
            version=op.api_version if op.deprecated else None,
        )
