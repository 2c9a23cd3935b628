"""A multipart/form-data body (the Preview API's catalog upload): files and text values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from .errors import ConfigurationError


async def encode_form(fields: Mapping[str, Any]) -> tuple[bytes, str]:
    """The encoded body and its Content-Type (with the boundary).

    A file is ``bytes``, ``(filename, bytes)`` or ``(filename, bytes, content_type)``; text
    values are strings, numbers or booleans (``true``/``false``). Fields that are None are not
    sent.
    """
    form = aiohttp.FormData(default_to_multipart=True)
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            form.add_field(name, bytes(value), filename=name, content_type=_OCTETS)
        elif isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[1], bytes):
            kind = value[2] if len(value) == 3 else _OCTETS
            form.add_field(name, value[1], filename=str(value[0]), content_type=str(kind))
        elif isinstance(value, bool):
            form.add_field(name, "true" if value else "false")
        elif isinstance(value, str | int | float):
            form.add_field(name, str(value))
        else:
            raise ConfigurationError(
                f"form field {name!r}: expected bytes, (filename, bytes), text or a number, "
                f"got {type(value).__name__}"
            )
    writer = form()
    return await writer.as_bytes(), writer.content_type


_OCTETS = "application/octet-stream"
