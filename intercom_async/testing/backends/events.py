"""Fake handlers: data events: de-duplicated as Intercom does, listed by contact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..._paging import STYLES, PageContent
from .._registry import (
    body_of,
    handles,
    ok,
)
from .._store import InvalidCursor, decode_cursor, encode_cursor, error, now

if TYPE_CHECKING:
    from .._ctx import Ctx


@handles("events.create")
async def create_event(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    if not body.get("event_name"):
        return error(400, "parameter_not_found", "event_name is required")
    if not any(body.get(k) for k in ("user_id", "id", "email")):
        return error(400, "parameter_not_found", "user_id, id or email is required")
    key = (
        body.get("event_name"),
        body.get("user_id") or body.get("id") or body.get("email"),
        body.get("created_at"),
    )
    # Intercom de-duplicates events by contact, name and created_at.
    if body.get("created_at") is None or all(
        (e["event_name"], e.get("user_id") or e.get("id") or e.get("email"), e["created_at"]) != key
        for e in ctx.store.events
    ):
        ctx.store.events.append(
            {
                "type": "event",
                "id": ctx.store.new_id(8),
                "created_at": body.get("created_at") or now(),
                **{k: body.get(k) for k in ("event_name", "user_id", "id", "email", "metadata")},
            }
        )
    return web.Response(status=202)


@handles("events.list")
async def list_events(ctx: Ctx) -> web.Response:
    query = ctx.query
    if query.get("type") != "user":
        return error(400, "parameter_invalid", "type must be user")
    who = [(k, query[k]) for k in ("user_id", "email", "intercom_user_id") if query.get(k)]
    if not who:
        return error(400, "parameter_not_found", "user_id, email or intercom_user_id is required")
    field, value = who[0]
    field = "id" if field == "intercom_user_id" else field
    events = [e for e in ctx.store.events if e.get(field) == value]
    shape = STYLES["next_url"]
    try:
        offset = decode_cursor("events", shape.asked(query, None)[0])
    except InvalidCursor:
        return error(400, "client_error", "Invalid next param")
    size = 50
    chunk = events[offset : offset + size]
    more = offset + size < len(events)
    following = str(ctx.request.url.update_query(next=encode_cursor("events", offset + size)))
    content = PageContent(
        chunk, following if more else None, items_key="events", list_type="event.summary"
    )
    # The list names whom it is about, by each key the contact has.
    contact: dict[str, Any] = next(
        (c for c in ctx.store.contacts.values() if c.get(field) == value), {}
    )
    about = {"email": contact.get("email"), "user_id": contact.get("external_id")}
    about["intercom_user_id"] = contact.get("id")
    return ok({**shape.render(content), **about})
