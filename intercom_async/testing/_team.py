"""Fake handlers for admins, teams, data attributes, events and articles."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .._paging import STYLES, PageContent
from . import _records as build
from ._people import _body
from ._registry import handles, number_page, ok
from ._store import InvalidCursor, decode_cursor, encode_cursor, error, not_found, now


@handles("admins.me")
async def me(ctx: Any) -> web.Response:
    admin = ctx.store.admin()
    return ok(
        {
            **admin,
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": "ecahpwf5",
                "name": "Fake Workspace",
                "created_at": 1_600_000_000,
                "secure": False,
                "identity_verification": False,
                "timezone": "Europe/Dublin",
                "region": "US",
            },
        }
    )


@handles("admins.list")
async def list_admins(ctx: Any) -> web.Response:
    return ok({"type": "admin.list", "admins": list(ctx.store.admins.values())})


@handles("admins.get")
async def get_admin(ctx: Any) -> web.Response:
    admin = ctx.store.admins.get(ctx.params["admin_id"])
    return ok(admin) if admin else error(404, "admin_not_found", "Admin not found")


@handles("admins.set_away")
async def set_away(ctx: Any) -> web.Response:
    admin = ctx.store.admins.get(ctx.params["admin_id"])
    if admin is None:
        return error(404, "admin_not_found", "Admin not found")
    body = _body(ctx)
    if not isinstance(body.get("away_mode_enabled"), bool):
        return error(400, "parameter_not_found", "away_mode_enabled is required")
    admin["away_mode_enabled"] = body["away_mode_enabled"]
    admin["away_mode_reassign"] = bool(body.get("away_mode_reassign"))
    return ok(admin)


@handles("teams.list")
async def list_teams(ctx: Any) -> web.Response:
    return ok({"type": "team.list", "teams": list(ctx.store.teams.values())})


@handles("teams.get")
async def get_team(ctx: Any) -> web.Response:
    team = ctx.store.teams.get(ctx.params["team_id"])
    return ok(team) if team else error(404, "team_not_found", "Team not found")


@handles("data_attributes.list")
async def list_data_attributes(ctx: Any) -> web.Response:
    model = ctx.query.get("model")
    attributes = [a for a in ctx.store.data_attributes.values() if not model or a["model"] == model]
    return ok({"type": "list", "data": attributes})


@handles("data_attributes.create", "data_attributes.update")
async def save_data_attribute(ctx: Any) -> web.Response:
    body = _body(ctx)
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


@handles("events.create")
async def create_event(ctx: Any) -> web.Response:
    body = _body(ctx)
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
async def list_events(ctx: Any) -> web.Response:
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


def _article(ctx: Any) -> dict[str, Any] | None:
    article: dict[str, Any] | None = ctx.store.articles.get(ctx.params.get("article_id"))
    return article


@handles("articles.list")
async def list_articles(ctx: Any) -> web.Response:
    return number_page(ctx, list(ctx.store.articles.values()), default_per_page=25)


@handles("articles.get")
async def get_article(ctx: Any) -> web.Response:
    article = _article(ctx)
    return ok(article) if article else not_found("Article")


@handles("articles.create", "articles.update")
async def save_article(ctx: Any) -> web.Response:
    body = _body(ctx)
    store = ctx.store
    if ctx.op.name == "articles.create":
        if not body.get("title") or not body.get("author_id"):
            return error(400, "parameter_not_found", "title and author_id are required")
        article_id = store.serial("article", store.articles, 7100)
        store.articles[article_id] = build.article(
            article_id,
            title=body["title"],
            author_id=body["author_id"],
            state="draft",
            created_at=now(),
        )
    else:
        article_id = ctx.params["article_id"]
        if article_id not in store.articles:
            return not_found("Article")
    article = store.articles[article_id]
    for key in ("title", "description", "body", "author_id", "state", "parent_id", "parent_type"):
        if key in body:
            article[key] = body[key]
    article["updated_at"] = now()
    return ok(article)


@handles("articles.delete")
async def delete_article(ctx: Any) -> web.Response:
    article = _article(ctx)
    if article is None:
        return not_found("Article")
    del ctx.store.articles[article["id"]]
    return ok({"id": article["id"], "object": "article", "deleted": True})
