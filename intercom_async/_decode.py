"""Decoding response bytes: one cached msgspec decoder per target type, straight from bytes."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, overload

import msgspec

from .errors import DecodeError

T = TypeVar("T")

_encoder = msgspec.json.Encoder()


@cache
def decoder_for(type_: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_)


@overload
def decode(body: bytes, type_: type[T]) -> T: ...
@overload
def decode(body: bytes, type_: Any) -> Any: ...
def decode(body: bytes, type_: Any) -> Any:
    """Decode ``body`` into ``type_`` (None: plain Python objects); empty bodies give None."""
    # isspace() answers without copying the body, which strip() would (a page is ~330 KB).
    if not body or body.isspace():
        return None
    target = Any if type_ is None else type_
    try:
        return decoder_for(target).decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DecodeError(str(exc), body=body, type=target) from None
    except RecursionError:
        raise DecodeError("JSON nested too deeply", body=body, type=target) from None
    except (ValueError, OverflowError, UnicodeError) as exc:
        raise DecodeError(type(exc).__name__, body=body, type=target) from None


def encode(value: object) -> bytes:
    return _encoder.encode(value)
