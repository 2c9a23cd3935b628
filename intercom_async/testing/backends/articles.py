"""Fake handlers: help center articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .. import _records as build
from .._registry import (
    body_of,
    crud,
    handles,
    ok,
)
from .._store import error, not_found, now

if TYPE_CHECKING:
    from .._ctx import Ctx


def _article(ctx: Ctx) -> dict[str, Any] | None:
    article: dict[str, Any] | None = ctx.store.articles.get(ctx.params.get("article_id", ""))
    return article


@handles("articles.create", "articles.update")
async def save_article(ctx: Ctx) -> web.Response:
    body = body_of(ctx)
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


crud("articles", records="articles", param="article_id", kind="Article", per_page=25, delete=True)
