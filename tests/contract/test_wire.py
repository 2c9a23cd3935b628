"""Each method sends the method, percent-encoded path, query and body the spec describes.

One parametrized test over OPERATIONS and PREVIEW_OPERATIONS, against a recording server on
127.0.0.1; each also sends the Intercom-Version its operation needs (Preview for the Preview API).
"""

from __future__ import annotations

import inspect
import typing
import warnings
from typing import Any
from urllib.parse import parse_qsl, quote

import msgspec
import pytest
from aiohttp import web

from intercom_async import DEFAULT_VERSION, Intercom
from intercom_async._operation import PREVIEW, Operation
from intercom_async.operations import OPERATIONS, PREVIEW_OPERATIONS
from intercom_async.testing._forms import parse_form

from ..conftest import serve

HOSTILE_ID = "a/../b?c#d e"
SAMPLES: dict[str, Any] = {"int": 7, "bool": True, "float": 1.5}


def _method(client: Intercom, op: Operation) -> Any:
    target: Any = client.preview if op.api_version == PREVIEW else client
    for part in op.name.split("."):
        target = getattr(target, part)
    return target


def _empty_body_for(op: Operation) -> bytes:
    if op.response_kind != "json":
        return b""
    return b"[]" if typing.get_origin(op.response_type) is list else b"{}"


EVERY = [*OPERATIONS.values(), *PREVIEW_OPERATIONS.values()]
NAMES = [*OPERATIONS, *(f"preview.{name}" for name in PREVIEW_OPERATIONS)]


@pytest.mark.parametrize("op", EVERY, ids=NAMES)
async def test_method_sends_what_the_spec_describes(op: Operation) -> None:
    seen: list[tuple[str, str, str, bytes]] = []
    headers: list[Any] = []

    async def record(request: web.Request) -> web.Response:
        headers.append(request.headers)
        seen.append((request.method, request.raw_path, request.query_string, await request.read()))
        return web.Response(body=_empty_body_for(op), content_type="application/json")

    async with serve(record) as url, Intercom(token="t", base_url=url) as client:
        method = _method(client, op)
        signature = inspect.signature(method)
        args: list[Any] = [HOSTILE_ID for _ in op.path_params]
        kwargs: dict[str, Any] = {}
        expected_query: dict[str, str] = {}
        expected_body: dict[str, Any] = {}
        python_names = list(signature.parameters)
        paging = {"page", "starting_after", "scroll_param", "cursor", "pagination", "per_page"}
        for wire in op.query_params:
            if op.pagination and wire in paging:
                continue  # the paginator sets these; callers pass cursor= / per_page=
            py = next(
                n for n in python_names[len(args) :] if n.rstrip("_") in (wire, wire + "_query")
            )
            annotation = str(signature.parameters[py].annotation)
            if annotation.startswith("dict"):
                kwargs[py] = {"user_id": "u1"}
                expected_query["user_id"] = "u1"
                continue
            if annotation.startswith(("list", "builtins.list")):
                kwargs[py] = ["a", "b"]
                expected_query[wire] = "a,b"
                continue
            value = next((v for k, v in SAMPLES.items() if annotation.startswith(k)), "q")
            kwargs[py] = value
            expected_query[wire] = {True: "true"}.get(value, str(value))
        if "per_page" in signature.parameters:
            kwargs["per_page"] = 5
            if op.pagination == "search":
                expected_body["pagination"] = {"per_page": 5}
            else:
                expected_query["per_page"] = "5"
        body_params = [
            p
            for p in signature.parameters.values()
            if p.kind is p.KEYWORD_ONLY
            and p.name not in kwargs
            and p.name not in ("options", "extra_body", "per_page", "cursor", "limit", "prefetch")
            and p.name != "scroll_restart"
        ]
        wires = [w for w in op.body_params if not (op.pagination and w in paging)]
        assert len(body_params) == len(wires)
        for param, wire in zip(body_params, wires, strict=True):
            # Every required field, and the last optional one (a sample of UNSET handling).
            if param.default is inspect.Parameter.empty or param is body_params[-1]:
                value: Any = {"field": "name", "operator": "=", "value": "v"}
                value = value if (op.pagination == "search" and wire == "query") else "v"
                kwargs[param.name] = value
                expected_body[wire] = value
        if op.request_kind == "form":
            kwargs["extra_body"] = {"unlisted": "x"}
            expected_body["unlisted"] = "x"
        elif op.request_type is not None and "extra_body" in signature.parameters:
            kwargs["extra_body"] = {"unlisted": None}
            expected_body["unlisted"] = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await method(*args, **kwargs)
        assert any(w.category is DeprecationWarning for w in caught) == op.deprecated

    method_seen, raw_path, query_string, body = seen[0]
    assert method_seen == op.method
    assert headers[0]["Intercom-Version"] == (op.pinned_version or DEFAULT_VERSION)
    expected_path = op.path
    for name in op.path_params:
        expected_path = expected_path.replace("{" + name + "}", quote(HOSTILE_ID, safe=""))
    assert raw_path.split("?", 1)[0] == expected_path
    assert dict(parse_qsl(query_string)) == expected_query
    if not expected_body:
        assert body == b""
    elif op.request_kind == "form":
        sent = parse_form(headers[0]["Content-Type"], body)
        assert sent == {k: v if isinstance(v, str) else str(v) for k, v in expected_body.items()}
    else:
        assert msgspec.json.decode(body) == expected_body
