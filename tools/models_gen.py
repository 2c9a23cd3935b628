"""Schemas to lenient msgspec models, including what the spec's own examples teach."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tools import overrides
from tools.naming import clean_doc, field_name, pascal
from tools.spec import HEADER, HTTP_METHODS, PREVIEW_VERSION, TARGET_VERSION

# ---------------------------------------------------------------------------------- types ---


@dataclass(frozen=True)
class Field:
    """One field of a generated model."""

    py: str
    """The Python attribute name."""
    wire: str
    """The JSON key."""
    annotation: str
    description: str


@dataclass
class StructDef:
    name: str
    doc: str
    fields: list[Field] = field(default_factory=list)


# Keys of a schema that only constrains (which fields are required), declaring no shape.
_CONSTRAINT_ONLY = frozenset({"required", "description", "title", "example", "not"})


# The kinds msgspec allows at most one of in a union.
def _kind(annotation: str, structs: dict[str, StructDef]) -> str:
    if annotation.startswith("list["):
        return "array"
    if annotation.startswith("dict["):
        return "object"
    if annotation in structs or annotation in ("Pages",):
        return "object"
    return annotation


class ModelBuilder:
    """Turns schemas into msgspec Struct definitions, leniently, in two flavours.

    Response models: every field ``T | None = None``, enums are open ``str``, ids take str or
    int, free-form fields take any JSON, ``oneOf`` objects merge into one tolerant Struct.
    Request models: every field ``T | UnsetType | None = UNSET`` so "not given", null and False
    stay apart.
    """

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self.structs: dict[str, StructDef] = {}
        self.done: dict[tuple[str, bool], str] = {}
        self.request_names: set[str] = set()
        # Key order of the examples of each object schema (by id of the resolved schema, which
        # lives as long as the builder): what Intercom sends, so the fields can follow it.
        self.sent_order: dict[int, list[str]] = {}

    def ref_name(self, ref: str) -> str:
        return ref.rsplit("/", 1)[-1]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[self.ref_name(schema["$ref"])]
        return schema

    def object_properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
        """Properties of an object-like schema (allOf/oneOf/anyOf merged), or None."""
        schema = self.resolve(schema)
        props: dict[str, Any] = {}
        docs: list[str] = []
        found = False
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, []):
                if isinstance(part, dict) and set(part) <= _CONSTRAINT_ONLY:
                    continue  # e.g. anyOf: [{required: [id]}, {required: [email]}]
                sub = self.object_properties(part)
                if sub is None:
                    if key == "allOf":
                        continue
                    return None
                found = True
                for name, prop in sub[0].items():
                    if name in props and props[name] is not prop and key != "allOf":
                        # Variants disagree on a field's shape: accept either.
                        props[name] = {"anyOf": [props[name], prop]}
                    else:
                        props.setdefault(name, prop)
                docs.extend(sub[1])
        if "properties" in schema:
            found = True
            props.update(schema["properties"])
        if schema.get("type") == "object" and not schema.get("additionalProperties"):
            found = True
        if not found:
            return None
        return props, docs

    def struct_for(
        self, schema_name: str | None, schema: dict[str, Any], request: bool, hint: str
    ) -> str:
        key = (schema_name or hint, request)
        if key in self.done:
            return self.done[key]
        base = pascal(schema_name) if schema_name else hint
        name = base + ("Input" if request and schema_name and not base.endswith("Request") else "")
        while name in self.structs and (schema_name or hint, request) not in self.done:
            name += "_"
        self.done[key] = name
        resolved = self.resolve(schema)
        doc = clean_doc(resolved.get("description") or resolved.get("title"))
        variants = [self.ref_name(v["$ref"]) for v in resolved.get("oneOf", []) if "$ref" in v]
        if variants:
            doc = (doc + " " if doc else "") + "One of: " + ", ".join(variants) + "."
        struct = StructDef(name=name, doc=doc)
        self.structs[name] = struct
        if request:
            self.request_names.add(name)
        props = self.object_properties(schema)
        assert props is not None
        seen: set[str] = set()
        for wire, prop in self.in_sent_order(resolved, props[0]):
            py = field_name(wire)
            while py in seen:
                py += "_"
            seen.add(py)
            annotation = self.field_type(
                schema_name or name, wire, prop, request, name + pascal(wire)
            )
            description = clean_doc(
                self.resolve(prop).get("description") if isinstance(prop, dict) else ""
            )
            struct.fields.append(Field(py, wire, annotation, description))
        return name

    def in_sent_order(
        self, resolved: dict[str, Any], props: dict[str, Any]
    ) -> list[tuple[str, Any]]:
        """Fields in the order the examples send them (then the rest as declared): msgspec
        decodes keys that arrive in field order about 30% faster than keys it looks up."""
        sent = {key: index for index, key in enumerate(self.sent_order.get(id(resolved), []))}
        declared = list(props.items())
        return sorted(declared, key=lambda item: sent.get(item[0], len(sent)))

    def field_type(
        self, owner: str, wire: str, prop: dict[str, Any], request: bool, hint: str
    ) -> str:
        fixed = overrides.FIELD_TYPES.get((owner, wire))
        if fixed and not request:
            return fixed
        if wire in overrides.FREE_FORM_FIELDS:
            return "dict[str, Any]"
        if wire == "pages" and not request:
            return "Pages"
        annotation = self.annotation(prop, request, hint)
        if (wire == "id" or wire.endswith("_id")) and annotation in ("str", "int"):
            return "str | int"
        id_lists = ("list[str]", "list[int]", "list[str | None]", "list[int | None]")
        if not request and wire.endswith("_ids") and annotation in id_lists:
            return "list[str | int | None]"
        return annotation

    def annotation(self, schema: dict[str, Any], request: bool, hint: str) -> str:
        if not isinstance(schema, dict) or not schema:
            return "Any"
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            target = self.schemas[name]
            if self.object_properties(target) is not None:
                return self.struct_for(name, target, request, pascal(name))
            return self.annotation(target, request, pascal(name))
        for key in ("oneOf", "anyOf"):
            if key in schema and "properties" not in schema:
                return self.union(schema[key], schema, request, hint)
        if "allOf" in schema and "properties" not in schema and len(schema["allOf"]) == 1:
            return self.annotation(schema["allOf"][0], request, hint)
        kind = schema.get("type")
        if kind == "array":
            item = self.annotation(schema.get("items", {}), request, hint + "Item")
            if not request and item != "Any":
                item += " | None"  # Real lists carry nulls (news item reactions, ...).
            return f"list[{item}]"
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and "properties" not in schema:
            value = self.annotation(extra, request, hint + "Value")
            if not request and value != "Any":
                value = "Any" if " | " in value else value + " | None"
            return f"dict[str, {value}]"
        props = self.object_properties(schema)
        if props is not None and props[0]:
            return self.struct_for(None, schema, request, hint)
        if kind == "object" or props is not None:
            return "dict[str, Any]"
        return "Any"

    def union(self, variants: list[Any], whole: dict[str, Any], request: bool, hint: str) -> str:
        if all(self.object_properties(v) is not None for v in variants):
            return self.struct_for(None, whole, request, hint)
        members: list[str] = []
        for variant in variants:
            ann = self.annotation(variant, request, hint)
            for part in ann.split(" | ") if not ann.startswith(("list[", "dict[")) else [ann]:
                if part not in members:
                    members.append(part)
        if "Any" in members:
            return "Any"
        kinds = [_kind(m, self.structs) for m in members]
        if len(set(kinds)) != len(kinds):
            return "Any"
        return " | ".join(members)


# ------------------------------------------------------------------ learning from examples ---

_SCALAR_OF = {str: "string", bool: "boolean", int: "integer", float: "number"}

# Request examples that show a body Intercom rejects: their fields are not fields to learn.
REJECTED_EXAMPLE = re.compile(r"bad_request|invalid", re.I)


def inferred_schema(value: Any) -> dict[str, Any]:
    """The schema of a field seen only in an example: scalars typed, containers free-form."""
    if isinstance(value, dict):
        return {"type": "object", "x-inferred": True}
    if isinstance(value, list):
        return {"type": "array", "items": {}, "x-inferred": True}
    kind = _SCALAR_OF.get(type(value))
    return {"type": kind, "x-inferred": True} if kind else {"x-inferred": True}


def _matches(builder: ModelBuilder, schema: dict[str, Any], value: Any) -> bool:
    """Does ``value`` fit ``schema``'s top-level kind (object, array or scalar)?"""
    s = builder.resolve(schema)
    if not s or (s.get("x-inferred") and not s.get("type")):
        return True
    if any(k in s for k in ("oneOf", "anyOf")) and builder.object_properties(s) is None:
        return any(_matches(builder, v, value) for v in s.get("oneOf", s.get("anyOf", [])))
    if isinstance(value, dict):
        return builder.object_properties(s) is not None or bool(s.get("additionalProperties"))
    if isinstance(value, list):
        return s.get("type") == "array"
    kind = s.get("type")
    if kind is None:
        return builder.object_properties(s) is None
    expected = _SCALAR_OF.get(type(value))
    return kind == expected or (kind == "number" and expected == "integer")


def _owner(builder: ModelBuilder, schema: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The real ``properties`` dict that declares ``key`` (through allOf/oneOf/anyOf)."""
    s = builder.resolve(schema)
    if key in s.get("properties", {}):
        props: dict[str, Any] = s["properties"]
        return props
    for combinator in ("allOf", "oneOf", "anyOf"):
        for part in s.get(combinator, []):
            found = _owner(builder, part, key)
            if found is not None:
                return found
    return None


def learn(builder: ModelBuilder, schema: dict[str, Any], value: Any) -> None:
    """Walk an example beside its schema; declare the fields it shows and the spec omits."""
    if value is None or not isinstance(schema, dict):
        return
    s = builder.resolve(schema)
    if isinstance(value, list):
        if s.get("type") != "array":
            fitting = [
                v for v in s.get("oneOf") or s.get("anyOf") or [] if _matches(builder, v, value)
            ]
            s = builder.resolve(fitting[0]) if fitting else s
        if s.get("type") == "array":
            for item in value:
                learn(builder, s.get("items", {}), item)
        return
    if not isinstance(value, dict):
        return
    extra = s.get("additionalProperties")
    variants = s.get("oneOf") or s.get("anyOf") or []
    if variants and builder.object_properties(s) is None:
        # A mixed union (an object or a list of them): learn into the variant the value fits.
        for variant in variants:
            if _matches(builder, variant, value):
                learn(builder, variant, value)
                return
    if builder.object_properties(s) is None:
        if isinstance(extra, dict):
            for item in value.values():
                learn(builder, extra, item)
        return
    known = builder.object_properties(s)
    assert known is not None
    order = builder.sent_order.setdefault(id(s), [])
    order.extend(key for key in value if key not in order)
    for key, item in value.items():
        if key not in known[0]:
            s.setdefault("properties", {})[key] = inferred_schema(item)
            continue
        owner = _owner(builder, s, key)
        if owner is None:
            continue
        if item is not None and not _matches(builder, owner[key], item):
            # The example shows another shape than the spec declares: accept both.
            widened = inferred_schema(item)
            if widened.get("type") in ("object", "array"):
                owner[key] = {"x-inferred": True}
            else:
                owner[key] = {"anyOf": [owner[key], widened], "x-inferred": True}
            continue
        learn(builder, owner[key], item)


def apply_merges(builder: ModelBuilder) -> None:
    """Give each schema in ``overrides.SCHEMA_MERGES`` the fields of the schemas it lists."""
    for target, sources in overrides.SCHEMA_MERGES.items():
        properties = builder.schemas[target].setdefault("properties", {})
        for source in sources:
            for name, prop in (
                builder.resolve(builder.schemas[source]).get("properties", {}).items()
            ):
                properties.setdefault(name, prop)


def _examples(media: dict[str, Any]) -> list[Any]:
    values = [
        e["value"]
        for e in (media.get("examples") or {}).values()
        if isinstance(e, dict) and "value" in e
    ]
    if "example" in media:
        values.append(media["example"])
    return values


def _json_media(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    media: dict[str, Any] = (response.get("content") or {}).get("application/json") or {}
    return media


def learn_from_examples(specs: dict[str, dict[str, Any]], builder: ModelBuilder) -> None:
    """Learn from every version's examples, each against the schema the client decodes with:
    2.16's for an operation 2.16 has, the version's own for an operation later versions dropped
    and for every Preview operation (``client.preview`` decodes with Preview's schemas)."""
    own_schemas = (TARGET_VERSION, PREVIEW_VERSION)
    target = specs[TARGET_VERSION]
    for version, spec in specs.items():
        for path, item in spec["paths"].items():
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                if (
                    version in own_schemas
                    or (version, method, path) in overrides.DROPPED_OPERATIONS
                ):
                    decoded_with, decoded_spec = item[method], spec
                else:
                    decoded_with = target["paths"].get(path, {}).get(method)
                    decoded_spec = target
                    if decoded_with is None:
                        continue
                for code, response in item[method].get("responses", {}).items():
                    if not str(code).startswith("2"):
                        continue
                    ours = decoded_with.get("responses", {}).get(code)
                    if ours is None:
                        continue
                    schema = _json_media(decoded_spec, ours).get("schema")
                    if not schema:
                        continue
                    for value in _examples(_json_media(spec, response)):
                        learn(builder, schema, value)
                if version not in own_schemas:
                    continue
                body = (
                    item[method].get("requestBody", {}).get("content", {}).get("application/json")
                )
                if body and body.get("schema"):
                    for name, example in (body.get("examples") or {}).items():
                        if isinstance(example, dict) and not REJECTED_EXAMPLE.search(name):
                            learn(builder, body["schema"], example.get("value"))


def render_models(builder: ModelBuilder, aliases: dict[str, str], roots: set[str]) -> str:
    """The models module. ``roots`` are the models a user receives as a whole object (a
    response, a list item, a webhook item): they keep a ``__dict__`` for the JSON they came
    from. The rest only ever sit inside another model, whose JSON covers them; they are left
    untracked by the garbage collector (``gc=False``), which measured a quarter of the CPU of
    listing contacts (bench/RESULTS.md) in collections walking nested models."""
    out = [HEADER, '"""msgspec models for every schema Intercom requests and responses use."""\n\n']
    out.append("from __future__ import annotations\n\nfrom typing import Any\n\nimport msgspec\n")
    out.append("from msgspec import UNSET, UnsetType\n\nfrom ._common import Pages\n\n")
    for name in sorted(builder.structs):
        struct = builder.structs[name]
        request = name in builder.request_names
        if request:
            options = "kw_only=True"
        elif name in roots:
            options = "kw_only=True, dict=True"
        else:
            options = "kw_only=True, gc=False"
        out.append(f"\nclass {name}(msgspec.Struct, {options}):\n")
        out.append(f'    """{struct.doc or name}"""\n\n')
        if not struct.fields:
            out.append("    pass\n")
        for f in struct.fields:
            py, wire, annotation = f.py, f.wire, f.annotation
            rename = f", name={wire!r}" if py != wire else ""
            if request:
                default = f"msgspec.field(default=UNSET{rename})" if rename else "UNSET"
                out.append(f"    {py}: {annotation} | UnsetType | None = {default}\n")
            else:
                default = f"msgspec.field(default=None{rename})" if rename else "None"
                optional = "" if annotation == "Any" else " | None"
                out.append(f"    {py}: {annotation}{optional} = {default}\n")
            if f.description:
                # An attribute docstring: what an editor shows on hover (no runtime cost).
                out.append(f'    """{f.description}"""\n')
    live_aliases = {a: t for a, t in sorted(aliases.items()) if a not in builder.structs}
    if live_aliases:
        out.append("\n# Earlier names of models that are one object (a contact is a Contact).\n")
    for alias, target in live_aliases.items():
        out.append(f"{alias} = {target}\n")
    names = ", ".join(f'"{n}"' for n in sorted([*builder.structs, *live_aliases]))
    out.append(f"\n__all__ = [{names}]\n")
    return "".join(out)
