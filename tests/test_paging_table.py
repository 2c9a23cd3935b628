"""The pagination-style table (issue 13): one entry per shape, held against real pages.

The client and every test double share the table, so a test that only round-trips through it
would prove nothing; the pages the published descriptions give (every version) are the reference.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, get_args

import msgspec
import pytest

from intercom_async import PaginationError
from intercom_async._paging import STYLES, PageContent, PaginationStyle
from intercom_async.operations import OPERATIONS
from intercom_async.pagination import Paginator

from .conftest import make_client, serve
from .list_server import ListServer
from .spec_data import FILES, examples, operations, resolve_response

BY_ROUTE = {(op.method.lower(), op.path): op for op in OPERATIONS.values()}


def real_pages() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(version, operation name, style, page) for every example page of every version."""
    found = []
    for version in FILES:
        for method, path, raw in operations(version):
            op = BY_ROUTE.get((method, path))
            if op is None or op.pagination is None:
                continue
            for status, response in (raw.get("responses") or {}).items():
                if not str(status).startswith("2"):
                    continue
                media = (resolve_response(version, response).get("content") or {}).get(
                    "application/json"
                )
                for _name, page in examples(media or {}):
                    if isinstance(page, dict):
                        found.append((version, op.name, op.pagination, page))
    return found


# 2.13-2.15 described GET /custom_object_instances/{type} (by external_id) as answering one
# instance, not a page; 2.16 made it a list.
SINGLE_OBJECT_ANSWERS = {("custom_object_instances.list", v) for v in ("2.13", "2.14", "2.15")}


def ends_here(style: str, page: dict[str, Any]) -> bool:
    """When a page is the last, in the words of ../shared/api-notes.md's pagination table."""
    pages = page.get("pages") or {}
    if style in ("cursor", "search", "next_url"):
        return not pages.get("next")
    if style == "page":
        return not pages.get("next") and pages.get("page", 1) >= (pages.get("total_pages") or 0)
    if style == "top_level_page":
        return bool(page.get("page", 1) >= (page.get("total_pages") or 0))
    if style == "scroll":
        return not page.get("data")
    if style == "next_cursor":
        return not (page.get("has_more") and page.get("next_cursor"))
    return True


def test_the_table_has_one_entry_per_style_and_covers_every_operation() -> None:
    assert set(STYLES) == set(get_args(PaginationStyle))
    assert len(STYLES) == 8
    used = {op.pagination for op in OPERATIONS.values() if op.pagination}
    assert used == set(STYLES)


def test_every_real_page_reads_as_its_style_says() -> None:
    pages = real_pages()
    assert len({style for _, _, style, _ in pages}) == 8
    for version, name, style, page in pages:
        if (name, version) in SINGLE_OBJECT_ANSWERS:
            assert "id" in page and "data" not in page
            continue
        shape = STYLES[style]  # type: ignore[index]
        op = OPERATIONS[name]
        assert isinstance(page.get(op.items_key or "data"), list), (version, name)
        items = len(page.get(op.items_key or "data") or [])
        following = shape.next_after(page, None, items)
        assert (following is None) == ends_here(style, page), (version, name, page)
        if isinstance(following, str):
            # The next cursor is one Intercom sent, not one we made up.
            assert following in json.dumps(page), (version, name)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_rendered_pages_have_every_key_real_pages_of_the_style_have(style: str) -> None:
    real = [page for _, _, s, page in real_pages() if s == style]
    common = set.intersection(*(set(page) for page in real))
    rendered = STYLES[style].render(  # type: ignore[index]
        PageContent(items=[], following="abc", total_count=0)
    )
    assert common <= set(rendered), common - set(rendered)
    real_pages_objects = [p["pages"] for p in real if isinstance(p.get("pages"), dict)]
    if real_pages_objects and isinstance(rendered.get("pages"), dict):
        common_pages = set.intersection(*(set(p) for p in real_pages_objects))
        assert common_pages <= set(rendered["pages"])


@pytest.mark.parametrize("name", [op.name for op in OPERATIONS.values() if op.pagination])
def test_a_rendered_page_decodes_as_the_operations_response(name: str) -> None:
    op = OPERATIONS[name]
    for following in ("next-one", None):
        body = STYLES[op.pagination].render(  # type: ignore[index]
            PageContent(items=[], following=following, items_key=op.items_key or "data")
        )
        if msgspec.inspect.type_info(op.response_type).__class__.__name__ == "ListType":
            continue  # answered as a top-level array (GET /away_status_reasons)
        msgspec.convert(body, op.response_type)


@pytest.mark.parametrize("style", sorted(set(STYLES) - {"unpaginated"}))
def test_what_the_client_asks_is_what_a_server_reads(style: str) -> None:
    shape = STYLES[style]  # type: ignore[index]
    cursor = "http://h/x?next=pos-7" if style == "next_url" else "pos-7"
    query, body = shape.ask(cursor, 25, {"keep": "1"}, {"query": {}} if shape.in_body else None)
    assert query["keep"] == "1"
    asked, size = shape.asked({k: str(v) for k, v in query.items()}, body)
    assert asked == "pos-7"
    assert size == (None if style == "scroll" else "25")


@pytest.mark.parametrize("style", sorted(set(STYLES) - {"unpaginated"}))
def test_what_a_server_renders_is_what_the_client_reads(style: str) -> None:
    shape = STYLES[style]  # type: ignore[index]
    following = "http://h/x?page=3" if style in ("page", "next_url") else "pos-9"
    page = shape.render(
        PageContent(items=[{"id": "1"}], following=following, number=2, total_pages=3)
    )
    expected = 3 if style in ("page", "top_level_page") else following
    assert shape.next_after(page, 2, 1) == expected
    last = shape.render(PageContent(items=[], following=None, number=2, total_pages=2))
    assert shape.next_after(last, 2, 0) is None


def test_the_company_list_cap_is_operation_metadata() -> None:
    assert OPERATIONS["companies.list"].max_items == 10_000
    assert OPERATIONS["companies.list"].beyond_max_items == "companies.scroll"
    assert OPERATIONS["contacts.list"].max_items is None


@pytest.mark.parametrize("per_page", [20, None])
async def test_any_capped_list_raises_at_its_cap_instead_of_ending(per_page: int | None) -> None:
    # The cap follows the operation's metadata, whatever the path; with no page size asked
    # for, the end of the reachable pages with a larger total_count still raises.
    op = dataclasses.replace(
        OPERATIONS["articles.list"], max_items=100, beyond_max_items="widgets.scroll"
    )
    server = ListServer("page", 300, per_page=20, cap=100)
    async with serve(server.handle) as url, make_client(url) as client:
        seen = 0
        with pytest.raises(PaginationError, match=r"at most 100 items; iterate client\.widgets"):
            async for _ in Paginator(client._sender, op, {}, per_page=per_page, prefetch=0):
                seen += 1
    assert seen == 100
    assert server.requests == 5
