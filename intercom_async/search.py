"""Search queries for contacts, conversations and tickets, checked before they are sent.

    from intercom_async.search import F

    query = (F("email").ends_with("@example.com") & (F("created_at") > 1577836800)) | (
        F("role") == "lead"
    )
    async for contact in client.contacts.search(query=query, sort=F("created_at").descending()):
        ...

The rules (from Intercom's search documentation, see ../shared/api-notes.md): ``IN``/``NIN``
take lists; ``> < >= <=`` take numbers (dates are UNIX timestamps); ``~ !~ ^ $`` take strings;
at most 2 levels of nesting and 15 filters per group; contact dates accept neither ``!=``,
``<=``, ``>=``, ``IN`` nor ``NIN``; ``tag_id`` takes only ``=`` and ``!=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Operator = Literal["=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"]
Target = Literal["contacts", "conversations", "tickets", "companies"]

LIST_OPERATORS = frozenset({"IN", "NIN"})
NUMBER_OPERATORS = frozenset({"<", "<=", ">", ">="})
STRING_OPERATORS = frozenset({"~", "!~", "^", "$"})
OPERATORS = frozenset({"=", "!="}) | LIST_OPERATORS | NUMBER_OPERATORS | STRING_OPERATORS
CONTACT_DATE_FORBIDDEN = frozenset({"!=", "<=", ">=", "IN", "NIN"})
MAX_DEPTH = 2
MAX_FILTERS_PER_GROUP = 15


class QueryError(ValueError):
    """A search query breaks one of Intercom's rules; the message names the field and rule."""


class Query:
    """A search filter or group; combine with ``&`` (AND) and ``|`` (OR)."""

    def __and__(self, other: Query) -> Group:
        return _combine("AND", self, other)

    def __or__(self, other: Query) -> Group:
        return _combine("OR", self, other)

    def to_dict(self, target: Target | None = None) -> dict[str, Any]:
        """The JSON Intercom expects, after checking every rule (for ``target`` if given)."""
        validate(self, target)
        return self._json()

    def _json(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Filter(Query):
    field: str
    operator: str
    value: Any

    def _json(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, (tuple, list)) else self.value
        return {"field": self.field, "operator": self.operator, "value": value}


@dataclass(frozen=True, eq=False)
class Group(Query):
    operator: Literal["AND", "OR"]
    queries: tuple[Query, ...]

    def _json(self) -> dict[str, Any]:
        return {"operator": self.operator, "value": [q._json() for q in self.queries]}


def _combine(operator: Literal["AND", "OR"], left: Query, right: Query) -> Group:
    if not isinstance(right, Query):
        return NotImplemented
    parts: list[Query] = []
    for side in (left, right):
        # a & b & c is one AND group, not a nested one (nesting is limited to 2 levels).
        if isinstance(side, Group) and side.operator == operator:
            parts.extend(side.queries)
        else:
            parts.append(side)
    return Group(operator, tuple(parts))


@dataclass(frozen=True)
class Sort:
    field: str
    order: Literal["ascending", "descending"] = "ascending"

    def to_dict(self) -> dict[str, str]:
        """The JSON Intercom expects for a sort."""
        return {"field": self.field, "order": self.order}


class F:
    """A field to filter on: ``F("email") == "a@b.c"``, ``F("created_at") > 1577836800``."""

    __slots__ = ("name",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str) -> None:
        if not name:
            raise QueryError("a search field needs a name")
        self.name: str = name

    def __eq__(self, value: object) -> Filter:  # type: ignore[override]
        return Filter(self.name, "=", value)

    def __ne__(self, value: object) -> Filter:  # type: ignore[override]
        return Filter(self.name, "!=", value)

    def __lt__(self, value: float) -> Filter:
        return Filter(self.name, "<", value)

    def __le__(self, value: float) -> Filter:
        return Filter(self.name, "<=", value)

    def __gt__(self, value: float) -> Filter:
        return Filter(self.name, ">", value)

    def __ge__(self, value: float) -> Filter:
        return Filter(self.name, ">=", value)

    def in_(self, values: Sequence[Any]) -> Filter:
        """The field is one of ``values`` (operator ``IN``)."""
        return Filter(self.name, "IN", values)

    def not_in(self, values: Sequence[Any]) -> Filter:
        """The field is none of ``values`` (operator ``NIN``)."""
        return Filter(self.name, "NIN", values)

    def contains(self, text: str) -> Filter:
        """The field contains ``text`` (operator ``~``)."""
        return Filter(self.name, "~", text)

    def not_contains(self, text: str) -> Filter:
        """The field does not contain ``text`` (operator ``!~``)."""
        return Filter(self.name, "!~", text)

    def starts_with(self, text: str) -> Filter:
        """The field starts with ``text`` (operator ``^``)."""
        return Filter(self.name, "^", text)

    def ends_with(self, text: str) -> Filter:
        """The field ends with ``text`` (operator ``$``)."""
        return Filter(self.name, "$", text)

    def ascending(self) -> Sort:
        """Sort by this field, smallest first."""
        return Sort(self.name, "ascending")

    def descending(self) -> Sort:
        """Sort by this field, largest first."""
        return Sort(self.name, "descending")


def _is_contact_date(field: str) -> bool:
    return field.endswith("_at")


def _is_number(value: Any) -> bool:
    """A number, or a timestamp sent as digits (Intercom reads ``"1306054154"`` as one, and
    its own search examples send them so)."""
    if isinstance(value, str):
        return value.removeprefix("-").isdigit()
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_filter(query: Filter, target: Target | None) -> None:
    field, op, value = query.field, query.operator, query.value
    where = f"search field {field!r}"
    if op not in OPERATORS:
        raise QueryError(f"{where}: unknown operator {op!r} (expected one of {sorted(OPERATORS)})")
    if op in LIST_OPERATORS:
        if not isinstance(value, (list, tuple)) or not value:
            raise QueryError(f"{where}: {op} takes a non-empty list of values")
    elif isinstance(value, (list, tuple)):
        raise QueryError(f"{where}: only IN and NIN take a list (got {op})")
    if op in NUMBER_OPERATORS and not _is_number(value):
        raise QueryError(f"{where}: {op} compares numbers or UNIX timestamps, got {value!r}")
    if op in STRING_OPERATORS and not isinstance(value, str):
        raise QueryError(f"{where}: {op} matches text, got {value!r}")
    if field.endswith("tag_id") and op not in ("=", "!="):
        raise QueryError(f"{where}: tag ids take only = and != (got {op})")
    if target == "contacts" and _is_contact_date(field) and op in CONTACT_DATE_FORBIDDEN:
        raise QueryError(
            f"{where}: contact dates match by day and do not accept {op} "
            "(use =, <, > and combine them)"
        )


def validate(query: Query, target: Target | None = None, *, _depth: int = 0) -> None:
    """Raise ``QueryError`` naming the field and the rule a query breaks."""
    if isinstance(query, Filter):
        _check_filter(query, target)
        return
    if not isinstance(query, Group):
        raise QueryError(f"not a search query: {query!r}")
    if _depth + 1 > MAX_DEPTH:
        fields = ", ".join(sorted(_fields(query)))
        raise QueryError(f"search query nests deeper than {MAX_DEPTH} levels (around {fields})")
    if query.operator not in ("AND", "OR"):
        raise QueryError(f"group operator must be AND or OR, got {query.operator!r}")
    if not query.queries:
        raise QueryError("a search group needs at least one filter")
    if len(query.queries) > MAX_FILTERS_PER_GROUP:
        fields = ", ".join(sorted(_fields(query)))
        raise QueryError(
            f"a search {query.operator} group holds {len(query.queries)} filters, at most "
            f"{MAX_FILTERS_PER_GROUP} are allowed (fields {fields})"
        )
    for part in query.queries:
        validate(part, target, _depth=_depth + 1)


def _fields(query: Query) -> set[str]:
    if isinstance(query, Filter):
        return {query.field}
    if isinstance(query, Group):
        return set().union(*(_fields(q) for q in query.queries))
    return set()


def as_json(query: Query | dict[str, Any], target: Target | None = None) -> dict[str, Any]:
    """A builder query as checked JSON; a plain dict passes through as the caller wrote it."""
    if isinstance(query, Query):
        return query.to_dict(target)
    if isinstance(query, dict):
        return query
    raise TypeError(f"query must be a search Query or a dict, got {type(query).__name__}")


def sort_json(sort: Sort | dict[str, Any]) -> dict[str, Any]:
    """A ``Sort`` as JSON; a plain dict passes through."""
    return sort.to_dict() if isinstance(sort, Sort) else sort


__all__ = ["F", "Filter", "Group", "Query", "QueryError", "Sort", "as_json", "validate"]
