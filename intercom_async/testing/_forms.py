"""Reading a multipart/form-data body the way Intercom's file uploads receive it."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any


class FormError(ValueError):
    """The body is not the multipart/form-data its Content-Type says."""


def parse_form(content_type: str, raw: bytes) -> dict[str, Any]:
    """Text fields as strings; a file as ``{"filename": ..., "content": bytes}``."""
    if "boundary=" not in content_type:
        raise FormError("multipart/form-data without a boundary")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        raise FormError("the body has no parts")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise FormError("a part without a name")
        content = part.get_payload(decode=True)
        content = content if isinstance(content, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = content.decode(part.get_content_charset() or "utf-8")
        else:
            fields[name] = {"filename": filename, "content": content}
    return fields
