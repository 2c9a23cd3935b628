"""Pure request building and response reading: no sockets, no clocks, no event loop.

Everything here takes its inputs as arguments (including "now"), so the rules that decide what
is sent and how a response is read are tested without a server, gidgethub style.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from ._version import __version__

REGION_BASE_URLS: dict[str, str] = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}

USER_AGENT = f"intercom-async/{__version__} (aiohttp; msgspec)"

# aiohttp's header mappings already ignore case; plain dicts (tests, callers) need a scan.
_CASE_INSENSITIVE = (CIMultiDict, CIMultiDictProxy)

_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class RateLimit(msgspec.Struct, frozen=True):
    """The rate-limit headers of one response; a missing header is None."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    """UNIX time (seconds) when the current window resets."""


def base_url_for(region: str) -> str:
    """The API base URL of a data-hosting region (us, eu, au)."""
    try:
        return REGION_BASE_URLS[region]
    except KeyError:
        known = ", ".join(sorted(REGION_BASE_URLS))
        raise ValueError(f"unknown region {region!r}: expected one of {known}") from None


def encode_path_segment(value: object) -> str:
    """Percent-encode one path parameter so it can never leave its segment.

    Every reserved character is encoded (``/ ? # % CR LF`` and the rest). A value that is
    exactly ``.`` or ``..`` is refused: ``%2E`` means ``.`` (RFC 3986), so servers would still
    collapse it and walk up the path.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"path parameter must be a str or int, got {type(value).__name__}")
    text = str(value)
    if text == "":
        raise ValueError("path parameter must not be empty")
    if text in (".", ".."):
        raise ValueError(f"path parameter {text!r} is a dot segment and cannot name an object")
    return quote(text, safe="")


@lru_cache(maxsize=1024)
def _template_parts(template: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``/a/{x}/b`` as its literal pieces and field names, parsed once per template."""
    pieces = _TEMPLATE_FIELD.split(template)
    return tuple(pieces[0::2]), tuple(pieces[1::2])


def render_path(template: str, params: Mapping[str, object]) -> str:
    """Fill ``/contacts/{contact_id}`` from ``params``, encoding every value."""
    literals, names = _template_parts(template)
    out = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        if name not in params:
            raise ValueError(f"missing path parameter {name!r} for {template}")
        out.append(encode_path_segment(params[name]))
        out.append(literal)
    return "".join(out)


def build_headers(
    token: str,
    version: str,
    *,
    has_body: bool,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers every request sends: auth, version, accept, user agent."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Intercom-Version": version,
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    if has_body:
        headers["Content-Type"] = "application/json"
    if extra:
        for name in extra:
            if name.lower() == "authorization":
                raise ValueError("set the token on the client, not as an extra header")
        headers.update(extra)
    return headers


def _query_scalar(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(
        f"query parameter {key!r} must be a str, int, float, bool, list or dict, "
        f"got {type(value).__name__}"
    )


def encode_query(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Query values as strings; None means "not given" and is left out.

    Lists are sent comma-separated and dicts as their own ``key=value`` pairs: the OpenAPI
    "form" style the Intercom description uses for its array and object parameters.
    """
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value is msgspec.UNSET:
            continue
        if isinstance(value, Mapping):
            for inner, item in value.items():
                if item is not None:
                    out[str(inner)] = _query_scalar(str(inner), item)
        elif isinstance(value, (list, tuple)):
            out[key] = ",".join(_query_scalar(key, item) for item in value)
        else:
            out[key] = _query_scalar(key, value)
    return out or None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None and not isinstance(headers, _CASE_INSENSITIVE):
        lowered = name.lower()
        for key, candidate in headers.items():
            if key.lower() == lowered:
                return candidate
    return value


def _as_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(float(text.strip()))
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """Read ``X-RateLimit-*``; None when the response carries none of them."""
    limit = _as_int(_header(headers, "X-RateLimit-Limit"))
    remaining = _as_int(_header(headers, "X-RateLimit-Remaining"))
    reset = _as_int(_header(headers, "X-RateLimit-Reset"))
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimit(limit=limit, remaining=remaining, reset_at=float(reset) if reset else None)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id Intercom put in the response headers, if any."""
    return _header(headers, "X-Request-Id") or _header(headers, "X-Intercom-Request-Id")


_CANONICAL_LINK = re.compile(r"<([^>]*)>\s*;\s*rel=\"?canonical\"?", re.IGNORECASE)


def canonical_id_from_link(link: str | None) -> str | None:
    """The id in ``Link: </contacts/{id}>; rel="canonical"`` (a merged contact's new id)."""
    if not link:
        return None
    match = _CANONICAL_LINK.search(link)
    if not match:
        return None
    target = match.group(1).split("?", 1)[0].rstrip("/")
    return target.rsplit("/", 1)[-1] or None


class ErrorItem(msgspec.Struct):
    """One entry of an error body: a code, a message and, sometimes, the field at fault."""

    code: str | None = None
    message: str | None = None
    field: str | None = None


class ErrorBody(msgspec.Struct):
    """An error body. Intercom's is ``error.list``; a few endpoints answer other shapes
    (``{"errors": {field: message}}``, ``{"type": "error", "message": ...}``,
    ``{"error_key": ..., "message": ...}``), which decode here too."""

    type: str | None = None
    request_id: str | None = None
    errors: list[ErrorItem] | dict[str, Any] | None = None
    message: str | None = None
    error_key: str | None = None

    @property
    def items(self) -> list[ErrorItem]:
        """The errors as a list, whatever shape the body had."""
        if isinstance(self.errors, list):
            return self.errors
        if isinstance(self.errors, dict):
            return [
                ErrorItem(code=self.error_key, message=str(v), field=k)
                for k, v in self.errors.items()
            ]
        if self.message or self.error_key:
            return [ErrorItem(code=self.error_key or self.type, message=self.message)]
        return []


_error_decoder = msgspec.json.Decoder(ErrorBody)


def parse_error_body(body: bytes) -> ErrorBody | None:
    """The ``error.list`` body, or None for HTML, empty or otherwise foreign bodies."""
    if not body or body.lstrip()[:1] != b"{":
        return None
    try:
        return _error_decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def body_excerpt(body: bytes, limit: int = 200) -> str:
    """A short, single-line, printable excerpt of a body for error messages."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "REGION_BASE_URLS",
    "USER_AGENT",
    "ErrorBody",
    "ErrorItem",
    "RateLimit",
    "base_url_for",
    "body_excerpt",
    "build_headers",
    "canonical_id_from_link",
    "encode_path_segment",
    "encode_query",
    "parse_error_body",
    "parse_rate_limit",
    "render_path",
    "request_id_of",
]
