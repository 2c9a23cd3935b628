"""Evaluating Intercom search queries over stored records, and the search page, for the fake."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..search import Filter, Group, Query, QueryError, Target, validate
from ._registry import body_of, cursor_page
from ._store import error

if TYPE_CHECKING:
    from ._ctx import Ctx

_MISSING = object()


def _digits(value: Any) -> bool:
    return isinstance(value, str) and value.removeprefix("-").isdigit()


def parse(query: Any) -> Query:
    """A query dict as sent to /…/search, as builder objects (which carry the rules)."""
    if not isinstance(query, dict):
        raise QueryError("query must be an object")
    if "field" in query:
        if "operator" not in query or "value" not in query:
            raise QueryError(f"search field {query['field']!r}: needs an operator and a value")
        field, compare, wanted = str(query["field"]), str(query["operator"]), query["value"]
        if _digits(wanted) and (compare in ("<", "<=", ">", ">=") or field.endswith("_at")):
            # A timestamp sent as digits is compared as the number, as Intercom does.
            wanted = int(wanted)
        return Filter(field, compare, wanted)
    operator = query.get("operator")
    value = query.get("value")
    if operator not in ("AND", "OR") or not isinstance(value, list):
        raise QueryError("a search group needs operator AND/OR and a list of queries")
    return Group(operator, tuple(parse(part) for part in value))


def _lookup(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


# Search fields that name one of a record's tags (or companies, segments): they hold when any
# of the ids matches. Where each kind of record keeps the list, and the key of each entry.
_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "tag_id": ("tags", "data"),  # a contact's tags
    "tag_ids": ("tags", "tags"),  # a conversation's tags
}


def _ids_in(record: dict[str, Any], field: str) -> list[Any] | None:
    path = _LIST_FIELDS.get(field)
    if path is None:
        return None
    entries = _lookup(record, ".".join(path))
    if not isinstance(entries, list):
        return []
    return [entry.get("id") for entry in entries if isinstance(entry, dict)]


def _compare_any(op: str, ids: list[Any], expected: Any) -> bool:
    wanted = [str(v) for v in expected] if isinstance(expected, list) else [str(expected)]
    hit = any(str(i) in wanted for i in ids)
    return not hit if op in ("!=", "NIN") else hit


def _compare(op: str, actual: Any, expected: Any, by_day: bool) -> bool:
    if actual is _MISSING:
        return op in ("!=", "NIN", "!~")
    if by_day and isinstance(actual, int) and isinstance(expected, int):
        actual, expected = actual // 86_400, expected // 86_400
    if op == "=":
        return bool(actual == expected)
    if op == "!=":
        return bool(actual != expected)
    if op == "IN":
        return actual in expected
    if op == "NIN":
        return actual not in expected
    if op in ("<", "<=", ">", ">="):
        if actual is None or isinstance(actual, (str, bool)):
            return False
        result: bool = {
            "<": actual < expected,
            "<=": actual <= expected,
            ">": actual > expected,
            ">=": actual >= expected,
        }[op]
        return result
    text = "" if actual is None else str(actual).lower()
    needle = str(expected).lower()
    return {
        "~": needle in text,
        "!~": needle not in text,
        "^": text.startswith(needle),
        "$": text.endswith(needle),
    }[op]


def matcher(
    query: Any, target: Target, *, dates_by_day: bool = True
) -> Callable[[dict[str, Any]], bool]:
    """Parse, check (raising QueryError) and compile ``query`` into a record predicate.

    Contact dates compare by calendar day on the numbered versions, to the second on Preview
    (``dates_by_day=False``)."""
    parsed = parse(query)
    validate(parsed, target)

    def build(node: Query) -> Callable[[dict[str, Any]], bool]:
        if isinstance(node, Filter):
            if node.field in _LIST_FIELDS:
                return lambda r: _compare_any(
                    node.operator, _ids_in(r, node.field) or [], node.value
                )
            by_day = dates_by_day and target == "contacts" and node.field.endswith("_at")
            return lambda r: _compare(node.operator, _lookup(r, node.field), node.value, by_day)
        assert isinstance(node, Group)
        parts = [build(child) for child in node.queries]
        if node.operator == "AND":
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)

    return build(parsed)


def sort_key(sort: Any) -> tuple[Callable[[dict[str, Any]], Any], bool] | None:
    if not isinstance(sort, dict) or "field" not in sort:
        return None
    field = str(sort["field"])
    descending = sort.get("order") == "descending"

    def key(record: dict[str, Any]) -> Any:
        value = _lookup(record, field)
        return (value is _MISSING or value is None, value if value not in (_MISSING, None) else 0)

    return key, descending


def search_page(
    ctx: Ctx, records: list[dict[str, Any]], target: str, kind: str, key: str, list_type: str
) -> web.Response:
    """A search's page: its query and sort over ``records``, as Intercom's index sees them."""
    body = body_of(ctx)
    delay = ctx.fake.search_delay
    if delay:
        # The index lags the writes: what changed within the delay is not found yet (updated_at
        # is whole seconds, so a write shows up between delay - 1 and delay seconds later).
        cutoff = time.time() - delay
        records = [r for r in records if (r.get("updated_at") or 0) <= cutoff]
    try:
        version = ctx.request.headers.get("Intercom-Version")
        by_day = version not in ("Preview", "Unstable")
        matches = matcher(body.get("query"), target, dates_by_day=by_day)  # type: ignore[arg-type]
    except QueryError as exc:
        return error(400, "parameter_invalid", str(exc))
    found = [r for r in records if matches(r)]
    order = (body.get("sort") or {}).get("order") if isinstance(body.get("sort"), dict) else None
    if order not in (None, "ascending", "descending"):
        return error(400, "invalid_sort_order", "sort order must be ascending or descending")
    sort = sort_key(body.get("sort"))
    if sort is not None:
        found.sort(key=sort[0], reverse=sort[1])
    return cursor_page(
        ctx, f"search-{kind}", found, items_key=key, list_type=list_type, style="search"
    )
