"""The fake's answer for every operation without a hand-written handler, built from the 2.16
and Preview descriptions (``_samples``) and kept as state, so these resources behave like resources.

An operation's role comes from its name and path: ``create`` POSTs add a record to the
collection at their path, ``get``/``update``/``delete`` find one by the last path parameter in
the collection before it, ``list`` answers the collection as a page of its style, and any other
operation (an action such as ``publish_draft`` or ``attach_tag``) answers its sample, or the
record it acts on when the sample is that kind of record. Each collection starts out holding
the description's example record under the example's own id, so a seeded workspace has
something real to read; unknown ids answer 404 with the operation's own error code.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from .._operation import Operation
from .._paging import STYLES, PageContent
from ._registry import BadInput, cursor_page, number_page, ok
from ._routes import ROUTES, route_key
from ._samples import SAMPLES
from ._store import error, now

if TYPE_CHECKING:
    from ._ctx import Ctx

# Collections reached under another path: export jobs are read, cancelled and downloaded under
# paths other than the one that creates them.
ALIASES = {
    "/export/cancel": "/export/content/data",
    "/download/content/data": "/export/content/data",
    "/download/reporting_data": "/export/reporting_data",
    "/export/reporting_data/enqueue": "/export/reporting_data",
    "/tickets/enqueue": "/jobs/status",
    "/fin_voice/register": "/fin_voice/collect",
    "/fin_voice/external_id": "/fin_voice/collect",
    "/fin_voice/phone_number": "/fin_voice/collect",
}
CREATES = frozenset(
    {"create", "create_or_update", "enqueue", "enqueue_create", "register_fin_voice"}
)
# Lookups by a field other than the record's id.
LOOKUP_FIELDS = {
    "calls.get_fin_voice_by_external_id": "external_call_id",
    "calls.get_fin_voice_by_phone_number": "user_phone_number",
}
# Path parameters that name a record the hand-written handlers keep.
STORES = {
    "contact": "contacts",
    "contacts": "contacts",
    "customers": "contacts",
    "company": "companies",
    "companies": "companies",
    "conversation": "conversations",
    "conversations": "conversations",
    "ticket": "tickets",
    "tickets": "tickets",
    "admin": "admins",
    "admins": "admins",
    "team": "teams",
    "teams": "teams",
    "tag": "tags",
    "tags": "tags",
    "article": "articles",
    "articles": "articles",
    "ticket_type": "ticket_types",
    "ticket_types": "ticket_types",
}
_PARAM = re.compile(r"\{([^}]+)\}")


def role(op: Operation[Any]) -> str:
    """``create``, ``list``, ``get``, ``update``, ``delete`` or ``action``."""
    verb = op.name.rsplit(".", 1)[-1]
    ends_with_param = op.path.endswith("}")
    if op.method == "POST" and verb in CREATES:
        return "create"
    if op.method == "GET" and (op.pagination is not None or verb.startswith("list")):
        return "list"
    if ends_with_param and op.method == "GET" and op.response_kind == "json":
        return "get"
    if ends_with_param and op.method in ("PUT", "PATCH") and verb == "update":
        return "update"
    if ends_with_param and op.method == "DELETE" and verb == "delete":
        return "delete"
    return "action"


def _template_collection(op: Operation[Any]) -> str:
    """The path template of the collection an operation works on."""
    path = op.path
    if role(op) in ("get", "update", "delete"):
        path = path.rsplit("/", 1)[0]
    return path


def _aliased(path: str) -> str:
    for prefix, target in ALIASES.items():
        if path == prefix:
            return target
    return path


def collections() -> dict[str, list[Operation[Any]]]:
    """Every generic collection's path template and the operations on it."""
    from ._handlers import HANDLERS

    found: dict[str, list[Operation[Any]]] = {}
    for op in ROUTES.values():
        if route_key(op) not in HANDLERS and role(op) != "action":
            found.setdefault(_aliased(_template_collection(op)), []).append(op)
    return found


_COLLECTIONS: dict[str, list[Operation[Any]]] | None = None


@functools.cache
def _kept_by_hand() -> frozenset[str]:
    """Top-level resources whose records the hand-written backends keep in the store."""
    from ._handlers import HANDLERS

    return frozenset(
        top
        for name in HANDLERS
        if name in ROUTES
        and (top := ROUTES[name].path.strip("/").split("/")[0]) in STORES
        and ROUTES[name].path.count("/") <= 2
    )


def _known_collections() -> dict[str, list[Operation[Any]]]:
    global _COLLECTIONS
    if _COLLECTIONS is None:
        _COLLECTIONS = collections()
    return _COLLECTIONS


def _fill(template: str, params: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: params.get(m.group(1), m.group(0)), template)


def _record_id(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key, record.get("id"))
    if value is None:
        # A record wrapped in an envelope (a workflow export) goes by the wrapped one's id.
        inner = [v["id"] for v in record.values() if isinstance(v, dict) and "id" in v]
        value = inner[0] if len(inner) == 1 else None
    return None if value is None else str(value)


def _id_key(ops: list[Operation[Any]], record: dict[str, Any]) -> str:
    """The record key its collection is addressed by (``id``, or e.g. ``job_identifier``)."""
    for op in ops:
        if role(op) in ("get", "update", "delete"):
            param = op.path_params[-1]
            if param in record:
                return param
    return "id"


def _seed_records(ops: list[Operation[Any]]) -> list[dict[str, Any]]:
    """The description's example records of a collection: its list's items and its get's."""
    seeded: list[dict[str, Any]] = []
    # The get's record first: a list's items can be summaries of it.
    for op in ops:
        if role(op) == "get" and isinstance(SAMPLES[route_key(op)]["body"], dict):
            seeded.append(copy.deepcopy(SAMPLES[route_key(op)]["body"]))
    for op in ops:
        body = SAMPLES[route_key(op)]["body"]
        if role(op) == "list" and isinstance(body, dict):
            items = body.get(op.items_key or "data")
            if isinstance(items, list):
                seeded.extend(copy.deepcopy(i) for i in items if isinstance(i, dict))
    if not seeded:
        # Nothing to read it by: the record its create answers with is the example.
        for op in ops:
            if role(op) == "create" and isinstance(SAMPLES[route_key(op)]["body"], dict):
                seeded.append(copy.deepcopy(SAMPLES[route_key(op)]["body"]))
    return seeded


def collection(ctx: Ctx, template: str) -> dict[str, dict[str, Any]]:
    """The records of the concrete collection ``template`` names for this request."""
    ops = _known_collections()[template]
    if template[1:] in _kept_by_hand():
        # A resource the hand-written backends keep (teams): its Preview-only operations
        # (PUT /teams/{id}) work on the same records.
        kept: dict[str, dict[str, Any]] = getattr(ctx.store, STORES[template[1:]])
        return kept
    key = _fill(template, ctx.params)
    store = ctx.store.generic
    if key not in store:
        records: dict[str, dict[str, Any]] = {}
        for seeded in _seed_records(ops):
            record_id = _record_id(seeded, _id_key(ops, seeded))
            if record_id is not None:
                records.setdefault(record_id, seeded)
        store[key] = records
    return store[key]


def _not_found(op: Operation[Any]) -> BadInput:
    code = SAMPLES[route_key(op)]["not_found"]
    return BadInput(error(404, code, "Resource Not Found"))


def _parents(ctx: Ctx) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """Each path parameter before the record's own and the record it names (None when the
    fake keeps no such records), raising 404 for a name the workspace does not hold."""
    op = ctx.op
    segments = op.path.strip("/").split("/")
    names = list(op.path_params)
    own = names[-1] if role(op) in ("get", "update", "delete") else None
    for index, segment in enumerate(segments):
        match = _PARAM.fullmatch(segment)
        if match is None or match.group(1) == own:
            continue
        name = match.group(1)
        value = ctx.params[name]
        prefix = _aliased("/" + "/".join(segments[:index]))
        if prefix in _known_collections():
            records: dict[str, dict[str, Any]] | None = collection(ctx, prefix)
        else:
            owner = name.removesuffix("_id") if name.endswith("_id") else segments[index - 1]
            attribute = STORES.get(owner) or STORES.get(segments[index - 1])
            records = getattr(ctx.store, attribute) if attribute else None
        if records is None:
            yield name, None
            continue
        by = LOOKUP_FIELDS.get(op.name) if name == names[-1] else None
        record = _find(records, value, by)
        if record is None:
            raise _not_found(op)
        yield name, record


def _find(records: dict[str, dict[str, Any]], value: str, field: str | None = None) -> Any:
    if field is None:
        return records.get(value)
    return next((r for r in records.values() if str(r.get(field)) == value), None)


def _merge(record: dict[str, Any], body: Any) -> None:
    """Take the sent fields the record has, where the value is of the same JSON kind."""
    if not isinstance(body, dict):
        return
    if len(body) == 1:
        # A body wrapping the record under its type ({"folder": {...}}) sends its fields.
        ((wrapper, inner),) = body.items()
        if isinstance(inner, dict) and wrapper not in record and set(inner) & set(record):
            body = inner
    for key, value in body.items():
        if key in ("id", "type"):
            continue
        if key in record and (record[key] is None or _kind(record[key]) == _kind(value)):
            record[key] = copy.deepcopy(value)
    stamp = now()
    if isinstance(record.get("updated_at"), int):
        record["updated_at"] = stamp


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _new_id(ctx: Ctx, template: str, records: dict[str, dict[str, Any]], sample: Any) -> Any:
    if isinstance(sample, int) or (isinstance(sample, str) and sample.isdigit()):
        number = ctx.store.serial(f"generic:{template}", records, floor=1000)
        return int(number) if isinstance(sample, int) else number
    return ctx.store.new_id()


def _echo_query(ctx: Ctx, body: Any) -> Any:
    """An answer names what was asked by its query (a status list's ``ruleset_id``)."""
    if isinstance(body, dict):
        for name in ctx.op.query_params:
            if name in ctx.query and name in body:
                body[name] = ctx.query[name]
    return body


def _answer(op: Operation[Any], body: Any, ctx: Ctx | None = None) -> web.StreamResponse:
    status = SAMPLES[route_key(op)]["status"]
    if 300 <= status < 400 and ctx is not None:
        # A signed URL on another host, as a recording's redirect points to.
        location = f"https://storage.example.com{ctx.request.path}?signature=fake"
        return web.Response(status=status, headers={"Location": location})
    if op.response_kind == "binary":
        return web.Response(body=b"fake export\n", content_type="application/octet-stream")
    if op.response_kind == "empty" or body is None:
        return web.Response(status=status)
    return ok(body, status=status)


def _sample(op: Operation[Any]) -> Any:
    return copy.deepcopy(SAMPLES[route_key(op)]["body"])


async def answer(ctx: Ctx) -> web.StreamResponse:
    op = ctx.op
    parents = dict(_parents(ctx))
    kind = role(op)
    if kind == "action":
        return _action(ctx, parents)
    template = _aliased(_template_collection(op))
    records = collection(ctx, template)
    if kind == "list":
        return _list(ctx, records)
    if kind == "create":
        return _create(ctx, template, records)
    own = ctx.params[op.path_params[-1]]
    record = _find(records, own, LOOKUP_FIELDS.get(op.name))
    if record is None:
        raise _not_found(op)
    if kind == "update":
        _merge(record, ctx.body)
        return _answer(op, record)
    if kind == "delete":
        records.pop(own, None)
        deleted = _sample(op)
        if isinstance(deleted, dict) and "id" in deleted:
            deleted["id"] = record.get("id", own)
        return _answer(op, deleted)
    return _answer(op, record)


def _create(ctx: Ctx, template: str, records: dict[str, dict[str, Any]]) -> web.StreamResponse:
    op = ctx.op
    record = _sample(op)
    if not isinstance(record, dict):
        return _answer(op, record)
    key = _id_key(_known_collections()[template], record)
    upsert_by = "external_id" if op.name.endswith("create_or_update") else None
    if upsert_by and isinstance(ctx.body, dict) and upsert_by in ctx.body:
        existing = _find(records, str(ctx.body[upsert_by]), upsert_by)
        if existing is not None:
            _merge(existing, ctx.body)
            return _answer(op, existing)
    _merge(record, ctx.body)
    record[key] = _new_id(ctx, template, records, record.get(key))
    stamp = now()
    for field in ("created_at", "updated_at"):
        if isinstance(record.get(field), int):
            record[field] = stamp
    records[str(record[key])] = record
    return _answer(op, record)


def _list(ctx: Ctx, records: dict[str, dict[str, Any]]) -> web.StreamResponse:
    op = ctx.op
    items = list(records.values())
    key = op.items_key or "data"
    sample = _sample(op)
    envelope = sample if isinstance(sample, dict) else {}
    list_type = str(envelope.get("type", "list"))
    if op.pagination is None:
        if isinstance(envelope.get(key), list):
            envelope[key] = items
        return _answer(op, _echo_query(ctx, sample), ctx)
    if op.pagination == "cursor":
        page = cursor_page(ctx, f"generic:{op.name}", items, items_key=key, list_type=list_type)
    elif op.pagination == "page":
        page = number_page(ctx, items, items_key=key, list_type=list_type)
    else:
        content = PageContent(
            items=items, following=None, total_count=len(items), items_key=key, list_type=list_type
        )
        page = ok(STYLES[op.pagination].render(content))
    if page.status != 200 or not isinstance(page.body, bytes):
        return page
    # Keys of the list object besides the page itself (a list's ruleset_id) stay as described.
    rendered = msgspec.json.decode(page.body)
    whole = {**{k: v for k, v in envelope.items() if k not in rendered}, **rendered}
    return _answer(op, _echo_query(ctx, whole))


def _action(ctx: Ctx, parents: dict[str, dict[str, Any] | None]) -> web.StreamResponse:
    """An operation that acts on records: it answers the record it acts on when its sample is
    that kind of record (a conversation action answers the conversation), else its sample."""
    # The sample's other keys come along: the description's example of what this answer adds.
    op = ctx.op
    sample = _sample(op)
    kind = sample.get("type") if isinstance(sample, dict) else None
    acted_on = [r for r in parents.values() if r is not None]
    if isinstance(ctx.body, dict) and kind is not None and "id" in ctx.body:
        # attach_tag-style actions name the attached record in the body.
        attribute = STORES.get(str(kind))
        if attribute is not None:
            named = getattr(ctx.store, attribute).get(str(ctx.body["id"]))
            if named is None:
                raise _not_found(op)
            acted_on.append(named)
    for record in reversed(acted_on):
        if kind is not None and record.get("type") == kind:
            # The record, with what this operation's answer adds to it (a draft's
            # has_unpublished_changes, a tag's applied_at).
            return _answer(op, {**sample, **record})
    return _answer(op, _echo_query(ctx, sample), ctx)
