"""Pure request building and response reading: no sockets, no clocks, no event loop.

Everything here takes its inputs as arguments (including "now"), so the rules that decide what
is sent and how a response is read are tested without a server, gidgethub style.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

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
    """UNIX time (seconds, on our clock when the response had a ``Date``) of the window's reset."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (``Retry-After``), if it said."""


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
        value = float(text.strip())
    except ValueError:
        return None
    # inf, nan and 1e999 are not numbers of requests or seconds.
    return int(value) if math.isfinite(value) and abs(value) < 1e15 else None


@lru_cache(maxsize=64)
def _http_date(text: str) -> float | None:
    """An HTTP date as UNIX seconds; cached because every response of a second repeats it."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.timestamp()


# The Date header has whole-second resolution: offsets within this are not clock skew.
_SKEW_TOLERANCE = 1.5


def clock_offset(headers: Mapping[str, str], now: float) -> float:
    """Seconds to add to the server's timestamps to put them on our clock (0 when unknown)."""
    date = _header(headers, "Date")
    if not date:
        return 0.0
    server_now = _http_date(date)
    if server_now is None:
        return 0.0
    offset = now - server_now
    return offset if abs(offset) > _SKEW_TOLERANCE else 0.0


def _retry_after(text: str | None, now: float | None) -> float | None:
    if text is None:
        return None
    seconds = _as_int(text)
    if seconds is not None:
        return float(max(seconds, 0))
    when = _http_date(text.strip())
    if when is None or now is None:
        return None
    return max(when - now, 0.0)


def parse_rate_limit(headers: Mapping[str, str], now: float | None = None) -> RateLimit | None:
    """Read ``X-RateLimit-*`` and ``Retry-After``; None when the response has none of them.

    ``X-RateLimit-Reset`` is the server's UNIX time. Given ``now`` (our UNIX time), a reset is
    moved onto our clock by the offset between the response's ``Date`` and ``now``, so a server
    whose clock is minutes off ours is still paced correctly.
    """
    limit = _as_int(_header(headers, "X-RateLimit-Limit"))
    remaining = _as_int(_header(headers, "X-RateLimit-Remaining"))
    reset = _as_int(_header(headers, "X-RateLimit-Reset"))
    retry_after = _retry_after(_header(headers, "Retry-After"), now)
    if limit is None and remaining is None and reset is None and retry_after is None:
        return None
    reset_at = None
    if reset:
        reset_at = float(reset) + (clock_offset(headers, now) if now is not None else 0.0)
    return RateLimit(limit=limit, remaining=remaining, reset_at=reset_at, retry_after=retry_after)


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
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")

# The longest server-supplied text an exception message carries; the whole body stays on it.
SERVER_TEXT_LIMIT = 500


def sanitise_text(text: str, limit: int = SERVER_TEXT_LIMIT) -> str:
    """Server text made safe for one log line: control and bidi characters become spaces,
    runs of white space fold, and the result is capped at ``limit`` characters."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def body_excerpt(body: bytes, limit: int = 200) -> str:
    """A short, single-line, printable excerpt of a body for error messages."""
    return sanitise_text(body[: limit * 4].decode("utf-8", errors="replace"), limit)


def normalise_path(path: str) -> str:
    """A request path checked so it can only name a path on the client's own host.

    It must start with one ``/`` (``//host`` would be another host, and a path without the
    slash would be glued onto the host name), and hold no dot segment, backslash, control
    character, query or fragment (query values go in ``params``).
    """
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("path must start with a single '/', e.g. '/contacts'")
    if any(ch in path for ch in "?#\\") or _CONTROL.search(path):
        raise ValueError(
            "path must not hold '?', '#', a backslash or control characters; "
            "pass query values as params="
        )
    segments = path.split("/")
    if any(segment in (".", "..") for segment in segments):
        raise ValueError("path must not hold '.' or '..' segments")
    if "://" in path:
        raise ValueError("path must be a path, not a URL")
    return path


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_target(
    base_url: str, url: str, status: int, location: str | None, method: str
) -> tuple[str, str, bool] | None:
    """Where a redirect may be followed: ``(method, url, keep_body)``, or None to refuse.

    Only to the same origin as ``base_url`` (scheme, host and port), so neither the token nor
    a body ever goes to another host. 303 (and 301/302 for a POST, as every client does) turn
    into a GET without the body; 307/308 keep the method and the body.
    """
    if status not in REDIRECT_STATUSES or not location:
        return None
    target = urljoin(url, location)
    origin, target_parts = urlsplit(base_url), urlsplit(target)
    if (origin.scheme, origin.netloc.lower()) != (target_parts.scheme, target_parts.netloc.lower()):
        return None
    if status == 303 or (status in (301, 302) and method == "POST"):
        return "GET", target, False
    return method, target, True


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
    "clock_offset",
    "encode_path_segment",
    "encode_query",
    "normalise_path",
    "parse_error_body",
    "parse_rate_limit",
    "redirect_target",
    "render_path",
    "request_id_of",
    "sanitise_text",
]
