"""Fake handlers: conversations: create, reply, manage, tags, search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _records as build
from .._query import search_page
from .._registry import (
    BadInput,
    body_of,
    crud,
    cursor_page,
    find,
    handles,
    ok,
)
from .._store import error, now

if TYPE_CHECKING:
    from .._ctx import Ctx


def _conversation(ctx: Ctx) -> dict[str, Any]:
    return find(ctx.store.conversations, ctx.params.get("conversation_id"), "Conversation")


def author_of(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
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


# A retrieved conversation shows at most this many parts, the most recent (api-notes).
MAX_PARTS = 500


def _summaries(ctx: Ctx) -> list[dict[str, Any]]:
    """Conversations as lists and searches show them: without their parts."""
    return [
        {k: v for k, v in c.items() if k != "conversation_parts"}
        for c in ctx.store.conversations.values()
    ]


@handles("conversations.get")
async def get_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    parts = conversation["conversation_parts"]
    if len(parts["conversation_parts"]) <= MAX_PARTS:
        return ok(conversation)
    recent = {**parts, "conversation_parts": parts["conversation_parts"][-MAX_PARTS:]}
    return ok({**conversation, "conversation_parts": recent})


@handles("conversations.list")
async def list_conversations(ctx: Ctx) -> web.Response:
    return cursor_page(
        ctx,
        "conversations",
        _summaries(ctx),
        items_key="conversations",
        list_type="conversation.list",
        default_per_page=20,
    )


@handles("conversations.search")
async def search_conversations(ctx: Ctx) -> web.Response:
    return search_page(
        ctx,
        _summaries(ctx),
        "conversations",
        "conversations",
        "conversations",
        "conversation.list",
    )


@handles("conversations.create")
async def create_conversation(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
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
async def update_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    body = body_of(ctx)
    for key in ("read", "title"):
        if key in body:
            conversation[key] = body[key]
    if body.get("custom_attributes"):
        conversation["custom_attributes"].update(body["custom_attributes"])
    conversation["updated_at"] = now()
    return ok(conversation)


@handles("conversations.reply")
async def reply_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    body = body_of(ctx)
    if body.get("message_type") not in ("comment", "note", "quick_reply"):
        return error(400, "parameter_invalid", "message_type must be comment, note or quick_reply")
    author = author_of(ctx, body)
    _add_part(conversation, body["message_type"], author, body.get("body"))
    if author["type"] == "user":
        conversation["open"], conversation["state"] = True, "open"
    return ok(conversation)


@handles("conversations.manage")
async def manage_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    body = body_of(ctx)
    kind = body.get("message_type")
    author = author_of(ctx, {"type": "admin", "admin_id": body.get("admin_id")})
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
async def tag_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    tag = find(ctx.store.tags, body_of(ctx).get("id"), "Tag")
    tags = conversation["tags"]["tags"]
    if all(t["id"] != tag["id"] for t in tags):
        tags.append(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


@handles("conversations.detach_tag")
async def untag_conversation(ctx: Ctx) -> web.Response:
    conversation = _conversation(ctx)
    tag = find(ctx.store.tags, ctx.params["tag_id"], "Tag")
    conversation["tags"]["tags"] = [t for t in conversation["tags"]["tags"] if t["id"] != tag["id"]]
    return ok(build.applied_tag(tag, applied_at=now(), admin_id=ctx.store.admin()["id"]))


crud(
    "conversations",
    records="conversations",
    param="conversation_id",
    kind="Conversation",
    delete=True,
    get=False,
)
