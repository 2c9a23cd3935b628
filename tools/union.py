"""What real responses carry beyond 2.16's description: every version's fields, Intercom's own
type corrections, and one model per object.

- Every published description (2.7 … 2.15, Preview) adds the fields it declares to the schema
  of the same name, and where a version declares another shape for a field, the field takes
  both. 2.16 stays the source of names and docs: other versions add, never remove.
- ``fern-openapi-overrides.yml`` (the corrections Intercom applies to generate its own SDKs)
  widens the fields whose type it corrects (``contact.avatar`` is a URL string in reality).
- A response declared as ``allOf: [$ref: X]`` plus a few fields is the object X: its fields go
  into X and the operation answers X, so ``contacts.get`` and ``contacts.update`` both give a
  ``Contact``. The wrapper's generated name stays importable as an alias.
"""

from __future__ import annotations

from typing import Any

from tools.models_gen import ModelBuilder, _owner
from tools.naming import pascal
from tools.spec import HTTP_METHODS, TARGET_VERSION


def _shape(builder: ModelBuilder, schema: Any) -> str | None:
    """The JSON kind a schema describes (object, array, string, ...), None when unsure."""
    if not isinstance(schema, dict):
        return None
    s = builder.resolve(schema)
    if any(k in s for k in ("oneOf", "anyOf")):
        return None
    if builder.object_properties(s) is not None:
        return "object"
    kind = s.get("type")
    if kind == "number":
        return "integer"  # integers fit numbers: not a different shape
    return kind if isinstance(kind, str) else None


def widen(builder: ModelBuilder, owner: dict[str, Any], key: str, other: dict[str, Any]) -> None:
    """Let ``owner[key]`` also take ``other``'s shape, if it is a different one."""
    mine, theirs = _shape(builder, owner[key]), _shape(builder, other)
    if mine is None or theirs is None or mine == theirs:
        return
    owner[key] = {"anyOf": [owner[key], other], "x-widened": True}


def _unite(builder: ModelBuilder, target: dict[str, Any], other: dict[str, Any]) -> None:
    mine = builder.object_properties(target)
    theirs = builder.object_properties(other)
    if mine is None or theirs is None:
        return
    for key, prop in theirs[0].items():
        if key not in mine[0]:
            builder.resolve(target).setdefault("properties", {})[key] = prop
            continue
        owner = _owner(builder, target, key)
        if owner is not None and isinstance(prop, dict):
            widen(builder, owner, key, prop)


def unite_versions(specs: dict[str, dict[str, Any]], builder: ModelBuilder) -> None:
    """Add every other version's fields (and field shapes) to 2.16's schemas of the same name."""
    names = set(specs[TARGET_VERSION]["components"]["schemas"])
    for version, spec in specs.items():
        if version == TARGET_VERSION:
            continue
        for name, schema in spec["components"]["schemas"].items():
            if name in names:
                _unite(builder, builder.schemas[name], schema)


def apply_corrections(corrections: dict[str, Any], builder: ModelBuilder) -> None:
    """Widen the fields whose type Intercom's own SDK overrides correct."""
    for name, schema in ((corrections.get("components") or {}).get("schemas") or {}).items():
        if name not in builder.schemas or not isinstance(schema, dict):
            continue
        for key, prop in (schema.get("properties") or {}).items():
            if not isinstance(prop, dict) or not isinstance(prop.get("type"), str):
                continue
            owner = _owner(builder, builder.schemas[name], key)
            if owner is None:
                builder.resolve(builder.schemas[name]).setdefault("properties", {})[key] = {
                    "type": prop["type"],
                    "description": prop.get("description"),
                }
            else:
                widen(builder, owner, key, {"type": prop["type"]})


def _wrapped_ref(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    parts = schema.get("allOf")
    if not isinstance(parts, list) or len(parts) != 1 or "$ref" not in parts[0]:
        return None
    if set(schema) - {"allOf", "properties", "type", "description", "title", "required"}:
        return None
    ref: str = parts[0]["$ref"]
    return ref


def adopt_wrappers(specs: dict[str, dict[str, Any]], builder: ModelBuilder) -> dict[str, str]:
    """Turn ``allOf: [X] + fields`` responses into X (with the fields); returns alias -> X."""
    aliases: dict[str, str] = {}
    for spec in specs.values():
        for item in spec["paths"].values():
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not operation:
                    continue
                for code, response in operation.get("responses", {}).items():
                    if not str(code).startswith("2") or "$ref" in response:
                        continue
                    media = (response.get("content") or {}).get("application/json") or {}
                    ref = _wrapped_ref(media.get("schema"))
                    if ref is None:
                        continue
                    name = builder.ref_name(ref)
                    target = builder.resolve(builder.schemas[name])
                    if builder.object_properties(target) is None:
                        continue
                    for key, prop in (media["schema"].get("properties") or {}).items():
                        target.setdefault("properties", {}).setdefault(key, prop)
                    if operation.get("operationId") and spec is specs[TARGET_VERSION]:
                        aliases[pascal(operation["operationId"]) + "Response"] = pascal(name)
                    media["schema"] = {"$ref": ref}
    return aliases
