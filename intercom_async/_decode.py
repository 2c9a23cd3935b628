"""Decoding response bytes: one cached msgspec decoder per type, and nothing Intercom sent lost.

- The fast path decodes straight from bytes into the model. The model keeps the body it came
  from (in its ``__dict__``), so ``to_dict(model)`` returns the JSON exactly as sent: every
  key, declared or not, nested objects included, at no cost until it is asked for.
- A value that does not fit its declared type (a new shape Intercom ships tomorrow) does not
  throw the page away: the body is decoded once more as plain JSON, the misfit values are set
  aside (the attribute holds None; the value stays in ``to_dict``), and one warning per type
  and field is logged — naming the field, never its value.
- Only a body that is not JSON at all raises ``DecodeError``.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any, TypeVar, overload

import msgspec

from .errors import DecodeError
from .hooks import report_decode_warning

logger = logging.getLogger("intercom_async")

T = TypeVar("T")

_encoder = msgspec.json.Encoder()
_any_decoder = msgspec.json.Decoder()

# Where a decoded model keeps its source: the body bytes (a top-level object), the JSON value
# itself (a webhook item), or, for an item of a page, the page body with the items key and the
# index beside it. Items point at the body, not at the page model: a page -> item -> page cycle
# would keep every page alive until the cyclic garbage collector ran (streaming memory grew 6x
# that way). An item's entries are all atomic (bytes, str, int), so CPython never tracks its
# __dict__ for the garbage collector: a tuple there made each item one more object to walk.
SOURCE = "__intercom_json__"
SOURCE_KEY = "__intercom_json_key__"
SOURCE_INDEX = "__intercom_json_index__"

# Bodies decoded to plain JSON recently, so the items of a page share one decode. Keyed by
# id(); the entry holds the body itself, so the id cannot be reused while it is cached.
_PARSED_CACHE_SIZE = 4
_parsed: dict[int, tuple[bytes, Any]] = {}

# How many misfit values one body may have before it is taken as not what it claims to be.
MAX_REPAIRS = 1000

_warned: set[tuple[str, str]] = set()
_AT_PATH = re.compile(r" - at `(\$[^`]*)`$")
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*')\]")


@cache
def decoder_for(type_: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_)


def _type_name(type_: Any) -> str:
    return getattr(type_, "__name__", None) or repr(type_)


@overload
def decode(body: bytes, type_: type[T]) -> T: ...
@overload
def decode(body: bytes, type_: Any) -> Any: ...
def decode(body: bytes, type_: Any) -> Any:
    """Decode ``body`` into ``type_`` (None: plain Python objects).

    An empty or blank body is not a value: it raises ``DecodeError`` (Intercom's intermittent
    empty 200s must never read as "nothing").
    """
    # isspace() answers without copying the body, which strip() would (a page is ~330 KB).
    if not body or body.isspace():
        raise DecodeError("the body is empty", body=body, type=type_)
    target = Any if type_ is None else type_
    try:
        value = decoder_for(target).decode(body)
    except msgspec.ValidationError as exc:
        value = _repaired(body, target, exc)
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc), body=body, type=target) from None
    except RecursionError:
        raise DecodeError("JSON nested too deeply", body=body, type=target) from None
    except (ValueError, OverflowError, UnicodeError) as exc:
        raise DecodeError(type(exc).__name__, body=body, type=target) from None
    if isinstance(value, list):
        # A top-level array: each element keeps its place in the body.
        _link(body, None, value)
    else:
        keep_source(value, body)
    return value


def keep_source(value: Any, source: bytes | Any) -> None:
    """Remember what ``value`` was decoded from (for ``to_dict``), if it is a model."""
    namespace = getattr(value, "__dict__", None)
    if namespace is not None:
        namespace[SOURCE] = source


def link_items(parent: Any, key: str, items: list[Any]) -> None:
    """Tie each item of ``parent.<key>`` to its place, so ``to_dict(item)`` finds its JSON."""
    namespace = getattr(parent, "__dict__", None)
    body = namespace.get(SOURCE) if namespace is not None else None
    if isinstance(body, bytes):
        _link(body, key, items)


def _link(body: bytes, key: str | None, items: list[Any]) -> None:
    for index, item in enumerate(items):
        item_namespace = getattr(item, "__dict__", None)
        if item_namespace is not None and SOURCE not in item_namespace:
            item_namespace[SOURCE] = body
            item_namespace[SOURCE_KEY] = key
            item_namespace[SOURCE_INDEX] = index


def _parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index, quoted in _PATH_PART.findall(path[1:]):
        if name:
            parts.append(name)
        elif index:
            parts.append(int(index))
        else:
            parts.append(quoted[1:-1].replace("\\'", "'"))
    return parts


def _warn_once(type_: Any, path: list[str | int], problem: str) -> None:
    field = ".".join(str(p) for p in path if not isinstance(p, int)) or "$"
    key = (_type_name(type_), field)
    report_decode_warning(*key)
    if key in _warned:
        return
    _warned.add(key)
    # The message names the type, the field and the expected shape: never the value.
    logger.warning(
        "decoding %s: field %s has a shape the model does not declare (%s); the attribute is "
        "None and the value is kept in to_dict()",
        key[0],
        field,
        problem,
    )


def convert_leniently(value: Any, target: Any) -> Any:
    """``value`` (plain JSON) as ``target``, setting aside each misfit as None (warned once).

    Strings that hold numbers are taken as numbers (``"created_at": "1401970114"``).
    """
    try:
        return msgspec.convert(value, target, strict=False)
    except msgspec.ValidationError as exc:
        error: msgspec.ValidationError = exc
    # Work on a copy: the caller's value (and so to_dict) keeps what Intercom sent.
    working = msgspec.json.decode(_encoder.encode(value))
    for _ in range(MAX_REPAIRS):
        text = str(error)
        match = _AT_PATH.search(text)
        path = _parse_path(match.group(1)) if match else []
        problem = text[: match.start()] if match else text
        if not path:
            break
        container: Any = working
        for part in path[:-1]:
            container = container[part]
        _warn_once(target, path, problem)
        container[path[-1]] = None
        try:
            return msgspec.convert(working, target, strict=False)
        except msgspec.ValidationError as exc:
            error = exc
    # The value as a whole is another shape (an array for an object, ...): an empty model,
    # whose to_dict() still gives everything.
    _warn_once(target, [], str(error))
    empties: tuple[Any, ...] = ({}, [])
    for empty in empties:
        try:
            return msgspec.convert(empty, target)
        except msgspec.ValidationError:
            continue
    raise msgspec.ValidationError(str(error))


def _repaired(body: bytes, target: Any, first: msgspec.ValidationError) -> Any:
    try:
        plain = _any_decoder.decode(body)
    except RecursionError:
        raise DecodeError("JSON nested too deeply", body=body, type=target) from None
    except (msgspec.DecodeError, ValueError, UnicodeError) as exc:
        raise DecodeError(str(exc), body=body, type=target) from None
    try:
        return convert_leniently(plain, target)
    except msgspec.ValidationError:
        raise DecodeError(str(first), body=body, type=target) from None


def _parse(body: bytes) -> Any:
    cached = _parsed.get(id(body))
    if cached is not None and cached[0] is body:
        return cached[1]
    value = _any_decoder.decode(body)
    if len(_parsed) >= _PARSED_CACHE_SIZE:
        _parsed.pop(next(iter(_parsed)))
    _parsed[id(body)] = (body, value)
    return value


def _json_of(model: Any) -> Any:
    namespace: dict[str, Any] | None = getattr(model, "__dict__", None)
    source = namespace.get(SOURCE) if namespace is not None else None
    if namespace is None or not isinstance(source, bytes):
        return source
    value = _parse(source)
    index = namespace.get(SOURCE_INDEX)
    if index is None:
        return value
    key = namespace.get(SOURCE_KEY)
    return value[index] if key is None else value[key][index]


def to_dict(value: Any) -> Any:
    """The JSON value exactly as Intercom sent it, for any decoded model (a fresh copy).

    Every key is there, declared or not, nested objects included; ``to_dict`` of a list page
    gives the page. A model built by hand (not decoded) gives its fields, null ones left out.
    Plain values (``as_dicts()`` items, dicts, lists) are returned as they are.
    """
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    source = _json_of(value)
    if source is not None:
        # A fresh copy: the parsed body is shared by every item of its page.
        return _any_decoder.decode(_encoder.encode(source))
    if isinstance(value, msgspec.Struct):
        built = msgspec.to_builtins(value)
        return (
            {k: v for k, v in built.items() if v is not None} if isinstance(built, dict) else built
        )
    raise TypeError(f"to_dict() takes a decoded model or plain JSON, not {type(value).__name__}")


def encode(value: object) -> bytes:
    return _encoder.encode(value)
