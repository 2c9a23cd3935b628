"""Hand-written models the generated ones build on."""

from __future__ import annotations

import msgspec


class StartingAfter(msgspec.Struct, kw_only=True):
    """The object form of ``pages.next``: the cursor for the next page."""

    page: int | None = None
    starting_after: str | None = None
    per_page: int | None = None


class Pages(msgspec.Struct, kw_only=True):
    """A list's paging metadata. ``next`` is absent/null on the last page, a URL string, or
    an object holding ``starting_after``, depending on the endpoint."""

    type: str | None = None
    page: int | None = None
    per_page: int | None = None
    total_pages: int | None = None
    next: str | StartingAfter | None = None
