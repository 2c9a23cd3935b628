"""Fake handlers: data attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .. import _records as build
from .._registry import (
    body_of,
    handles,
    ok,
)
from .._store import error, not_found, now

if TYPE_CHECKING:
    from .._ctx import Ctx


@handles("data_attributes.list")
async def list_data_attributes(ctx: Ctx) -> web.Response:
    model = ctx.query.get("model")
    attributes = [a for a in ctx.store.data_attributes.values() if not model or a["model"] == model]
    return ok({"type": "list", "data": attributes})


@handles("data_attributes.create", "data_attributes.update")
async def save_data_attribute(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
    store = ctx.store
    if ctx.op.name == "data_attributes.create":
        name, kind = body.get("name"), body.get("data_type")
        if not name or kind not in ("string", "integer", "float", "boolean", "datetime", "date"):
            return error(400, "parameter_invalid", "name and a valid data_type are required")
        if any(a["name"] == name for a in store.data_attributes.values()):
            return error(400, "parameter_invalid", f"You already have '{name}' in your data.")
        attribute_id = store.serial("data_attribute", store.data_attributes, 1000)
        store.data_attributes[attribute_id] = build.data_attribute(
            int(attribute_id),
            name=name,
            data_type=kind,
            model=body.get("model", "contact"),
            created_at=now(),
            label=name,
        )
    else:
        attribute_id = ctx.params["data_attribute_id"]
        if attribute_id not in store.data_attributes:
            return not_found("Data attribute")
    attribute = store.data_attributes[attribute_id]
    for key in ("description", "archived", "messenger_writable"):
        if key in body:
            attribute[key] = body[key]
    if isinstance(body.get("options"), list):
        # Sent as [{"value": ...}], answered as the values (2.16: an array of strings).
        attribute["options"] = [
            o.get("value") if isinstance(o, dict) else o for o in body["options"]
        ]
    attribute["updated_at"] = now()
    return ok(attribute)
