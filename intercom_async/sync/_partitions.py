"""Disjoint search partitions of a resource, and the query that reads one. Pure: no I/O.

A partition is a half-open range of ``created_at`` (optionally narrowed further by a suffix of
the record's id). Its lower edge is asked as ``(created_at > T) OR (created_at = T)`` and its
upper edge as ``created_at < U``. Contact search on the numbered versions compares timestamps
by calendar day in the workspace's timezone; asked this way, a partition is whole days
(day(T) up to the day before day(U)) whatever that timezone is, neighbours share their edge, and
so every record falls in exactly one partition. On Preview (to the second) and for
conversations and tickets the same queries are exact ranges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Id suffixes that split one heavy day: Intercom's ids are hex (ObjectId-like, whose last
# characters are a counter), so the last character spreads them evenly. Completeness is not
# assumed: a split is kept only when its counts add up to the day's (see ``_plan``).
HEX = "0123456789abcdef"
SORT = {"field": "created_at", "order": "ascending"}


@dataclass(frozen=True, slots=True)
class Partition:
    """``lower <= created_at < upper`` (None: unbounded), and an id suffix if split by id."""

    lower: int | None
    upper: int | None
    id_suffix: str | None = None
    count: int | None = field(default=None, compare=False)
    """Records in it when planned (search ``total_count``)."""

    @property
    def key(self) -> str:
        """A stable name, for checkpoints."""
        lower = "" if self.lower is None else str(self.lower)
        upper = "" if self.upper is None else str(self.upper)
        return f"{lower}-{upper}" + (f"~{self.id_suffix}" if self.id_suffix else "")

    def with_count(self, count: int) -> Partition:
        return Partition(self.lower, self.upper, self.id_suffix, count)

    def to_json(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "id_suffix": self.id_suffix,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Partition:
        return cls(data["lower"], data["upper"], data.get("id_suffix"), data.get("count"))


def _at_least(field_name: str, value: int) -> dict[str, Any]:
    # `>= T` is refused on contact dates; `(> T) OR (= T)` means the same on every version.
    return {
        "operator": "OR",
        "value": [
            {"field": field_name, "operator": ">", "value": value},
            {"field": field_name, "operator": "=", "value": value},
        ],
    }


def query_for(partition: Partition, since: int | None = None) -> dict[str, Any]:
    """The search query for one partition; ``since`` adds ``updated_at >= since``."""
    filters: list[dict[str, Any]] = []
    if partition.lower is not None:
        filters.append(_at_least("created_at", partition.lower))
    if partition.upper is not None:
        filters.append({"field": "created_at", "operator": "<", "value": partition.upper})
    if partition.id_suffix is not None:
        filters.append({"field": "id", "operator": "$", "value": partition.id_suffix})
    if since is not None:
        filters.append(_at_least("updated_at", since))
    if not filters:  # everything: every record was created at or after the epoch
        return _at_least("created_at", 0)
    if len(filters) == 1:
        return filters[0]
    return {"operator": "AND", "value": filters}


def even_edges(first: int, last: int, parts: int) -> list[int]:
    """``parts - 1`` inner edges splitting ``[first, last]`` evenly (fewer when it is narrow)."""
    if parts <= 1 or last <= first:
        return []
    step = (last - first + 1) / parts
    edges = sorted({first + math.ceil(step * i) for i in range(1, parts)})
    return [e for e in edges if first < e <= last]


def ranges(edges: Sequence[int]) -> list[Partition]:
    """Partitions covering every timestamp: (-inf, e0), [e0, e1), …, [e_last, +inf)."""
    bounds: list[int | None] = [None, *edges, None]
    return [Partition(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def halves(partition: Partition, first: int, last: int) -> list[Partition] | None:
    """Split a time range in two at the middle of the records it holds (``first``..``last``
    created_at); None when it cannot be split by time any further."""
    lower = partition.lower if partition.lower is not None else first
    upper = partition.upper if partition.upper is not None else last + 1
    middle = (max(lower, first) + min(upper - 1, last) + 1) // 2
    if middle <= lower or middle >= upper:
        return None
    return [
        Partition(partition.lower, middle, partition.id_suffix),
        Partition(middle, partition.upper, partition.id_suffix),
    ]


def by_id_suffix(partition: Partition) -> list[Partition]:
    """The partition split 16 ways by the last hex character of the id (one level deeper when
    already split)."""
    prefix = partition.id_suffix or ""
    return [Partition(partition.lower, partition.upper, c + prefix) for c in HEX]


def pages_for(count: int, per_page: int) -> int:
    """Requests a partition of ``count`` records takes (an empty one still takes one)."""
    return max(1, math.ceil(count / per_page))
