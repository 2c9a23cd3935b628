"""The fake's handler table and what its handlers share: pages, bodies, 404s, ``crud``."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .._paging import STYLES, PageContent, PaginationStyle
from ._store import InvalidCursor, decode_cursor, encode_cursor, error, int_param, not_found

if TYPE_CHECKING:
    from ._ctx import Ctx

Handler = Callable[["Ctx"], Awaitable[web.StreamResponse]]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register


def find(records: dict[str, dict[str, Any]], key: Any, kind: str) -> dict[str, Any]:
    """The stored record with this id, or a 404 answer in Intercom's words."""
    record = records.get(str(key)) if key is not None else None
    if record is None:
        raise BadInput(not_found(kind))
    return record


def ok(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


def without_null_keys(value: Any) -> Any:
    """A body as Intercom sends it: records (objects with a ``type`` that is not a list) leave
    out keys whose value is null. Lists and untyped objects keep theirs: a list's
    ``"pages": null`` and a custom attribute set to null are what Intercom sends."""
    if isinstance(value, list):
        return [without_null_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    record = isinstance(kind, str) and kind != "list" and not kind.endswith(".list")
    return {
        key: without_null_keys(item)
        for key, item in value.items()
        if item is not None or not record
    }


class BadInput(Exception):
    """Raised by handlers for a 400/422 answer; carries the response."""

    def __init__(self, response: web.Response) -> None:
        self.response = response


def per_page(ctx: Ctx, default: int, source: dict[str, Any] | None = None) -> int:
    raw = (source if source is not None else ctx.query).get("per_page")
    try:
        return int_param(None if raw is None else str(raw), default)
    except ValueError:
        raise BadInput(
            error(400, "parameter_invalid", "per_page must be between 1 and 150")
        ) from None


def cursor_page(
    ctx: Ctx,
    kind: str,
    records: Sequence[dict[str, Any]],
    *,
    items_key: str = "data",
    list_type: str = "list",
    default_per_page: int = 50,
    style: PaginationStyle = "cursor",
) -> web.Response:
    """A cursor-paginated list (``pages.next.starting_after``), as GET /contacts answers; with
    ``style="search"`` the cursor and page size are read from the body's ``pagination``."""
    shape = STYLES[style]
    cursor, size_text = shape.asked(ctx.query, ctx.body)
    size = per_page(ctx, default_per_page, {"per_page": size_text} if size_text else {})
    try:
        offset = decode_cursor(kind, cursor)
    except InvalidCursor:
        return error(400, "client_error", "Invalid starting_after param")
    chunk = list(records[offset : offset + size])
    more = offset + size < len(records)
    return ok(
        shape.render(
            PageContent(
                items=chunk,
                following=encode_cursor(kind, offset + size) if more else None,
                number=offset // size + 1,
                per_page=size,
                total_count=len(records),
                total_pages=max(1, math.ceil(len(records) / size)),
                items_key=items_key,
                list_type=list_type,
            )
        )
    )


def number_page(
    ctx: Ctx,
    records: Sequence[dict[str, Any]],
    *,
    items_key: str = "data",
    list_type: str = "list",
    default_per_page: int = 15,
) -> web.Response:
    """A page-numbered list (``pages.page`` / ``total_pages`` / ``next`` URL); an operation's
    ``max_items`` caps what it reaches, as Intercom caps GET /companies."""
    shape = STYLES["page"]
    number, _size = shape.asked(ctx.query, None)
    size = per_page(ctx, default_per_page)
    try:
        page = int_param(number, 1, high=10**9)
    except ValueError:
        return error(400, "parameter_invalid", "page must be a positive integer")
    cap = ctx.op.max_items
    reachable = records if cap is None else records[:cap]
    chunk = list(reachable[(page - 1) * size : page * size])
    total_pages = max(1, math.ceil(len(reachable) / size))
    following = str(ctx.request.url.update_query(page=page + 1)) if page < total_pages else None
    return ok(
        shape.render(
            PageContent(
                items=chunk,
                following=following,
                number=page,
                per_page=size,
                total_count=len(records),
                total_pages=total_pages,
                items_key=items_key,
                list_type=list_type,
            )
        )
    )


def body_of(ctx: Ctx) -> dict[str, Any]:
    """The request's JSON object (empty without a body); 422 for any other JSON value."""
    if ctx.body is None:
        return {}
    if not isinstance(ctx.body, dict):
        raise BadInput(error(422, "data_invalid", "The request body must be a JSON object"))
    body: dict[str, Any] = ctx.body
    return body


def check_custom_attributes(body: dict[str, Any]) -> None:
    custom = body.get("custom_attributes")
    if custom is not None and not isinstance(custom, dict):
        raise BadInput(error(422, "parameter_invalid", "custom_attributes must be an object"))


def crud(
    resource: str,
    *,
    records: str,
    param: str,
    kind: str,
    code: str = "not_found",
    listed: tuple[str, str] | None = None,
    per_page: int | None = None,
    delete: bool = False,
    get: bool = True,
) -> None:
    """Declare a resource's plain operations at once, in the manner of moto's backends.

    ``{resource}.get`` answers the record of ``Workspace.<records>`` that the path parameter
    ``param`` names (404 ``code``, "<kind> Not Found", else); ``{resource}.list`` answers them
    all, unpaginated as ``{"type": listed[0], listed[1]: [...]}`` or in pages of ``per_page``;
    with ``delete``, ``{resource}.delete`` removes one, answering Intercom's deleted object;
    ``get=False`` leaves the get to a handler of its own.
    """

    def held(ctx: Ctx) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = getattr(ctx.store, records)
        return found

    def one(ctx: Ctx) -> dict[str, Any]:
        record = held(ctx).get(ctx.params[param])
        if record is None:
            raise BadInput(error(404, code, f"{kind} Not Found"))
        return record

    async def read(ctx: Ctx) -> web.StreamResponse:
        return ok(one(ctx))

    if get:
        HANDLERS[f"{resource}.get"] = read
    if listed is not None or per_page is not None:

        async def listing(ctx: Ctx) -> web.StreamResponse:
            everything = list(held(ctx).values())
            if per_page is not None:
                return number_page(ctx, everything, default_per_page=per_page)
            assert listed is not None
            return ok({"type": listed[0], listed[1]: everything})

        HANDLERS[f"{resource}.list"] = listing
    if delete:

        async def remove(ctx: Ctx) -> web.StreamResponse:
            record = one(ctx)
            del held(ctx)[str(record["id"])]
            return ok(
                {"id": record["id"], "object": record.get("type", kind.lower()), "deleted": True}
            )

        HANDLERS[f"{resource}.delete"] = remove
