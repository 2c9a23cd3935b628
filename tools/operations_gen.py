"""Operations of the spec (plus the dropped ones) as ``Op`` records: names, params, types."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from tools import overrides
from tools.models_gen import ModelBuilder
from tools.naming import clean_doc, field_name, first_paragraph, pascal, snake
from tools.spec import HTTP_METHODS, PREVIEW_VERSION, TARGET_VERSION

# ----------------------------------------------------------------------------- operations ---


@dataclass
class Param:
    name: str
    py: str
    annotation: str
    required: bool
    doc: str


@dataclass
class Op:
    method: str
    path: str
    operation_id: str
    version: str
    tag: str
    summary: str
    description: str
    name: str
    path_params: list[Param]
    query_params: list[Param]
    body_fields: list[Param]
    request_type: str | None
    response_type: str | None
    response_kind: str
    pagination: str | None
    items_key: str | None
    item_type: str | None
    idempotent: bool
    deprecated: bool
    override_path: str
    """The path ``tools.overrides`` knows the operation by: its own, or for a Preview operation
    the 2.16 path of the same shape (Preview names path parameters ``{id}``)."""
    request_kind: str = "json"
    """``json``, or ``form`` for a multipart/form-data body (a file upload)."""


def derive_name(method: str, path: str, tag: str) -> str:
    """``resource.method`` for an operation: an override, else derived from its path under the
    sub-resource whose prefix it has (``/news/news_items/{id}`` → ``news.items.get``), else
    under its tag's resource."""
    named = overrides.NAMES.get((method, path))
    if named:
        return named
    for prefix in sorted(overrides.SUB_RESOURCES, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "/"):
            # The sub-resource's own path stands in for a resource's first segment.
            return _derive(overrides.SUB_RESOURCES[prefix], method, "/_" + path[len(prefix) :])
    return _derive(overrides.RESOURCE_FOR_TAG.get(tag, snake(tag)), method, path)


def _derive(resource: str, method: str, path: str) -> str:
    segments = [s for s in path.strip("/").split("/")]
    statics = [s for s in segments[1:] if not s.startswith("{")]
    ends_with_param = segments[-1].startswith("{")
    if not statics:
        if ends_with_param:
            verb = {"get": "get", "put": "update", "patch": "update", "delete": "delete"}.get(
                method
            )
        else:
            verb = {"get": "list", "post": "create"}.get(method)
        assert verb, (method, path)
        return f"{resource}.{verb}"
    last = statics[-1]
    if method == "get" and not ends_with_param:
        return f"{resource}.{'search' if last == 'search' else 'list_' + last}"
    if method == "post" and not ends_with_param:
        return f"{resource}.{last}"
    singular = last[:-1] if last.endswith("s") else last
    verb = {"get": "get", "put": "update", "patch": "update", "delete": "delete", "post": "create"}[
        method
    ]
    return f"{resource}.{verb}_{singular}"


def is_idempotent(method: str, path: str) -> bool:
    if method in ("get", "put", "delete"):
        return True
    return method == "post" and path in overrides.IDEMPOTENT_POSTS


def _enum_values(schema: dict[str, Any]) -> list[str] | None:
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        merged: list[str] = []
        for branch in branches:
            values = _enum_values(branch) if isinstance(branch, dict) else None
            if values is None:
                return None
            merged += [v for v in values if v not in merged]
        return merged
    values = schema.get("enum")
    if schema.get("type") == "string" and values and all(isinstance(v, str) for v in values):
        return list(values)
    return None


def enum_literal(schema: dict[str, Any]) -> str | None:
    """``Literal[...]`` for a request value the description limits to a list of strings (one
    list, or the union of its variants' lists)."""
    values = _enum_values(schema)
    return "Literal[" + ", ".join(repr(v) for v in values) + "]" if values else None


def param_annotation(schema: dict[str, Any]) -> str:
    literal = enum_literal(schema)
    if literal:
        return literal
    kind = schema.get("type")
    if kind == "array":
        return "list[str]"  # sent comma-separated (style form, explode false)
    if kind == "object":
        return "dict[str, str]"  # sent as its own key=value pairs (style form, explode true)
    return {"integer": "int", "boolean": "bool", "number": "float"}.get(kind or "", "str")


def collect_operations(specs: dict[str, dict[str, Any]], builder: ModelBuilder) -> list[Op]:
    target = specs[TARGET_VERSION]
    wanted: list[tuple[str, str, str]] = []
    for path, item in target["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                wanted.append((TARGET_VERSION, method, path))
    wanted.extend(overrides.DROPPED_OPERATIONS)
    ops: list[Op] = []
    for version, method, path in wanted:
        spec = specs[version]
        item = spec["paths"][path]
        raw = item[method]
        ops.append(build_operation(spec, specs, version, method, path, item, raw, builder))
    names = [op.name for op in ops]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        sys.exit(f"generate: method names used twice: {sorted(duplicates)}")
    return sorted(ops, key=lambda op: op.name)


def path_shape(path: str) -> str:
    """A path with its parameters unnamed: versions name the same parameter differently."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def collect_preview_operations(
    specs: dict[str, dict[str, Any]], builder: ModelBuilder, numbered: list[Op]
) -> list[Op]:
    """Every operation of the Preview description, named as its 2.16 twin where it has one
    (``client.preview.contacts.get``), with the twin's Python names for path parameters."""
    twins = {
        (method, path_shape(path)): path
        for path, item in specs[TARGET_VERSION]["paths"].items()
        for method in HTTP_METHODS
        if method in item
    }
    twin_names = {(op.method.lower(), op.path): op.name for op in numbered}
    spec = specs[PREVIEW_VERSION]
    ops: list[Op] = []
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            twin = twins.get((method, path_shape(path)), path)
            twin_raw = specs[TARGET_VERSION]["paths"].get(twin, {}).get(method, {})
            # A body Preview describes differently (more fields) gets a request type of its own.
            own = bool(twin_raw) and _inline_body(item[method]) not in (
                None,
                _inline_body(twin_raw),
            )
            op = build_operation(
                spec,
                specs,
                PREVIEW_VERSION,
                method,
                path,
                item,
                item[method],
                builder,
                twin,
                request_hint_prefix="Preview" if own else "",
            )
            # Tags differ between the descriptions; the twin's name is the one users know.
            op.name = twin_names.get((method, twin), op.name)
            ops.append(op)
    names = [op.name for op in ops]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        sys.exit(f"generate: Preview method names used twice: {sorted(duplicates)}")
    return sorted(ops, key=lambda op: op.name)


def _inline_body(raw: dict[str, Any]) -> Any:
    """The JSON request body's schema when written in place (not a ``$ref``)."""
    content = raw.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if not schema or "$ref" in schema else schema


def build_operation(
    spec: dict[str, Any],
    specs: dict[str, dict[str, Any]],
    version: str,
    method: str,
    path: str,
    item: dict[str, Any],
    raw: dict[str, Any],
    builder: ModelBuilder,
    override_path: str | None = None,
    request_hint_prefix: str = "",
) -> Op:
    known_as = override_path or path
    tag = (raw.get("tags") or ["Misc"])[0]
    # Resource = the tag matching the first path segment (so /contacts/{id}/tags is a contact
    # method), else the first tag.
    head = path.strip("/").split("/")[0]
    for candidate in raw.get("tags") or []:
        if snake(candidate) == head:
            tag = candidate
    name = derive_name(method, known_as, tag)
    parameters = list(item.get("parameters", [])) + list(raw.get("parameters", []))
    # 2.16 leaves out paging parameters that several list operations accept; 2.11 has them.
    older = specs["2.11"]["paths"].get(known_as, {}).get(method, {})
    known = {p.get("name") for p in parameters}
    for extra in older.get("parameters", []):
        if extra.get("in") == "query" and extra.get("name") not in known:
            parameters.append(extra)
    path_params: list[Param] = []
    query_params: list[Param] = []
    template_names = re.findall(r"\{([^}]+)\}", path)
    for param in parameters:
        where = param.get("in")
        schema = param.get("schema", {})
        doc = clean_doc(param.get("description"))
        if where == "path":
            ann = "str | int" if schema.get("type") == "integer" else "str"
            path_params.append(Param(param["name"], field_name(param["name"]), ann, True, doc))
        elif where == "query":
            query_params.append(
                Param(
                    param["name"], field_name(param["name"]), param_annotation(schema), False, doc
                )
            )
    path_params.sort(key=lambda p: template_names.index(p.name))
    for missing in [n for n in template_names if n not in {p.name for p in path_params}]:
        path_params.append(Param(missing, field_name(missing), "str", True, ""))
    # Preview's `{id}` is the twin's `{contact_id}`: the same argument name in both namespaces.
    for param, python_name in zip(path_params, re.findall(r"\{([^}]+)\}", known_as), strict=True):
        param.py = field_name(python_name)

    body_fields: list[Param] = []
    request_type = None
    content = raw.get("requestBody", {}).get("content", {})
    request_kind = "json" if "application/json" in content or not content else "form"
    body = content.get("application/json") or content.get("multipart/form-data") or {}
    if body.get("schema") and request_kind == "form":
        body_fields = _form_fields(builder, body["schema"])
    elif body.get("schema"):
        schema = body["schema"]
        hint = request_hint_prefix + pascal(raw.get("operationId") or name.replace(".", "_"))
        hint += "Request"
        request_type = builder.annotation(schema, True, hint)
        props = builder.object_properties(schema)
        resolved = builder.resolve(schema)
        required = set(resolved.get("required", [])) if "oneOf" not in resolved else set()
        for wire, prop in sorted((props or ({}, []))[0].items()):
            ann = builder.field_type(request_type, wire, prop, True, request_type + pascal(wire))
            shape = builder.resolve(prop) if isinstance(prop, dict) else {}
            # Request values Intercom limits are Literal (responses stay open str: Intercom
            # adds values).
            ann = enum_literal(shape) or ann
            doc = clean_doc(shape.get("description"))
            body_fields.append(Param(wire, field_name(wire), ann, wire in required, doc))

    response_type = None
    response_kind = "empty"
    answers: list[dict[str, Any]] = []
    for code in ("200", "201", "202", "204"):
        response = raw.get("responses", {}).get(code)
        if response is None:
            continue
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        media = response.get("content") or {}
        if "application/json" in media and media["application/json"].get("schema"):
            if media["application/json"]["schema"] not in answers:
                answers.append(media["application/json"]["schema"])
            response_kind = "json"
        elif not answers and (media or path.startswith("/download/")):
            response_kind = "binary"
        if response_kind != "json":
            break
    if answers:
        # Statuses that answer different objects (a part uploaded: 200, the sync started: 202)
        # decode into one model that takes either.
        hint = pascal(raw.get("operationId") or name.replace(".", "_")) + "Response"
        either = answers[0] if len(answers) == 1 else {"oneOf": answers}
        response_type = builder.annotation(either, False, hint)

    key = (method, known_as)
    pagination = overrides.PAGINATION.get(key)
    items_key = overrides.ITEMS_KEY.get(key)
    item_type = None
    if response_type and response_type in builder.structs:
        struct = builder.structs[response_type]
        arrays = [f for f in struct.fields if f.annotation.startswith("list[")]
        is_list = name.rsplit(".", 1)[-1].startswith("list") and len(arrays) == 1
        if pagination is None and method == "get" and is_list:
            query_names = {p.name for p in query_params}
            if any(f.wire == "pages" for f in struct.fields):
                pagination = "cursor" if "starting_after" in query_names else "page"
            else:
                pagination = "unpaginated"
        if pagination and items_key is None:
            with_data = any(f.wire == "data" for f in arrays)
            items_key = "data" if with_data else (arrays[0].wire if len(arrays) == 1 else None)
        if pagination:
            items_field = next(f for f in struct.fields if f.wire == items_key)
            item_type = items_field.annotation[len("list[") : -1].removesuffix(" | None")
    if key in overrides.ARRAY_RESPONSES and item_type:
        response_type = f"{response_type} | list[{item_type} | None]"
    summary = clean_doc(raw.get("summary")) or name
    return Op(
        method=method.upper(),
        path=path,
        operation_id=raw.get("operationId") or pascal(name.replace(".", "_")),
        version=version,
        tag=tag,
        summary=summary,
        description=first_paragraph(raw.get("description")),
        name=name,
        path_params=path_params,
        query_params=query_params,
        body_fields=body_fields,
        request_type=request_type,
        response_type=response_type,
        response_kind=response_kind,
        pagination=pagination,
        items_key=items_key,
        item_type=item_type,
        idempotent=is_idempotent(method, known_as),
        deprecated=version not in (TARGET_VERSION, PREVIEW_VERSION),
        override_path=known_as,
        request_kind=request_kind,
    )


# A file part of a form: its content, or (filename, content) or (filename, content, type).
FILE_ANNOTATION = "bytes | tuple[str, bytes] | tuple[str, bytes, str]"


def _form_fields(builder: ModelBuilder, schema: dict[str, Any]) -> list[Param]:
    """The fields of a multipart/form-data body: files, and text values."""
    resolved = builder.resolve(schema)
    required = set(resolved.get("required", []))
    fields = []
    for wire, prop in sorted((resolved.get("properties") or {}).items()):
        shape = builder.resolve(prop)
        binary = shape.get("format") == "binary"
        annotation = FILE_ANNOTATION if binary else param_annotation(shape)
        doc = clean_doc(shape.get("description"))
        fields.append(Param(wire, field_name(wire), annotation, wire in required, doc))
    return fields
