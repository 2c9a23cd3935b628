"""FakeIntercom's spec-driven answers: per operation, the declared 2xx status and a body built
from the description (its example where it has one, else an instance of its schema), and the
versions that have the operation (the fake refuses it on others, as Intercom does)."""

from __future__ import annotations

import copy
import pprint
from typing import Any

from tools.models_gen import REJECTED_EXAMPLE
from tools.operations_gen import Op, path_shape
from tools.spec import HEADER, SPEC_FILES

# A schema instance goes this deep, then stops at null: the descriptions nest recursively.
MAX_DEPTH = 6


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        seen += 1
    return schema


def instance(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A value the schema accepts, made of its examples, enums and declared types."""
    schema = _resolve(spec, schema)
    if depth > MAX_DEPTH:
        return None
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = instance(spec, part, depth)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return instance(spec, schema[key][0], depth)
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: instance(spec, sub, depth + 1)
            for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        item = instance(spec, schema.get("items") or {}, depth + 1)
        return [] if item is None else [item]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "string":
        return "2024-01-01T00:00:00Z" if schema.get("format") == "date-time" else "string"
    return None


def _media(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any] | None:
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    content = response.get("content") or {}
    media: dict[str, Any] | None = content.get("application/json")
    return media


def sample(spec: dict[str, Any], method: str, path: str) -> tuple[int, Any]:
    """The declared success (or redirect) status and a body for it (None when it has none)."""
    raw = spec["paths"][path][method]
    answers = sorted(raw.get("responses", {}).items(), key=lambda kv: str(kv[0]))
    # A success, else a redirect (a recording answers 302 to its signed URL).
    for code, response in [a for a in answers if str(a[0])[0] == "2"] or [
        a for a in answers if str(a[0])[0] == "3"
    ]:
        media = _media(spec, response)
        if media is None:
            return int(code), None
        for name, example in (media.get("examples") or {}).items():
            usable = isinstance(example, dict) and "value" in example
            if usable and not REJECTED_EXAMPLE.search(name):
                return int(code), copy.deepcopy(example["value"])
        if "example" in media:
            return int(code), copy.deepcopy(media["example"])
        schema = media.get("schema")
        return int(code), instance(spec, schema) if schema else None
    return 200, None


def not_found_code(spec: dict[str, Any], method: str, path: str) -> str:
    """The error code the description gives for this operation's 404, else ``not_found``."""
    response = spec["paths"][path][method].get("responses", {}).get("404")
    media = _media(spec, response) if response else None
    for example in ((media or {}).get("examples") or {}).values():
        errors = (example.get("value") or {}).get("errors") or [{}]
        code = errors[0].get("code")
        if isinstance(code, str) and code.endswith("not_found"):
            return code
    return "not_found"


def versions_with(specs: dict[str, dict[str, Any]], method: str, path: str) -> tuple[str, ...]:
    return tuple(
        version
        for version in SPEC_FILES
        if any(
            method in item and path_shape(other) == path_shape(path)
            for other, item in specs[version]["paths"].items()
        )
    )


def preview_only(ops: list[Op], preview_ops: list[Op]) -> list[Op]:
    """The Preview operations with no numbered twin (the fake routes the others to the twin)."""
    numbered = {(op.method, path_shape(op.path)) for op in ops}
    return [op for op in preview_ops if (op.method, path_shape(op.path)) not in numbered]


def _with_preview_fields(body: Any, preview: Any) -> None:
    """Add the fields the Preview description's example of the same object has (a list's
    items too): the fake's records are the object as every version describes it."""
    if not isinstance(body, dict) or not isinstance(preview, dict):
        return
    if body.get("type") != preview.get("type"):
        return
    for key, value in preview.items():
        if key not in body:
            body[key] = copy.deepcopy(value)
        elif isinstance(value, list) and value and isinstance(body[key], list):
            for item in body[key]:
                _with_preview_fields(item, value[0])


def render_samples(specs: dict[str, dict[str, Any]], ops: list[Op], preview_ops: list[Op]) -> str:
    samples: dict[str, Any] = {}
    twins = {(op.method, path_shape(op.path)): op for op in preview_ops}
    for op in ops:
        method = op.method.lower()
        status, body = sample(specs[op.version], method, op.path)
        twin = twins.get((op.method, path_shape(op.path)))
        if twin is not None:
            _with_preview_fields(body, sample(specs[twin.version], method, twin.path)[1])
        present = versions_with(specs, method, op.path)
        numbered = [v for v in present if v != "Preview"]
        samples[op.name] = {
            "status": status,
            "body": body,
            "added_in": min(numbered, key=lambda v: tuple(int(p) for p in v.split("."))),
            "in_preview": "Preview" in present,
            "not_found": not_found_code(specs[op.version], method, op.path),
        }
    for op in preview_only(ops, preview_ops):
        method = op.method.lower()
        status, body = sample(specs[op.version], method, op.path)
        samples["preview." + op.name] = {
            "status": status,
            "body": body,
            "added_in": None,
            "in_preview": True,
            "not_found": not_found_code(specs[op.version], method, op.path),
        }
    text = pprint.pformat(samples, width=100, sort_dicts=False)
    return (
        HEADER
        + '"""Per operation: the declared 2xx status, a body built from the description (its\n'
        + "example, else an instance of its schema), the first numbered version that has it and\n"
        + "whether Preview does, and its 404 error code. FakeIntercom answers the operations it\n"
        + "keeps no state for with these. Preview operations without a numbered twin are keyed\n"
        + '``preview.<name>`` (``added_in`` None: no numbered version has them)."""\n\n'
        + "from typing import Any\n\n"
        + f"SAMPLES: dict[str, dict[str, Any]] = {text}\n"
    )
