"""The eight pagination shapes Intercom uses, one table entry each. Pure: no I/O, no clock.

Each entry says how to ask for a page (where the cursor and the page size go), where the next
cursor is in a page, when a listing ends, and how such a page looks. The client's paginator reads
pages through it and every test double (FakeIntercom, the tests' list server) asks and renders
through it, so a shape is written once. ``tests/test_paging_table.py`` holds each entry against
the pages of the published descriptions, which is what keeps the shared table honest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args
from urllib.parse import parse_qsl, urlsplit

PaginationStyle = Literal[
    "cursor",
    "search",
    "page",
    "top_level_page",
    "scroll",
    "next_cursor",
    "next_url",
    "unpaginated",
]
Cursor = str | int | None


def field(value: Any, name: str) -> Any:
    """A field of a decoded model or of a raw dict (``as_dicts()`` pages)."""
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def url_query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@dataclass(frozen=True, slots=True)
class PageContent:
    """What a server puts in one page; ``following`` is the next page's cursor (None: last)."""

    items: Sequence[Any]
    following: Cursor
    number: int = 1
    per_page: int = 50
    total_count: int | None = None
    total_pages: int = 1
    items_key: str = "data"
    list_type: str = "list"


@dataclass(frozen=True, slots=True)
class PageStyle:
    """One pagination shape.

    ``cursor_param`` names the request parameter that carries the cursor (in the query, or in
    the body's ``pagination`` object when ``in_body``); ``next_after`` reads the next cursor
    from a page (None ends the listing); ``render`` builds a page as Intercom sends it.
    ``prefetch`` says whether a page may be asked for before the one before it is consumed;
    ``cursor_advances`` whether a repeated cursor means a loop.
    """

    name: PaginationStyle
    cursor_param: str | None
    in_body: bool
    sizes_pages: bool
    prefetch: bool
    cursor_advances: bool
    next_after: Callable[[Any, Cursor, int], Cursor]
    render: Callable[[PageContent], dict[str, Any]]

    def ask(
        self,
        cursor: Cursor,
        per_page: int | None,
        query: Mapping[str, Any],
        body: Mapping[str, Any] | None,
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Query and body that ask for the page at ``cursor`` (None: the first page)."""
        q = dict(query)
        b = dict(body) if body is not None else None
        paging: dict[str, Any] = {}
        if per_page is not None and self.sizes_pages:
            paging["per_page"] = per_page
        if cursor is not None and self.cursor_param is not None:
            if self.name == "next_url":
                # Only the query of the next link is followed: path and host stay the operation's.
                paging.update(url_query(str(cursor)))
            else:
                paging[self.cursor_param] = cursor
        if self.in_body:
            b = b if b is not None else {}
            if paging:
                b["pagination"] = paging
        else:
            q.update(paging)
        return q, b

    def asked(self, query: Mapping[str, str], body: Any) -> tuple[str | None, str | None]:
        """The cursor and page size a request asks for, as the server reads them (raw text)."""
        source: Mapping[str, Any] = query
        if self.in_body:
            source = (body.get("pagination") if isinstance(body, dict) else None) or {}
        cursor = source.get(self.cursor_param) if self.cursor_param else None
        size = source.get("per_page") if self.sizes_pages else None
        return (
            None if cursor in (None, "") else str(cursor),
            None if size is None else str(size),
        )


def _starting_after(raw: Any, cursor: Cursor, items: int) -> Cursor:
    following = field(field(raw, "pages"), "next")
    if isinstance(following, str):
        return url_query(following).get("starting_after") or None
    return field(following, "starting_after") or None


def _page_number(raw: Any, cursor: Cursor, items: int) -> Cursor:
    pages = field(raw, "pages")
    current = field(pages, "page") or (cursor if isinstance(cursor, int) else 1)
    total = field(pages, "total_pages")
    if field(pages, "next") or (total is not None and current < total):
        return int(current) + 1
    return None


def _top_level_page(raw: Any, cursor: Cursor, items: int) -> Cursor:
    current = field(raw, "page") or (cursor if isinstance(cursor, int) else 1)
    total = field(raw, "total_pages")
    return int(current) + 1 if total is not None and current < total else None


def _scroll_param(raw: Any, cursor: Cursor, items: int) -> Cursor:
    # The param names the server-side scroll, not a page: it may repeat; empty data ends it.
    return (field(raw, "scroll_param") or None) if items else None


def _next_cursor(raw: Any, cursor: Cursor, items: int) -> Cursor:
    following = field(raw, "next_cursor")
    return following if following and field(raw, "has_more") is not False else None


def _next_url(raw: Any, cursor: Cursor, items: int) -> Cursor:
    following = field(field(raw, "pages"), "next")
    return following if isinstance(following, str) and following else None


def _never(raw: Any, cursor: Cursor, items: int) -> Cursor:
    return None


def _pages_object(content: PageContent, following: Any) -> dict[str, Any]:
    return {
        "type": "pages",
        "next": following,
        "page": content.number,
        "per_page": content.per_page,
        "total_pages": content.total_pages,
    }


def _listing(content: PageContent, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": content.list_type, content.items_key: list(content.items)}
    if content.total_count is not None:
        body["total_count"] = content.total_count
    body.update(extra)
    return body


def _render_cursor(content: PageContent) -> dict[str, Any]:
    following = content.following
    link = None if following is None else {"page": content.number + 1, "starting_after": following}
    return _listing(content, pages=_pages_object(content, link))


def _render_page(content: PageContent) -> dict[str, Any]:
    # `following` is the next page's URL (GET /conversations/deleted sends one), or None.
    return _listing(content, pages=_pages_object(content, content.following))


def _render_top_level_page(content: PageContent) -> dict[str, Any]:
    return _listing(
        content, page=content.number, per_page=content.per_page, total_pages=content.total_pages
    )


def _render_scroll(content: PageContent) -> dict[str, Any]:
    return {
        "type": content.list_type,
        content.items_key: list(content.items),
        "pages": None,
        "total_count": None,
        "scroll_param": content.following,
    }


def _render_next_cursor(content: PageContent) -> dict[str, Any]:
    more = content.following is not None
    return _listing(content, next_cursor=content.following, has_more=more)


def _render_next_url(content: PageContent) -> dict[str, Any]:
    return _listing(content, pages={"type": "pages", "next": content.following})


def _render_unpaginated(content: PageContent) -> dict[str, Any]:
    return {"type": content.list_type, content.items_key: list(content.items)}


def _style(
    name: PaginationStyle,
    cursor_param: str | None,
    next_after: Callable[[Any, Cursor, int], Cursor],
    render: Callable[[PageContent], dict[str, Any]],
    *,
    in_body: bool = False,
    sizes_pages: bool = True,
    prefetch: bool = True,
    cursor_advances: bool = True,
) -> PageStyle:
    return PageStyle(
        name, cursor_param, in_body, sizes_pages, prefetch, cursor_advances, next_after, render
    )


STYLES: Mapping[PaginationStyle, PageStyle] = {
    style.name: style
    for style in (
        _style("cursor", "starting_after", _starting_after, _render_cursor),
        _style("search", "starting_after", _starting_after, _render_cursor, in_body=True),
        _style("page", "page", _page_number, _render_page),
        _style("top_level_page", "page", _top_level_page, _render_top_level_page),
        # Scroll pages are asked for strictly one after another: the position lives on the server,
        # and the param repeats.
        _style(
            "scroll",
            "scroll_param",
            _scroll_param,
            _render_scroll,
            sizes_pages=False,
            prefetch=False,
            cursor_advances=False,
        ),
        _style("next_cursor", "cursor", _next_cursor, _render_next_cursor),
        # The cursor is the next page's URL; test doubles put their position in its `next`.
        _style("next_url", "next", _next_url, _render_next_url),
        _style(
            "unpaginated",
            None,
            _never,
            _render_unpaginated,
            sizes_pages=False,
            prefetch=False,
            cursor_advances=False,
        ),
    )
}
assert tuple(STYLES) == get_args(PaginationStyle)


def items_of(raw: Any, items_key: str | None) -> list[Any]:
    """The items of a page: the array at ``items_key``, or the page itself when it is an array."""
    if isinstance(raw, list):
        return raw
    return field(raw, items_key or "data") or []


__all__ = ["STYLES", "Cursor", "PageContent", "PageStyle", "PaginationStyle", "field", "items_of"]
