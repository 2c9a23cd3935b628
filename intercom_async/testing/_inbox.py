"""Fake handlers for conversations, tickets and ticket types."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import _records as build
from ._people import _body, _search, _tag
from ._registry import BadInput, cursor_page, find, handles, ok
from ._store import error, not_found, now


def _conversation(ctx: Any) -> dict[str, Any]:
    return find(ctx.store.conversations, ctx.params.get("conversation_id"), "Conversation")


def _author(ctx: Any, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("type") == "admin" or body.get("admin_id"):
        admin = ctx.store.admins.get(str(body.get("admin_id")))
        if admin is None:
            raise BadInput(error(404, "admin_not_found", "Admin not found"))
        return {"type": "admin", "id": admin["id"], "name": admin["name"], "email": admin["email"]}
    contact_id = body.get("intercom_user_id") or body.get("user_id")
    contact = ctx.store.contacts.get(str(contact_id)) if contact_id else None
    if contact is None and body.get("email"):
        contact = next(
            (c for c in ctx.store.contacts.values() if c["email"] == body["email"]), None
        )
    if contact is None:
        raise BadInput(error(404, "not_found", "User Not Found"))
    return {
        "type": "user",
        "id": contact["id"],
        "name": contact.get("name"),
        "email": contact.get("email"),
    }


def _add_part(
    conversation: dict[str, Any], part_type: str, author: dict[str, Any], body: str | None
) -> None:
    parts = conversation["conversation_parts"]["conversation_parts"]
    stamp = now()
    part_id = f"{conversation['id']}-{len(parts) + 1}"
    parts.append(
        build.conversation_part(part_id, part_type=part_type, body=body, author=author, at=stamp)
    )
    conversation["conversation_parts"]["total_count"] = len(parts)
    conversation["updated_at"] = stamp


@handles("conversations.list")
async def list_conversations(ctx: Any) -> web.Response:
    return cursor_page(
        ctx,
        "conversations",
        list(ctx.store.conversations.values()),
        items_key="conversations",
        list_type="conversation.list",
        default_per_page=20,
    )


@handles("conversations.search")
async def search_conversations(ctx: Any) -> web.Response:
    return _search(
        ctx,
        list(ctx.store.conversations.values()),
        "conversations",
        "conversations",
        "conversations",
        "conversation.list",
    )


@handles("conversations.get")
async def get_conversation(ctx: Any) -> web.Response:
    return ok(_conversation(ctx))


@handles("conversations.create")
async def create_conversation(ctx: Any) -> web.Response:
    body = _body(ctx)
    sender = body.get("from")
    if not isinstance(sender, dict) or not body.get("body"):
        return error(400, "parameter_not_found", "from and body are required")
    contact = ctx.store.contacts.get(str(sender.get("id")))
    if contact is None:
        return error(404, "not_found", "User Not Found")
    store = ctx.store
    conversation_id = store.serial("conversation", store.conversations, 1_010_000)
    stamp = now()
    source = {
        "type": "conversation",
        "id": store.new_id(4),
        "delivered_as": "customer_initiated",
        "subject": body.get("subject") or "",
        "body": body["body"],
        "author": {
            "type": "user",
            "id": contact["id"],
            "name": contact.get("name"),
            "email": contact.get("email"),
        },
        "attachments": [],
        "url": None,
        "redacted": False,
    }
    refs = [{"type": "contact", "id": contact["id"], "external_id": contact.get("external_id")}]
    store.conversations[conversation_id] = build.conversation(
        conversation_id, created_at=stamp, source=source, contact_refs=refs
    )
    return ok(
        {
            "type": "user_message",
            "id": store.new_id(4),
            "created_at": stamp,
            "body": body["body"],
            "message_type": "inapp",
            "conversation_id": conversation_id,
        }
    )


@handles("conversations.update")
async def update_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    body = _body(ctx)
    for key in ("read", "title"):
        if key in body:
            conversation[key] = body[key]
    if body.get("custom_attributes"):
        conversation["custom_attributes"].update(body["custom_attributes"])
    conversation["updated_at"] = now()
    return ok(conversation)


@handles("conversations.delete")
async def delete_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    del ctx.store.conversations[conversation["id"]]
    return ok({"id": conversation["id"], "object": "conversation", "deleted": True})


@handles("conversations.reply")
async def reply_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    body = _body(ctx)
    if body.get("message_type") not in ("comment", "note", "quick_reply"):
        return error(400, "parameter_invalid", "message_type must be comment, note or quick_reply")
    author = _author(ctx, body)
    _add_part(conversation, body["message_type"], author, body.get("body"))
    if author["type"] == "user":
        conversation["open"], conversation["state"] = True, "open"
    return ok(conversation)


@handles("conversations.manage")
async def manage_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    body = _body(ctx)
    kind = body.get("message_type")
    author = _author(ctx, {"type": "admin", "admin_id": body.get("admin_id")})
    if kind == "close":
        conversation["open"], conversation["state"] = False, "closed"
    elif kind == "open":
        conversation["open"], conversation["state"] = True, "open"
    elif kind == "snoozed":
        if not body.get("snoozed_until"):
            return error(400, "parameter_not_found", "snoozed_until is required")
        conversation["state"], conversation["snoozed_until"] = "snoozed", body["snoozed_until"]
    elif kind == "assignment":
        conversation["admin_assignee_id"] = int(body.get("assignee_id") or 0) or None
    else:
        return error(
            400, "parameter_invalid", "message_type must be close, snoozed, open or assignment"
        )
    _add_part(conversation, kind, author, body.get("body"))
    return ok(conversation)


@handles("conversations.attach_tag")
async def tag_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    tag = _tag(ctx, _body(ctx).get("id"))
    tags = conversation["tags"]["tags"]
    if all(t["id"] != tag["id"] for t in tags):
        tags.append(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


@handles("conversations.detach_tag")
async def untag_conversation(ctx: Any) -> web.Response:
    conversation = _conversation(ctx)
    tag = _tag(ctx, ctx.params["tag_id"])
    conversation["tags"]["tags"] = [t for t in conversation["tags"]["tags"] if t["id"] != tag["id"]]
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


# -- tickets -----------------------------------------------------------------------------------


def _ticket(ctx: Any) -> dict[str, Any]:
    return find(ctx.store.tickets, ctx.params.get("ticket_id"), "Ticket")


@handles("tickets.create")
async def create_ticket(ctx: Any) -> web.Response:
    body = _body(ctx)
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


@handles("tickets.get")
async def get_ticket(ctx: Any) -> web.Response:
    return ok(_ticket(ctx))


@handles("tickets.update")
async def update_ticket(ctx: Any) -> web.Response:
    ticket = _ticket(ctx)
    body = _body(ctx)
    for key in ("open", "is_shared", "snoozed_until"):
        if key in body:
            ticket[key] = body[key]
    if body.get("ticket_attributes"):
        ticket["ticket_attributes"].update(body["ticket_attributes"])
    if body.get("assignee_id") is not None:
        ticket["admin_assignee_id"] = body["assignee_id"]
    ticket["updated_at"] = now()
    return ok(ticket)


@handles("tickets.delete")
async def delete_ticket(ctx: Any) -> web.Response:
    ticket = _ticket(ctx)
    del ctx.store.tickets[ticket["id"]]
    return ok({"id": ticket["id"], "object": "ticket", "deleted": True})


@handles("tickets.reply")
async def reply_ticket(ctx: Any) -> web.Response:
    ticket = _ticket(ctx)
    body = _body(ctx)
    author = _author(ctx, body)
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
async def search_tickets(ctx: Any) -> web.Response:
    return _search(
        ctx, list(ctx.store.tickets.values()), "tickets", "tickets", "tickets", "ticket.list"
    )


@handles("ticket_types.list")
async def list_ticket_types(ctx: Any) -> web.Response:
    return ok({"type": "list", "data": list(ctx.store.ticket_types.values())})


@handles("ticket_types.get")
async def get_ticket_type(ctx: Any) -> web.Response:
    ticket_type = ctx.store.ticket_types.get(ctx.params["ticket_type_id"])
    return ok(ticket_type) if ticket_type else not_found("Ticket type")


@handles("ticket_types.create", "ticket_types.update")
async def save_ticket_type(ctx: Any) -> web.Response:
    body = _body(ctx)
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
