"""Fake handlers: tickets and ticket types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _records as build
from .._query import search_page
from .._registry import (
    body_of,
    crud,
    find,
    handles,
    ok,
)
from .._store import error, not_found, now
from .conversations import author_of

if TYPE_CHECKING:
    from .._ctx import Ctx


def _ticket(ctx: Ctx) -> dict[str, Any]:
    return find(ctx.store.tickets, ctx.params.get("ticket_id"), "Ticket")


@handles("tickets.create")
async def create_ticket(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    ticket_type = ctx.store.ticket_types.get(str(body.get("ticket_type_id")))
    if ticket_type is None:
        return error(404, "not_found", "Ticket type not found")
    contacts = body.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        return error(400, "parameter_not_found", "contacts is required")
    store = ctx.store
    ticket_id = store.serial("ticket", store.tickets, 20_000)
    refs = [
        {
            "type": "contact",
            "id": c.get("id"),
            "external_id": c.get("external_id"),
            "email": c.get("email"),
        }
        for c in contacts
        if isinstance(c, dict)
    ]
    ticket = build.ticket(
        ticket_id,
        number=int(ticket_id) - 19_999,
        kind=ticket_type,
        contact_refs=refs,
        attributes=body.get("ticket_attributes") or {},
        created_at=now(),
    )
    store.tickets[ticket_id] = ticket
    return ok(ticket)


@handles("tickets.update")
async def update_ticket(ctx: Ctx) -> web.Response:
    ticket = _ticket(ctx)
    body = body_of(ctx)
    for key in ("open", "is_shared", "snoozed_until"):
        if key in body:
            ticket[key] = body[key]
    if body.get("ticket_attributes"):
        ticket["ticket_attributes"].update(body["ticket_attributes"])
    if body.get("assignee_id") is not None:
        ticket["admin_assignee_id"] = body["assignee_id"]
    ticket["updated_at"] = now()
    return ok(ticket)


@handles("tickets.reply")
async def reply_ticket(ctx: Ctx) -> web.Response:
    ticket = _ticket(ctx)
    body = body_of(ctx)
    author = author_of(ctx, body)
    parts = ticket["ticket_parts"]["ticket_parts"]
    part = {
        "type": "ticket_part",
        "id": f"{ticket['id']}-{len(parts) + 1}",
        "part_type": body.get("message_type", "comment"),
        "body": body.get("body"),
        "created_at": now(),
        "updated_at": now(),
        "author": author,
        "attachments": [],
        "redacted": False,
    }
    parts.append(part)
    ticket["ticket_parts"]["total_count"] = len(parts)
    return ok(part)


@handles("tickets.search")
async def search_tickets(ctx: Ctx) -> web.Response:
    return search_page(
        ctx, list(ctx.store.tickets.values()), "tickets", "tickets", "tickets", "ticket.list"
    )


@handles("ticket_types.create", "ticket_types.update")
async def save_ticket_type(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    store = ctx.store
    if ctx.op.name == "ticket_types.create":
        if not body.get("name"):
            return error(400, "parameter_not_found", "name is required")
        type_id = store.serial("ticket_type", store.ticket_types, 50)
        store.ticket_types[type_id] = build.ticket_type(
            type_id, name=body["name"], category="Customer", created_at=now()
        )
    else:
        type_id = ctx.params["ticket_type_id"]
        if type_id not in store.ticket_types:
            return not_found("Ticket type")
    ticket_type = store.ticket_types[type_id]
    for key in ("name", "description", "icon", "category", "archived"):
        if key in body:
            ticket_type[key] = body[key]
    ticket_type["updated_at"] = now()
    return ok(ticket_type)


crud("tickets", records="tickets", param="ticket_id", kind="Ticket", delete=True)
crud(
    "ticket_types",
    records="ticket_types",
    param="ticket_type_id",
    kind="Ticket type",
    listed=("list", "data"),
)
