"""Which operation a request reaches in the fake, and the key it is known by.

A Preview operation with a numbered twin (``GET /contacts/{id}``) is served by the twin's
route and handler, as Intercom serves one resource under every version; the Preview-only ones
(folders, bulk jobs, ``/companies/search``…) get routes of their own, keyed ``preview.<name>``
in ``ROUTES``, ``HANDLERS`` and ``SAMPLES``.
"""

from __future__ import annotations

import re
from typing import Any

from .._operation import PREVIEW, Operation
from ..operations import OPERATIONS, PREVIEW_OPERATIONS


def _shape(op: Operation[Any]) -> tuple[str, str]:
    return op.method, re.sub(r"\{[^}]*\}", "{}", op.path)


def route_key(op: Operation[Any]) -> str:
    """``contacts.get`` for a numbered operation, ``preview.folders.list`` for a Preview one."""
    return f"preview.{op.name}" if op.api_version == PREVIEW else op.name


_NUMBERED = {_shape(op) for op in OPERATIONS.values()}
PREVIEW_ONLY = [op for op in PREVIEW_OPERATIONS.values() if _shape(op) not in _NUMBERED]
ROUTES: dict[str, Operation[Any]] = {
    **OPERATIONS,
    **{route_key(op): op for op in PREVIEW_ONLY},
}
