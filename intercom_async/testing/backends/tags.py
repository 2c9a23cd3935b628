"""Fake handlers: tags: created by name, tagging the companies and users sent with them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _records as build
from .._registry import (
    BadInput,
    body_of,
    crud,
    find,
    handles,
    ok,
)
from .._store import error, not_found

if TYPE_CHECKING:
    from .._ctx import Ctx


@handles("tags.create")
async def create_tag(ctx: Ctx) -> web.Response:
    """Create (or find) a tag by name, and tag or untag the companies and users sent with it."""
    body = body_of(ctx)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        return error(400, "parameter_not_found", "name is required")
    store = ctx.store
    tag = next((t for t in store.tags.values() if t["name"] == name), None)
    if tag is None:
        tag_id = store.serial("tag", store.tags, 1)
        tag = store.tags[tag_id] = build.tag(tag_id, name=name)
    targets = {"companies": _tag_companies, "users": _tag_users}
    if not any(key in body for key in targets):
        return ok(tag)
    answer = dict(tag)
    for key, apply in targets.items():
        entries = body.get(key) or []
        if not isinstance(entries, list):
            return error(400, "parameter_invalid", f"{key} must be a list")
        answer[key] = [apply(ctx, tag, entry) for entry in entries]
    return ok(answer)


def _tag_companies(ctx: Ctx, tag: dict[str, Any], entry: Any) -> dict[str, Any]:
    wanted = entry if isinstance(entry, dict) else {}
    company = ctx.store.companies.get(str(wanted.get("id"))) or next(
        (
            c
            for c in ctx.store.companies.values()
            if wanted.get("company_id") and c.get("company_id") == wanted.get("company_id")
        ),
        None,
    )
    if company is None:
        raise BadInput(not_found("Company"))
    tags = company["tags"]["tags"]
    untag = bool(wanted.get("untag"))
    company["tags"]["tags"] = [t for t in tags if t["id"] != tag["id"]]
    if not untag:
        company["tags"]["tags"].append({"type": "tag", "id": tag["id"], "name": tag["name"]})
    return {"id": company["id"], "tagged": not untag}


def _tag_users(ctx: Ctx, tag: dict[str, Any], entry: Any) -> dict[str, Any]:
    wanted = entry if isinstance(entry, dict) else {}
    contact = ctx.store.contacts.get(str(wanted.get("id")))
    if contact is None:
        raise BadInput(not_found("User"))
    refs = [r for r in contact["tags"]["data"] if r["id"] != tag["id"]]
    untag = bool(wanted.get("untag"))
    if not untag:
        refs.append({"type": "tag", "id": tag["id"], "url": f"/tags/{tag['id']}"})
    contact["tags"]["data"], contact["tags"]["total_count"] = refs, len(refs)
    return {"id": contact["id"], "tagged": not untag}


@handles("tags.delete")
async def delete_tag(ctx: Ctx) -> web.Response:
    tag = find(ctx.store.tags, ctx.params["tag_id"], "Tag")
    del ctx.store.tags[tag["id"]]
    return web.Response(status=200)


crud("tags", records="tags", param="tag_id", kind="Tag", listed=("list", "data"))
