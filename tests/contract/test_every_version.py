"""Every 2xx example of every published version, decoded as the client decodes that operation.

Real responses carry the fields and shapes of every version (and a client may pin any of
them), so each example must decode with the matching operation's response type and
``to_dict`` must give it back exactly. The typed attributes must hold the values too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from intercom_async import to_dict
from intercom_async._decode import decode
from intercom_async.operations import OPERATIONS

from ..spec_data import FILES, examples, operations, resolve_response
from .test_examples import _MISSING, _leaves

BY_ROUTE = {(op.method.lower(), op.path): op for op in OPERATIONS.values()}


def _cases() -> Iterator[Any]:
    for version in FILES:
        try:
            ops = list(operations(version))
        except pytest.skip.Exception:
            continue
        for method, path, raw in ops:
            op = BY_ROUTE.get((method, path))
            if op is None or op.response_kind != "json":
                continue  # a Preview-only operation: client.preview's own table
            for code, response in raw.get("responses", {}).items():
                if not str(code).startswith("2"):
                    continue
                content = resolve_response(version, response).get("content") or {}
                for name, value in examples(content.get("application/json") or {}):
                    yield version, op, f"{version}:{op.name}:{code}:{name}", value


CASES = list(_cases())


def test_there_are_examples_of_every_version() -> None:
    if not CASES:
        pytest.skip("the API descriptions are absent (../shared)")
    assert {case[0] for case in CASES} == set(FILES)
    # About 1,600 examples in all; those of Preview-only operations are client.preview's (issue 16).
    assert len(CASES) >= 1100


@pytest.mark.parametrize(
    ("version", "op", "value"), [pytest.param(c[0], c[1], c[3], id=c[2]) for c in CASES]
)
def test_example_decodes_and_to_dict_gives_it_back(
    version: str, op: Any, value: Any, caplog: pytest.LogCaptureFixture
) -> None:
    body = msgspec.json.encode(value)
    with caplog.at_level(logging.WARNING, logger="intercom_async"):
        decoded = decode(body, op.response_type)
    assert to_dict(decoded) == value


def _typed(obj: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(obj, list) or part >= len(obj):
                return _MISSING
            obj = obj[part]
        elif isinstance(obj, dict):
            if part not in obj:
                return _MISSING
            obj = obj[part]
        else:
            fields = (
                {f.encode_name: f.name for f in msgspec.structs.fields(type(obj))}
                if isinstance(obj, msgspec.Struct)
                else {}
            )
            if part not in fields:
                return _MISSING
            obj = getattr(obj, fields[part])
        if obj is None:
            return _MISSING
    return obj


def test_typed_attributes_hold_the_values_of_every_version() -> None:
    """Beyond to_dict: the declared-in-some-version values are typed attributes (>= 99.5%)."""
    if not CASES:
        pytest.skip("the API descriptions are absent (../shared)")
    total = kept = 0
    lost: dict[str, int] = {}
    for _version, op, _case_id, value in CASES:
        decoded = decode(msgspec.json.encode(value), op.response_type)
        for path, leaf in _leaves(value):
            total += 1
            got = _typed(decoded, path)
            if got is not _MISSING and (got == leaf or str(got) == str(leaf)):
                kept += 1
            else:
                key = f"{op.name}:{'.'.join(str(p) for p in path if not isinstance(p, int))}"
                lost[key] = lost.get(key, 0) + 1
    share = kept / total
    worst = sorted(lost.items(), key=lambda kv: -kv[1])[:15]
    print(f"typed attributes hold {kept:,} of {total:,} values ({share:.2%})")
    assert share >= 0.995, (share, total, worst)
